"""A rebuild's second process: it checks the kept hash chain and replays read
models apart, while the rebuild replays the rest.

A rebuild in one process leaves the other core idle. So a long one starts this
module as a child process, which reads the log once and, page by page:

- checks each link of the kept hash chain (`audit_chain` is never dropped, and
  replaying the chain follower over the kept part of the log would only verify
  it, a million SHA-256 links at 1M events); the follower itself resumes at the
  kept head;
- replays the projections marked `apart` (each reads and writes only its own
  tables). On PostgreSQL it writes them in place, in batches of its own: they
  lock other rows than the rebuild's. SQLite has one writer at a time, so there
  it writes a scratch file beside the database; the rebuild then copies their
  tables in and sets their positions in one transaction (SQLite moves whole
  records, index entries included, when the schemas match).

The rebuild waits for the child's outcome before it finishes. If a kept
link does not hold, the rebuilt read models and the chain follower go back to
position zero: following the log again then stops at the tampered batch, as a
replay in one process does, instead of serving read models built from a
tampered log. If the child dies, the rebuild does the child's work itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gxtrack.audit.chain import GENESIS, ChainBrokenError, chain_digests
from gxtrack.audit.chain_follower import ChainProjection
from gxtrack.infra.db import Database, SQLiteDatabase, open_database
from gxtrack.readmodels.engine.log import reader
from gxtrack.settings import Settings

PAGE = 50_000  # events per read when only checking; a page is about 40 MB
Read = Callable[[int, int], Sequence[Any]]


@dataclass
class Outcome:
    """What the second process reports back."""

    problem: str | None = None  # a kept link that does not hold
    built: int = 0  # the position the apart projections reached
    died: str | None = None  # set when it gave no verdict: do its work here


class RebuildHelper:
    """The second process of one rebuild: chain check up to `chain_to` (0 for
    none) and the `apart` projections replayed up to `stop`."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        chain_to: int,
        apart: Sequence[str],
        stop: int,
    ) -> None:
        self.chain_to = chain_to
        self.apart = list(apart)
        self.scratch: Path | None = None  # SQLite: where the child writes
        if apart and isinstance(db, SQLiteDatabase):
            if db.path is None:
                raise ValueError("an in-memory database cannot be shared")
            sweep(db.path)
            handle, name = tempfile.mkstemp(
                prefix=f"{db.path.name}.rebuild-{os.getpid()}-",
                suffix=".db",
                dir=db.path.parent,
            )
            os.close(handle)
            self.scratch = Path(name)
        # A fresh interpreter running this module (not multiprocessing, whose
        # spawn re-imports the caller's main script): it shares no connection.
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdin is not None
        self._process.stdin.write(
            json.dumps(
                {
                    "data_dir": str(settings.data_dir),
                    "database_url": settings.database_url,
                    "chain_to": chain_to,
                    "apart": self.apart,
                    "stop": stop,
                    "scratch": str(self.scratch) if self.scratch else None,
                }
            )
        )
        self._process.stdin.close()

    def result(self) -> Outcome:
        """Wait for the child and read its outcome (its last line of output)."""
        assert self._process.stdout is not None
        out = self._process.stdout.read()
        self._process.wait()
        self._process.stdout.close()
        try:
            told = json.loads(out.strip().splitlines()[-1])
            return Outcome(problem=told["problem"], built=int(told["built"]))
        except (ValueError, KeyError, TypeError, IndexError):
            return Outcome(died=f"exit status {self._process.returncode}")

    def cancel(self) -> None:
        """Stop the child (the rebuild failed for another reason)."""
        self._process.kill()
        self._process.wait()

    def discard(self) -> None:
        """Remove the scratch file."""
        if self.scratch:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.scratch}{suffix}").unlink(missing_ok=True)


