"""The JSON API (FastAPI) under /api/v1."""

from tidings.api.errors import error_response
from tidings.api.routes import router

__all__ = ["error_response", "router"]
