"""`create_app(settings)`: the FastAPI application (JSON API + web pages). Wiring only."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from tidings import __version__
from tidings.api import error_response
from tidings.api import router as api_router
from tidings.api.feedjson import FeedJson
from tidings.core import Settings, TidingsError
from tidings.pipeline import Pipeline
from tidings.pipeline.feed import feed_service
from tidings.pipeline.memory import limit_arenas
from tidings.store import Store
from tidings.web import TEMPLATES
from tidings.web import router as web_router

log = logging.getLogger(__name__)


def create_app(
    settings: Settings, *, store: Store | None = None, pipeline: Pipeline | None = None
) -> FastAPI:
    """Build the app. The store is opened (and migrated) here unless one is passed in."""
    limit_arenas()  # before the request threads start: see tidings.pipeline.memory
    app = FastAPI(
        title="Tidings",
        version=__version__,
        description="Self-hosted personalised news: sources, articles, readers, ranked feeds.",
        # The interactive docs pages load their scripts from a CDN, which an offline or
        # self-hosted install cannot reach; the OpenAPI document itself is always served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store if store is not None else Store.open(settings.database_url)
    app.state.pipeline = pipeline if pipeline is not None else Pipeline(app.state.store, settings)
    app.state.feed = feed_service(app.state.store, settings)
    app.state.feed_json = FeedJson()
    if settings.feed_warm_start:
        # the candidate index is built while the server starts answering other requests
        threading.Thread(target=app.state.feed.warm, daemon=True, name="feed-warm").start()
    app.mount(
        "/static", StaticFiles(directory=str(Path(__file__).parent / "web" / "static")), "static"
    )
    app.include_router(api_router)
    app.include_router(web_router)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(("/api/", "/openapi", "/docs"))

    def html_error(request: Request, status: int, message: str) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "readers": [], "reader": None},
            status_code=status,
        )

    @app.exception_handler(TidingsError)
    async def _tidings_error(request: Request, exc: TidingsError) -> Response:
        if exc.status >= 500:
            log.error("%s %s failed: %s", request.method, request.url.path, exc.message)
        if wants_json(request):
            return error_response(exc.status, exc.message)
        return html_error(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        if wants_json(request):
            return error_response(422, f"invalid request: {problems}")
        return html_error(request, 422, f"Invalid request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        if wants_json(request):
            return error_response(exc.status_code, message)
        return html_error(request, exc.status_code, message.capitalize())

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        if wants_json(request):
            return JSONResponse(
                {"error": {"status": 500, "message": "internal error; see the server log"}}, 500
            )
        return html_error(request, 500, "Something went wrong; see the server log.")

    return app


def app_from_env() -> FastAPI:
    """The app with settings from the environment: the factory uvicorn's worker processes
    import (`tidings serve --workers N`, `uvicorn --factory tidings.app:app_from_env`)."""
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper())
    return create_app(settings)