def sweep(database: Path) -> None:
    """Remove the scratch files of rebuilds whose process is gone (killed)."""
    for path in database.parent.glob(f"{database.name}.rebuild-*"):
        owner = path.name[len(database.name) + len(".rebuild-") :].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def while_parent_lives(read: Read) -> Read:
    """`read`, ending this process once the rebuild that started it is gone
    (killed): its work would be thrown away."""
    parent = os.getppid()

    def read_guarded(start: int, limit: int) -> Sequence[Any]:
        if os.getppid() != parent:
            raise SystemExit("重建进程已退出 (the rebuild is gone)")
        return read(start, limit)

    return read_guarded


def checking(read: Read, db: Database, chain_to: int) -> Read:
    """`read`, checking the kept chain link of every event up to `chain_to`
    that it returns (pages are read in order, each after the one before)."""
    previous, expected = GENESIS, 1

    def read_checked(start: int, limit: int) -> Sequence[Any]:
        nonlocal previous, expected
        page = read(start, limit)
        if not page or start > chain_to:
            return page
        with db.transaction(write=False) as cur:
            if start != expected:
                previous = ChainProjection.previous(cur, start)
            kept = page[: bisect_right(page, chain_to, key=lambda n: n.id)]
            if kept:
                digests = chain_digests(previous, kept)
                ChainProjection.check(cur, kept, digests)
                previous = digests[-1]
        expected = page[-1].id + 1
        return page

    return read_checked


def up_to(read: Read, stop: int) -> Read:
    """`read`, ending at position `stop`."""

    def read_bounded(start: int, limit: int) -> Sequence[Any]:
        page = read(start, limit) if start <= stop else ()
        if page and page[-1].id > stop:
            return page[: bisect_right(page, stop, key=lambda n: n.id)]
        return page

    return read_bounded


def work(settings: Settings, asked: dict[str, Any]) -> dict[str, Any]:
    """The child's work: {"problem": None or the broken link, "built": position}."""
    # Not Runtime.open(): its setup() would create the indexes the rebuild
    # defers, in the middle of the rebuild.
    from gxtrack.app import GxTrack
    from gxtrack.app.application import application_env
    from gxtrack.readmodels import ProjectionEngine, default_projections
    from gxtrack.readmodels.engine.rebuild import (
        REBUILD_BATCH,
        REBUILD_PAGES,
        no_cycle_collection,
    )

    chain_to, stop = int(asked["chain_to"]), int(asked["stop"])
    db = open_database(settings)
    app = GxTrack(env=application_env(settings))
    scratch = (
        SQLiteDatabase(asked["scratch"], scratch=True) if asked["scratch"] else None
    )
    try:
        read = checking(while_parent_lives(reader(app.recorder)), db, chain_to)
        built = 0
        if asked["apart"]:
            chosen = [p for p in default_projections() if p.name in asked["apart"]]
            engine = ProjectionEngine(
                app, scratch or db, chosen, read=up_to(read, stop)
            )
            if scratch:
                engine.rebuild()
            else:  # the rebuild has reset their tables and positions
                with db.bulk_load(), no_cycle_collection():
                    engine.run(batch_size=REBUILD_BATCH, pages=REBUILD_PAGES)
                with db.transaction() as cur:  # their indexes, not the rebuild's job
                    for projection in chosen:
                        projection.create(cur)
            built = engine.lowest()
        start = built + 1
        while start <= chain_to:  # the kept links past the replayed part
            page = read(start, PAGE)
            if not page:
                break
            start = page[-1].id + 1
        return {"problem": None, "built": built}
    except ChainBrokenError as error:
        return {"problem": str(error), "built": 0}
    finally:
        if scratch is not None:
            scratch.close()
        app.close()
        db.close()


def main() -> None:
    """The child: its task on stdin, its outcome as the last line on stdout."""
    asked = json.load(sys.stdin)
    settings = Settings(
        data_dir=Path(asked["data_dir"]), database_url=asked["database_url"]
    )
    print(json.dumps(work(settings, asked)))


if __name__ == "__main__":
    main()
