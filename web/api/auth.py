"""Bearer-token authentication for the JSON API.

`Authorization: Bearer <token>` → the token's owner (digests in `accounts`) →
the Actor of that user, if still active. Anything else is 401. Views read the
actor with `current_actor()` and pass it to the services explicitly.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import abort, current_app, g, request

from domain.permissions import Actor

if TYPE_CHECKING:
    from gxtrack.bootstrap import Runtime

SECURITY_SCHEME = "bearerAuth"
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-.~+/=]{1,200}")
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "apidocs.page", "apidocs.asset"}


def runtime() -> Runtime:
    """The Runtime of the current app."""
    return current_app.extensions["gxtrack"]


def actor_for_header(header: str | None) -> Actor | None:
    """The active user a `Bearer` header belongs to, or None."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    # Only token-shaped text reaches the database (no NUL, no megabyte headers).
    if scheme.lower() != "bearer" or not TOKEN_SHAPE.fullmatch(token):
        return None
    rt = runtime()
    name = rt.accounts.token_owner(token)
    return rt.app.actor_for(name) if name else None


def authenticate() -> None:
    """before_request: every API endpoint but the public ones needs a token."""
    if not request.path.startswith("/api/v1/"):
        return
    if request.routing_exception is not None or request.endpoint in PUBLIC_ENDPOINTS:
        return
    actor = actor_for_header(request.headers.get("Authorization"))
    if actor is None:
        abort(401)
    g.api_actor = actor


def current_actor() -> Actor:
    """The authenticated caller of this API request."""
    actor = g.get("api_actor")
    if actor is None:  # pragma: no cover - authenticate() ran first
        abort(401)
    return actor
