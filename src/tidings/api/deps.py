"""What every API route module shares: the store and pipeline of the app, id parameters and
the documented error responses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request

from tidings.api.schemas import ErrorOut
from tidings.core import MAX_ID
from tidings.pipeline import Pipeline
from tidings.store import Store

ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "Malformed request (e.g. a body that is not UTF-8)"},
    404: {"model": ErrorOut, "description": "Not found"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}

# Database ids are positive 64-bit integers: larger values must be a 422, not a driver overflow.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def pipeline_of(request: Request) -> Pipeline:
    pipeline: Pipeline = request.app.state.pipeline
    return pipeline
