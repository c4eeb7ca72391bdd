"""The web app: server-rendered HTML pages (Jinja2)."""

from tidings.web.routes import TEMPLATES, router

__all__ = ["TEMPLATES", "router"]
