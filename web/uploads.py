"""Uploaded files kept server-side between an import's preview and its confirmation.

The bytes go to a file under the data directory named by a random token; a small
JSON file beside it records the owner, the file name, its sha256 and when it
expires. Only the token travels in the form (never the bytes, never in the
cookie); the page layer also binds the token to the user's session. Reading back
checks owner, expiry and digest, so a swapped or stale upload is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

TTL_SECONDS = 60 * 60
MAX_BYTES = 10 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadMissingError(LookupError):
    """The upload is unknown, expired, someone else's, or altered on disk."""


@dataclass
class Upload:
    """One kept upload's record (not its bytes)."""

    token: str
    owner: str
    filename: str
    sha256: str
    size: int
    expires: float
    mapping: dict[str, str] = field(default_factory=dict)
    save_mapping: bool = False
    result: dict[str, Any] | None = None


class UploadStore:
    """Uploads under `<data dir>/uploads`, one `<token>.bin` + `<token>.json` each."""

    def __init__(self, root: Path, ttl: float = TTL_SECONDS) -> None:
        self.root = root
        self.ttl = ttl

    def _paths(self, token: str) -> tuple[Path, Path]:
        if not _TOKEN.match(token or ""):
            raise UploadMissingError(token)
        return self.root / f"{token}.bin", self.root / f"{token}.json"

    def put(self, data: bytes, filename: str, owner: str) -> Upload:
        """Keep `data` for `owner`; returns its record with a fresh token."""
        self.purge()
        self.root.mkdir(parents=True, exist_ok=True)
        upload = Upload(
            token=secrets.token_urlsafe(24),
            owner=owner,
            filename=filename,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            expires=time.time() + self.ttl,
        )
        blob, meta = self._paths(upload.token)
        blob.write_bytes(data)
        self.save(upload)
        return upload

    def save(self, upload: Upload) -> None:
        """Write the record (after a mapping or a result was added)."""
        meta = self._paths(upload.token)[1]
        meta.write_text(json.dumps(asdict(upload), ensure_ascii=False), "utf-8")

    def record(self, token: str, owner: str) -> Upload:
        """The record, if the token is live and `owner`'s."""
        meta = self._paths(token)[1]
        try:
            upload = Upload(**json.loads(meta.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            raise UploadMissingError(token) from None
        if upload.owner != owner or upload.expires < time.time():
            raise UploadMissingError(token)
        return upload

    def get(self, token: str, owner: str) -> tuple[Upload, bytes]:
        """The record and bytes, if the token is live, `owner`'s and intact."""
        upload = self.record(token, owner)
        try:
            data = self._paths(token)[0].read_bytes()
        except OSError:
            raise UploadMissingError(token) from None
        if hashlib.sha256(data).hexdigest() != upload.sha256:
            raise UploadMissingError(token)
        return upload, data

    def claim(self, token: str) -> bool:
        """Take the upload's import lock; False when an import of it is running
        (a double-clicked confirm must not import the file twice)."""
        lock = self._paths(token)[0].with_suffix(".lock")
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def release(self, token: str) -> None:
        """Give the import lock back."""
        self._paths(token)[0].with_suffix(".lock").unlink(missing_ok=True)

    def drop_bytes(self, token: str) -> None:
        """Forget the bytes (after the import); the record stays for the result."""
        self._paths(token)[0].unlink(missing_ok=True)

    def purge(self) -> None:
        """Remove every expired upload."""
        if not self.root.is_dir():
            return
        now = time.time()
        for meta in self.root.glob("*.json"):
            try:
                expired = json.loads(meta.read_text("utf-8"))["expires"] < now
            except (OSError, ValueError, KeyError):
                expired = True
            if expired:
                meta.with_suffix(".bin").unlink(missing_ok=True)
                meta.with_suffix(".lock").unlink(missing_ok=True)
                meta.unlink(missing_ok=True)
