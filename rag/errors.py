"""The one exception type the faces show to users as a message, not a traceback."""


class RagError(Exception):
    """Something the user can act on: the message says what went wrong and how to fix it."""


class EmbedderMismatch(RagError):
    """The index was built with another embedder than the one configured."""


class LLMUnavailable(RagError):
    """The model server or the model cannot be used; answers fall back to extractive mode."""
