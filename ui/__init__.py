"""The web UI (Gradio): `rag.ui.app.create_app(engine)` and `serve(...)`; only `rag serve` imports it.
`rag.ui.labels` holds the words both faces put around an answer, and the command line uses it too."""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before any module of the web UI imports gradio
