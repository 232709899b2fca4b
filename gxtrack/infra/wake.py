"""Wake-ups between processes sharing one SQLite file: announce and listen.

PostgreSQL tells other processes that something happened with NOTIFY; SQLite
has nothing of the kind, so a process waiting on another (a command waiting
for the projection process to apply its events, the projection process
waiting for new events) looked again on a timer. Here each channel of a
database file is one datagram socket in Linux's abstract namespace: one
process binds it and hears every datagram sent to it; any process may send.

Only one process hears a channel; a second that tries gets None and looks on
its timer as before, so nothing depends on a wake-up arriving. Where there is
no abstract namespace (not Linux) nobody hears anything, likewise.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sys
import threading
from collections.abc import Iterator

LISTEN_TIMEOUT = 1.0  # seconds between looks at whether to stop listening


def address(database: str, channel: str) -> str | None:
    """The channel's socket name for this database file; None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    digest = hashlib.sha1(database.encode()).hexdigest()[:20]
    return f"\0gxtrack-{digest}-{channel}"


class Sender:
    """Sends datagrams without waiting: a channel nobody hears drops them."""

    def __init__(self) -> None:
        self._local = threading.local()

    def send(self, target: str | None, payload: str) -> None:
        if target is None:
            return
        sock = getattr(self._local, "sock", None)
        if sock is None:
            sock = self._local.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sock.setblocking(False)
        # Nobody listens (ECONNREFUSED), or the listener has a full queue
        # (EAGAIN) and so is already being woken: either way, nothing to do.
        with contextlib.suppress(OSError):
            sock.sendto(payload.encode(), target)


def listen(target: str | None, closed: threading.Event) -> Iterator[str] | None:
    """The channel's payloads as they come ("" first, once bound), until
    `closed` is set; None when another process hears it already."""
    if target is None:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(target)
    except OSError:
        sock.close()
        return None
    sock.settimeout(LISTEN_TIMEOUT)
    return _heard(sock, closed)


def _heard(sock: socket.socket, closed: threading.Event) -> Iterator[str]:
    try:
        yield ""
        while not closed.is_set():
            try:
                data = sock.recv(256)
            except TimeoutError:
                continue
            yield data.decode()
    finally:
        sock.close()
