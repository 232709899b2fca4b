"""`gxtrack serve` on a port another program holds: one line that says what to do."""

from __future__ import annotations

import socket

from tests.cli.test_cli import assert_one_line_error


def test_a_taken_port_is_a_one_line_error_naming_another_port(gx):
    gx("init")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = gx("serve", "--port", str(port), ok=False)
    assert_one_line_error(result)
    assert f"127.0.0.1:{port}" in result.stderr and "PORT=8080" in result.stderr
    assert "已启动" not in result.stderr


def test_output_waiting_for_a_slow_client_stays_in_memory(monkeypatch) -> None:
    """A streamed download the client reads slowly is held in memory, bounded,
    and never written to a temporary file (waitress's default past 1 MB)."""
    import http.client
    import threading
    import time

    from waitress import buffers, create_server

    from gxtrack.cli.serve import OUTPUT_BUFFERING

    spilled: list[int] = []

    class Recorded(buffers.TempfileBasedBuffer):
        def __init__(self, *args, **kwargs) -> None:
            spilled.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(buffers, "TempfileBasedBuffer", Recorded)
    piece = b"x" * (1 << 20)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return (piece for _ in range(12))

    server = create_server(app, host="127.0.0.1", port=0, threads=1, **OUTPUT_BUFFERING)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection(
            "127.0.0.1", server.effective_port, timeout=30
        )
        conn.request("GET", "/")
        response = conn.getresponse()
        time.sleep(0.5)  # a slow client: the app writes all it may meanwhile
        body = response.read()
        conn.close()
    finally:
        server.close()
        thread.join(timeout=5)
    assert body == piece * 12
    assert not spilled
