"""Kept values (gxtrack.app.kept): the log is asked once per request what changed,
a process sees its own saves at once, and no value read before a change it
missed is ever kept."""

from __future__ import annotations

from collections import deque
from datetime import date
from uuid import UUID

from domain.permissions import Actor
from gxtrack.app import kept
from gxtrack.app.kept import KeptValues, recorded_in_scope
from tests.application.test_current_aggregates import (  # noqa: F401
    register,
    two_processes,
)


def rename(runtime, admin, name):
    zone = next(iter(runtime.app.reference().zones))
    runtime.app.rename_reference_entry(admin, "zone", zone, name)
    return zone


def counting(monkeypatch, app):
    """Count the application's looks at the log: its kept values' reads of
    what changed, and the recorder's own reads."""
    asked = []
    looks = [(app._kept, "_changes")] + [
        (app.recorder, name)
        for name in ("select_notifications", "select_events", "max_notification_id")
    ]
    for owner, name in looks:
        original = getattr(owner, name)

        def looked(*args, _original=original, _name=name, **kwargs):
            asked.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(owner, name, looked)
    return asked


def test_a_request_asks_the_log_once_and_sees_other_changes_in_the_next(
    two_processes,  # noqa: F811
    admin,
    monkeypatch,
):
    web, other = two_processes
    other.app.add_user(Actor.system(), "admin", "admin")
    zone = next(iter(web.app.reference().zones))
    asked = counting(monkeypatch, web.app)
    with kept.scope():
        web.app.reference()
        web.app.actor_for("admin")
        web.app.reference()
        rename(other, admin, "请求中改名")  # recorded elsewhere mid-request
        assert web.app.reference().zones[zone] != "请求中改名"
    assert asked.count("_changes") == 1 and "select_notifications" not in asked
    with kept.scope():
        assert web.app.reference().zones[zone] == "请求中改名"


def test_outside_a_request_every_use_sees_other_changes(
    two_processes,  # noqa: F811
    admin,
):
    web, other = two_processes
    other.app.add_user(Actor.system(), "admin", "admin")
    web.app.reference()
    zone = rename(other, admin, "别处改名")
    assert web.app.reference().zones[zone] == "别处改名"


def test_a_request_sees_its_own_save_and_records_its_position(
    two_processes,  # noqa: F811
    admin,
):
    web, _other = two_processes
    web.app.add_user(Actor.system(), "admin", "admin")
    web.app.reference()  # the default lists are saved on first use
    with kept.scope():
        web.app.reference()
        assert recorded_in_scope() is None
        zone = rename(web, admin, "本请求改名")
        assert web.app.reference().zones[zone] == "本请求改名"
        assert recorded_in_scope() == web.app.recorder.max_notification_id()
    assert recorded_in_scope() is None


def test_a_value_read_before_a_change_a_refresh_saw_meanwhile_is_not_kept(
    two_processes,  # noqa: F811
    leader,
):
    web, other = two_processes
    made = register(other, leader)
    values = KeptValues(web.app.recorder)
    values.refresh()

    def read_then_race():
        # The value is read at version 1; before it is kept, another process
        # moves the project and a refresh (another request) sees that.
        other.app.move_project(leader, made["id"], "signed", date(2026, 2, 1))
        values.refresh()
        return 1, "version 1"

    pid = UUID(made["id"])
    assert values.get("p", pid, read_then_race) == "version 1"
    assert values.get("p", pid, lambda: (2, "version 2")) == "version 2"


def test_a_change_among_more_than_one_look_can_read_drops_everything(
    two_processes,  # noqa: F811
    admin,
    leader,
    monkeypatch,
):
    web, other = two_processes
    other.app.add_user(Actor.system(), "admin", "admin")
    other.app.reference()  # the default lists saved, then kept by `web`:
    zone = next(iter(web.app.reference().zones))
    monkeypatch.setattr(kept, "REFRESH_LIMIT", 2)
    rename(other, admin, "批量中改名")
    for _ in range(3):
        register(other, leader)
    assert web.app.reference().zones[zone] == "批量中改名"


def test_changes_too_many_to_remember_leave_a_racing_value_unkept(
    two_processes,  # noqa: F811
    leader,
    monkeypatch,
):
    web, other = two_processes
    monkeypatch.setattr(kept, "RECENT", 2)
    made = register(other, leader)
    values = KeptValues(web.app.recorder)
    values.refresh()
    pid = UUID(made["id"])

    def read_then_race():
        other.app.move_project(leader, made["id"], "signed", date(2026, 2, 1))
        for _ in range(3):  # push the move out of what is remembered
            register(other, leader)
        values.refresh()
        return 1, "version 1"

    values.get("p", pid, read_then_race)
    assert values.get("p", pid, lambda: (2, "version 2")) == "version 2"


def test_a_value_kept_as_absent_is_read_again_after_any_event_of_it(
    two_processes,  # noqa: F811
    leader,
):
    web, other = two_processes
    values = KeptValues(web.app.recorder)
    made = register(other, leader)
    pid = UUID(made["id"])
    # Kept as absent at version 0 (as current() keeps a missing aggregate)...
    assert values.get("p", pid, lambda: (0, None)) is None
    other.app.move_project(leader, made["id"], "signed", date(2026, 2, 1))
    # ...and read again once the log has an event of it past version 0.
    assert values.get("p", pid, lambda: (2, "found")) == "found"


def test_the_changes_remembered_by_aggregate_follow_the_window(monkeypatch):
    """A value is checked against its own aggregate's remembered changes: the
    oldest change falls out of those as it falls out of the window."""
    monkeypatch.setattr(kept, "RECENT", 3)
    values = KeptValues(recorder=None)
    values._seen = 0
    x, y = UUID(int=1), UUID(int=2)
    values._changed([(1, x, 2), (2, x, 3), (3, y, 2), (4, y, 3)])
    assert values._recent_of == {x: deque([(2, 3)]), y: deque([(3, 2), (4, 3)])}
    values._keep("x", x, 2, "x at version 2", start=1)  # raced by x's change at 2
    values._keep("y", y, 3, "y at version 3", start=1)  # y's newest: kept
    assert "x" not in values._values and values._values["y"][2] == "y at version 3"
    values._changed([(n, UUID(int=n), 1) for n in (5, 6, 7)])
    assert x not in values._recent_of and y not in values._recent_of
