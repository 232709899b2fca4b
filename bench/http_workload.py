"""`bench/http`'s workload: what one client does, and many clients at once.

Each client is a keep-alive connection mixing filtered lists, text searches,
project pages, registrations and stage moves of its own projects (MIX); the
clients run as threads spread over CLIENT_PROCESSES processes, so the client
side is not one GIL. `drive` returns p50/p95 and rates per operation.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import statistics
import threading
import time
from typing import Any

from domain.reference import DEFAULT_INDUSTRIES

STAGES = ("negotiating", "signed", "landed", "producing")
INDUSTRIES = tuple(DEFAULT_INDUSTRIES)
READS = ("list", "search", "page")
WRITES = ("create", "move")
# How often each operation comes up in a client's loop.
MIX = {"list": 30, "search": 20, "page": 20, "create": 15, "move": 15}
CLIENT_PROCESSES = 2


class Client:
    """One user: a keep-alive connection and the projects it registered."""

    def __init__(self, port: int, token: str, data: dict[str, Any], seed: int) -> None:
        self.port = port
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
        self.rng = random.Random(seed)
        self.sample = data["sample"]
        self.zones = data["zones"]
        self.mine: list[dict[str, Any]] = []
        self.failures: dict[str, int] = {}
        self.nonce = os.urandom(4).hex()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, payload, self.headers)
                response = self.conn.getresponse()
                raw = response.read()
                return response.status, raw
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
                if attempt == 2:
                    return 0, b""
        return 0, b""

    def step(self) -> tuple[str, float, bool]:
        rng = self.rng
        op = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if op == "move" and not self.mine:
            op = "create"
        started = time.perf_counter()
        if op == "list":
            path = (
                f"/api/v1/projects?stage={rng.choice(STAGES)}"
                f"&industry={rng.choice(INDUSTRIES)}&zone={rng.choice(self.zones)}"
                "&sort=-updated&page_size=50"
            )
            status, _ = self.call("GET", path)
            ok = status == 200
        elif op == "search":
            term = f"项目{rng.randint(0, 9999):04d}"
            status, _ = self.call(
                "GET", f"/api/v1/projects?q={_quote(term)}&page_size=50"
            )
            ok = status == 200
        elif op == "page":
            status, _ = self.call("GET", f"/api/v1/projects/{rng.choice(self.sample)}")
            ok = status == 200
        elif op == "create":
            body = {
                # Unique per run: gxtrack refuses (409) a second project with
                # one's name and investor, and its store outlives a round.
                "name": f"压测项目{self.nonce}-{rng.randint(0, 10**9)}",
                "investor": f"压测投资方{rng.randint(0, 9999)}",
                "industry": rng.choice(INDUSTRIES),
                "zone": rng.choice(self.zones),
                "planned_investment": str(rng.randint(100, 90000)),
                "stage": "negotiating",
                "stage_date": "2026-01-05",
            }
            status, raw = self.call("POST", "/api/v1/projects", body)
            ok = status == 201
            if ok:
                made = json.loads(raw)
                self.mine.append(
                    {"id": made["id"], "version": made["version"], "at": 0}
                )
        else:
            project = self.mine[0]
            to = STAGES[project["at"] + 1]
            body = {
                "to": to,
                "date": "2026-02-01",
                "expected_version": project["version"],
            }
            status, raw = self.call(
                "POST", f"/api/v1/projects/{project['id']}/stage", body
            )
            ok = status == 200
            if ok:
                project["version"] = json.loads(raw)["version"]
                project["at"] += 1
            if not ok or project["at"] == len(STAGES) - 1:
                self.mine.pop(0)
        if not ok:  # which call failed, and how: printed with the round's figures
            self.failures[f"{op} {status}"] = self.failures.get(f"{op} {status}", 0) + 1
        return op, (time.perf_counter() - started) * 1000, ok


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def _client_process(
    port: int, token: str, data: dict[str, Any], threads: int, seed: int,
    seconds: float, queue: Any,
) -> None:  # fmt: skip

    results: list[tuple[str, float, bool]] = []
    failures: dict[str, int] = {}
    lock = threading.Lock()
    start_at = time.monotonic() + 0.5
    stop_at = start_at + seconds

    def loop(n: int) -> None:
        client = Client(port, token, data, seed * 1000 + n)
        mine = []
        while time.monotonic() < start_at:
            time.sleep(0.01)
        while time.monotonic() < stop_at:
            mine.append(client.step())
        with lock:
            results.extend(mine)
            for kind, count in client.failures.items():
                failures[kind] = failures.get(kind, 0) + count

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((results, failures))


def drive(
    port: int, data: dict[str, Any], clients: int, seconds: float, seed: int
) -> dict:
    """Run the workload with `clients` clients; latency in ms, rates per second."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    light = {k: data[k] for k in ("sample", "zones")}
    share = [clients // CLIENT_PROCESSES + (n < clients % CLIENT_PROCESSES)
             for n in range(CLIENT_PROCESSES)]  # fmt: skip
    procs = [
        context.Process(
            target=_client_process,
            args=(port, data["token"], light, n, seed * 10 + i, seconds, queue),
        )
        for i, n in enumerate(share)
        if n
    ]
    for proc in procs:
        proc.start()
    results: list[tuple[str, float, bool]] = []
    failures: dict[str, int] = {}
    for _ in procs:
        got, failed = queue.get()
        results += got
        for kind, count in failed.items():
            failures[kind] = failures.get(kind, 0) + count
    for proc in procs:
        proc.join()
    return {**summarize(results, seconds), "failures": failures}


def summarize(results: list[tuple[str, float, bool]], seconds: float) -> dict:
    """p50/p95 and rate per operation and for all reads together."""
    from bench.common import percentile

    out: dict[str, Any] = {"errors": sum(1 for _op, _ms, ok in results if not ok)}
    groups = {op: [ms for o, ms, _ok in results if o == op] for op in MIX}
    groups["reads"] = [ms for o, ms, _ok in results if o in READS]
    for name, samples in groups.items():
        if not samples:
            continue
        out[name] = {
            "n": len(samples),
            "rps": len(samples) / seconds,
            "p50": percentile(samples, 50),
            "p95": percentile(samples, 95),
            "mean": statistics.fmean(samples),
        }
    return out
