"""`gxtrack project merge`: a duplicate into the project it duplicates."""

from __future__ import annotations

import json

from tests.cli.test_cli import assert_one_line_error


def register(gx, name):
    args = ("--investor", "某航空", "--industry", "航空航天", "--zone", "木渎镇")
    out = gx("project", "register", "--name", name, *args, "--investment", "8000")
    return json.loads(out.stdout)


def test_merge_through_cli(gx):
    gx("init")
    survivor = register(gx, "航空零部件项目")
    duplicate = register(gx, "航空零部件项目（重复）")
    assert len(gx("project", "list").stdout.splitlines()) == 2

    out = gx(
        "project",
        "merge",
        duplicate["id"],
        "--into",
        survivor["id"],
        "--reason",
        "重复",
    )
    assert "已合并至《航空零部件项目》" in out.stdout
    listing = gx("project", "list").stdout.splitlines()
    assert [line.split("\t")[0] for line in listing] == [survivor["id"]]
    shown = json.loads(gx("project", "show", duplicate["id"]).stdout)
    assert shown["merged_into"] == survivor["id"]

    again = ("project", "merge", duplicate["id"], "--into", survivor["id"])
    assert_one_line_error(gx(*again, "--reason", "再次", ok=False))
    self_merge = ("project", "merge", survivor["id"], "--into", survivor["id"])
    assert_one_line_error(gx(*self_merge, "--reason", "x", ok=False))
