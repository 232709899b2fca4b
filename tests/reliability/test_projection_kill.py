"""A projection process SIGKILLed at random points resumes and ends exactly right.

The store is filled first; then `gxtrack projections run` runs as a real
subprocess with small batches and is killed several times mid-run. After a final
uninterrupted run, every read-model table must equal a clean rebuild's.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from gxtrack.bootstrap import Runtime
from tests.reliability.workload import dump, read_model_tables, run_workload

pytestmark = pytest.mark.slow


def _lowest(runtime: Runtime) -> int:
    return runtime.projections.lowest()


def _start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gxtrack", "projections", "run", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_projection_resumes_exactly_once(store):
    settings, env = store
    runtime = Runtime.open(settings)
    try:
        run_workload(runtime.app, projects=250, commands=1800, seed=11)
        head = runtime.app.position()
        assert _lowest(runtime) == 0  # nothing applied yet: the subprocess does it
        rng = random.Random(3)
        interrupted = []
        for _ in range(5):
            before = _lowest(runtime)
            proc = _start(env, "--batch-size", "5")
            # Wait until it is working (a position moved), then kill at random.
            deadline = time.monotonic() + 60
            while _lowest(runtime) == before and proc.poll() is None:
                assert time.monotonic() < deadline, "projection process never started"
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.15))
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            after = _lowest(runtime)
            assert before <= after <= head
            if after < head:
                interrupted.append(after)
        assert interrupted, "every kill came too late to interrupt anything"
        done = _start(env)
        _out, err = done.communicate(timeout=120)
        assert done.returncode == 0, err
        assert set(runtime.projections.positions().values()) == {head}

        tables = read_model_tables(runtime)
        resumed = dump(runtime.db, tables)
        assert len(resumed["rm_projects"]) == 250
        runtime.projections.rebuild()
        assert dump(runtime.db, tables) == resumed
    finally:
        runtime.close()


def test_killed_rebuild_resumes_exactly_once(store):
    settings, env = store
    runtime = Runtime.open(settings)
    try:
        run_workload(runtime.app, projects=250, commands=1800, seed=11)
        runtime.projections.run()
        tables = read_model_tables(runtime)
        clean = dump(runtime.db, tables)
        head = runtime.app.position()
        rng = random.Random(5)
        interrupted = []
        for _ in range(4):
            proc = subprocess.Popen(
                # Small batches: many commits to land a kill between, however
                # busy the machine is.
                [
                    sys.executable,
                    *("-m", "gxtrack", "projections", "rebuild"),
                    *("--batch-size", "20"),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # Wait until it has reset the read models, then kill within a few
            # milliseconds: replaying this log takes a few tens of them.
            deadline = time.monotonic() + 60
            while _lowest(runtime) == head and proc.poll() is None:
                assert time.monotonic() < deadline, "rebuild never started"
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.01))
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            if _lowest(runtime) < head:
                interrupted.append(_lowest(runtime))
        assert interrupted, "every kill came too late to interrupt anything"
        done = _start(env)
        _out, err = done.communicate(timeout=120)
        assert done.returncode == 0, err
        assert set(runtime.projections.positions().values()) == {head}
        assert dump(runtime.db, tables) == clean
        runtime.projections.rebuild()
        assert dump(runtime.db, tables) == clean
    finally:
        runtime.close()
