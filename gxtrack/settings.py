"""Settings read from the environment when a process starts, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class Settings:
    """Where gxtrack keeps its data and how it reaches its services."""

    data_dir: Path
    database_url: str | None = None
    # A streaming replica of the same PostgreSQL server: read-model queries go
    # there, commands and the projections to database_url.
    read_database_url: str | None = None
    secret_key: str = ""
    smtp: dict[str, str] = field(default_factory=dict)
    weekly_scan_cron: str = "mon 09:00"
    timezone: str = "Asia/Shanghai"
    projection_wait_seconds: float = 10.0
    inline_projections: bool = True
    # How old (seconds) a kept forecast or what-if may be while its successor is
    # computed in the background (gxtrack/readmodels/engine/memo.py); 0: never.
    stale_figures_seconds: float = 0.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read GXTRACK_* variables (see docs/operations.md, "配置")."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("GXTRACK_DATA_DIR", "./var")).resolve()
        smtp = {
            key[len("GXTRACK_SMTP_") :].lower(): value
            for key, value in env.items()
            if key.startswith("GXTRACK_SMTP_")
        }
        return cls(
            data_dir=data_dir,
            database_url=env.get("GXTRACK_DATABASE_URL") or None,
            read_database_url=env.get("GXTRACK_READ_DATABASE_URL") or None,
            secret_key=env.get("GXTRACK_SECRET_KEY", ""),
            smtp=smtp,
            weekly_scan_cron=env.get("GXTRACK_WEEKLY_SCAN", "mon 09:00"),
            projection_wait_seconds=float(env.get("GXTRACK_PROJECTION_WAIT", "10")),
            inline_projections=env.get("GXTRACK_INLINE_PROJECTIONS", "1") != "0",
            stale_figures_seconds=float(env.get("GXTRACK_STALE_FIGURES", "600")),
        )

    @property
    def in_memory(self) -> bool:
        """Whether the store lives in this process's memory (tests, trials):
        no other process can open it."""
        return self.database_url == "memory://"

    @property
    def is_postgres(self) -> bool:
        """Whether the store is PostgreSQL rather than the embedded SQLite."""
        return bool(self.database_url) and self.database_url.startswith(
            ("postgresql://", "postgres://")
        )

    def postgres_params(self, read: bool = False) -> dict[str, str]:
        """Connection parameters parsed from GXTRACK_DATABASE_URL (`read`:
        from GXTRACK_READ_DATABASE_URL, the schema being the primary's)."""
        if read:
            params = Settings(self.data_dir, self.read_database_url).postgres_params()
            schema = self.postgres_params().get("schema")
            return {**params, **({"schema": schema} if schema else {})}
        url = urlparse(self.database_url or "")
        params = {
            "host": url.hostname or "127.0.0.1",
            "port": str(url.port or 5432),
            "dbname": (url.path or "/").lstrip("/") or "postgres",
            "user": unquote(url.username or "postgres"),
            "password": unquote(url.password or ""),
        }
        for part in (url.query or "").split("&"):
            if part.startswith("schema="):
                params["schema"] = part.split("=", 1)[1]
        return params

    def ensure_secret_key(self) -> str:
        """The session signing key: from the environment or kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
