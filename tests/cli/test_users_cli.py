"""`gxtrack users`: the name rule, a list that never echoes control characters,
deactivating and reactivating, and the last admin kept."""

from __future__ import annotations

import sqlite3


def test_bad_user_names_are_one_line_errors(gx):
    gx("init")
    for name in ("esc\x1b[31m", "ab", "Upper", "rtl\u202eevil"):
        result = gx("users", "add", name, "--role", "viewer", ok=False)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "用户名须为 3–32 个字符" in result.stderr


def test_list_never_echoes_raw_control_characters(gx, tmp_path):
    gx("init")
    gx("users", "add", "clerk", "--role", "viewer")
    # A name recorded before the rule held (an old store): the read model has it.
    db = sqlite3.connect(tmp_path / "var" / "gxtrack.db")
    with db:
        db.execute(
            "UPDATE rm_users SET name = ? WHERE name = 'clerk'", ("clerk\x1b[2J\u202e",)
        )
    db.close()
    out = gx("users", "list").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "clerk\\x1b[2J\\u202e" in out


def test_deactivate_reactivate_and_the_last_admin(gx):
    gx("init")
    gx("users", "add", "boss", "--role", "admin")
    gx("users", "add", "clerk", "--role", "viewer")
    refused = gx("users", "deactivate", "boss", ok=False)
    assert refused.returncode != 0
    assert "唯一启用的系统管理员" in refused.stderr
    assert "已停用用户 clerk" in gx("users", "deactivate", "clerk").stdout
    assert "clerk\tviewer\t-  (停用)" in gx("users", "list").stdout
    assert "已启用用户 clerk" in gx("users", "reactivate", "clerk").stdout
    assert "clerk\tviewer\t-\n" in gx("users", "list").stdout
    again = gx("users", "reactivate", "clerk", ok=False)
    assert again.returncode != 0 and "用户已启用" in again.stderr
