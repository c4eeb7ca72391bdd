"""Tidings: a self-hosted personalised news platform."""

__version__ = "0.1.0"
