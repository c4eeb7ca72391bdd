"""The error hierarchy. Every error carries a user-facing message and an HTTP-like status."""

from __future__ import annotations


class TidingsError(Exception):
    """Base error: `message` is safe to show to a user; `status` maps to HTTP."""

    status: int = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class ConfigError(TidingsError):
    status = 500


class IngestError(TidingsError):
    """A source could not be fetched or parsed (network, HTTP status, malformed feed)."""

    status = 502


class ExtractError(TidingsError):
    """Bytes could not be turned into an article."""

    status = 422


class StoreError(TidingsError):
    status = 500


class NotFoundError(TidingsError):
    status = 404


class InvalidInputError(TidingsError):
    status = 422


class ConflictError(TidingsError):
    status = 409
