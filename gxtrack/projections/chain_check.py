"""A rebuild's check of the kept hash chain, run in a second process.

A rebuild never drops `audit_chain`: replaying the chain follower over the kept
part of the log only verifies it, a million SHA-256 links at 1M events, while
the other core sits idle. So a long rebuild hands that check to a child process
and the follower itself resumes at the kept head. The child only reads (the log
and `audit_chain`), so it never waits on the rebuild's write lock.

The rebuild waits for the child's verdict before it finishes. If a link does not
hold, the rebuilt read models and the chain follower go back to position zero:
following the log again then stops at the tampered batch, as a replay in one
process does, instead of serving read models built from a tampered log.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gxtrack.audit.chain import GENESIS, ChainBrokenError, chain_digests
from gxtrack.db import open_database
from gxtrack.projections.chain import ChainProjection
from gxtrack.projections.log import reader
from gxtrack.settings import Settings

PAGE = 50_000  # events per read; a page's rows and digests are about 40 MB
DIED = "哈希链校验进程意外退出，已停止重建 (chain check process died)"


class KeptChainCheck:
    """A child process checking the chain kept for positions 1..`stop`."""

    def __init__(self, settings: Settings, stop: int) -> None:
        self.stop = stop
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
                    "stop": stop,
                }
            )
        )
        self._process.stdin.close()

    def result(self) -> str | None:
        """Wait for the child: None if every kept link held, else the problem."""
        assert self._process.stdout is not None
        out = self._process.stdout.read()
        self._process.wait()
        self._process.stdout.close()
        try:  # the verdict is the last line: anything printed before it is not
            return json.loads(out.strip().splitlines()[-1])["problem"]
        except (ValueError, KeyError, TypeError, IndexError):
            return DIED

    def cancel(self) -> None:
        """Stop the child (the rebuild failed for another reason)."""
        self._process.kill()
        self._process.wait()


def check_kept(settings: Settings, stop: int) -> str | None:
    """Compare each event up to `stop` with its kept digest: None, or the problem."""
    # Not Runtime.open(): its setup() would create the indexes the rebuild
    # defers, in the middle of the rebuild.
    from gxtrack.services import GxTrack
    from gxtrack.services.application import application_env

    db = open_database(settings)
    app = GxTrack(env=application_env(settings))
    try:
        read = reader(app.recorder)
        start, previous = 1, GENESIS
        while start <= stop:
            page = [n for n in read(start, PAGE) if n.id <= stop]
            if not page:
                break
            digests = chain_digests(previous, page)
            with db.transaction(write=False) as cur:
                ChainProjection.check(cur, page, digests)
            previous, start = digests[-1], page[-1].id + 1
        return None
    except ChainBrokenError as error:
        return str(error)
    finally:
        app.close()
        db.close()


def main() -> None:
    """The child: settings on stdin, {"problem": …} on stdout."""
    asked = json.load(sys.stdin)
    settings = Settings(
        data_dir=Path(asked["data_dir"]), database_url=asked["database_url"]
    )
    try:
        problem = check_kept(settings, int(asked["stop"]))
    except Exception as error:  # reported to the parent, which decides
        problem = f"{DIED}: {error}"
    print(json.dumps({"problem": problem}))


if __name__ == "__main__":
    main()
