"""The web UI (Gradio): `rag.ui.app.create_app(engine)` and `serve(...)`; only `rag serve` imports it."""
