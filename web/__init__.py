"""The web app: server-rendered pages for bureau staff and the JSON API."""

from web.app import create_app

__all__ = ["create_app"]
