"""Errors become JSON at the edge: `{"error": {"status": ..., "message": ...}}`."""

from __future__ import annotations

from fastapi.responses import JSONResponse


def error_response(status: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, **extra}}, status)
