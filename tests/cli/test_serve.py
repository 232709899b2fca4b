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
