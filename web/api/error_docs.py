"""The error statuses each operation can answer with, stated in the OpenAPI document.

Instead of flask-smorest's catch-all `default` response (which makes every
status "documented"), each operation lists the ones it really has: 401 without
a valid token, 403 for a role that may not act, 422 for input the schema or a
domain rule refuses, 503 while the store is unreachable; 404 where the path
names a record; 400, 404, 409 and 413 for writes (malformed JSON, a record the
body names that does not exist, a stale version or a duplicate, a body too
large). A 500 is then undocumented, as it should be.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import BasePlugin

EVERY = (401, 403, 422, 503)
NAMED = (404,)
WRITES = (400, 404, 409, 413)
WRITE_METHODS = ("post", "put", "patch", "delete")


class ErrorResponses(BasePlugin):
    """An apispec plugin adding the error responses to every operation."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **_: Any
    ) -> None:
        """Add the statuses each operation can answer with (documented ones kept)."""
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict):
                continue
            codes = [*EVERY]
            if method in WRITE_METHODS:
                codes += WRITES
            elif path and "{" in path:
                codes += NAMED
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(str(code), HTTPStatus(code).name)
