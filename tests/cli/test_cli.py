"""The gxtrack command line, run as a real subprocess against a SQLite data dir."""

from __future__ import annotations

import json

import pytest


def assert_one_line_error(result) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gxtrack: error:")
    assert "Traceback" not in result.stderr


def test_init_twice_users_and_token(gx):
    gx("init")
    gx("init")
    gx(
        "users",
        "add",
        "chief",
        "--role",
        "leader",
        "--password-stdin",
        stdin="s3cret-pass\n",
    )
    out = gx("users", "token", "chief").stdout.strip().splitlines()
    assert out[-1].startswith("gxt_") and len(out[-1]) > 30
    assert "chief\tleader" in gx("users", "list").stdout


def test_demo_then_list_show_history(gx):
    gx("init")
    assert "60 个项目" in gx("demo").stdout
    assert "已存在" in gx("demo").stdout
    listing = gx("project", "list", "--page-size", "200").stdout.splitlines()
    assert len(listing) == 60
    assert all("【示例】" in line for line in listing)
    project_id = listing[0].split("\t")[0]
    shown = json.loads(gx("project", "show", project_id).stdout)
    assert shown["id"] == project_id
    history = gx("project", "history", project_id).stdout
    assert "登记" in history


def test_register_move_through_cli(gx):
    gx("init")
    created = json.loads(
        gx(
            "project",
            "register",
            "--name",
            "航空零部件项目",
            "--investor",
            "某航空",
            "--industry",
            "航空航天",
            "--zone",
            "木渎镇",
            "--investment",
            "8000",
            "--stage-date",
            "2024-01-02",
        ).stdout
    )
    moved = gx("project", "move", created["id"], "signed", "--date", "2024-02-01")
    assert "签约" in moved.stdout
    assert "signed" in gx("project", "list").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("users", "add", "x", "--role", "boss"),
        ("users", "token", "nobody"),
        ("project", "show", "not-an-id"),
        ("project", "move", "0b2a3f1e-0000-4000-8000-000000000000", "signed"),
        (
            "project",
            "register",
            "--name",
            "x",
            "--investor",
            "y",
            "--industry",
            "steel",
            "--zone",
            "mudu",
            "--investment",
            "1",
        ),
        ("project", "list", "--as-of", "2024-13-01"),
        ("project", "list", "--page-size", "500"),
        ("projections", "rebuild", "nosuch"),
        ("no-such-command",),
        ("--as", "ghost", "project", "list"),
    ],
)
def test_bad_input_is_one_line_error(gx, args):
    gx("init")
    assert_one_line_error(gx(*args, ok=False))


def test_projections_status_run_rebuild(gx):
    gx("init")
    gx("demo")
    status = gx("projections", "status").stdout
    assert "lag=0" in status
    rebuilt = gx("projections", "rebuild")
    assert "已重建" in rebuilt.stderr
    assert len(gx("project", "list", "--page-size", "200").stdout.splitlines()) == 60
