"""The aggregates kept between requests (user, reference lists, a project page)
are those the log has now: a change recorded by another process is seen by the
next read, and a refused command leaves what is kept untouched."""

from __future__ import annotations

from datetime import date

import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.errors import ConflictError
from tests.conftest import pg_settings

PERSISTENT = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=PERSISTENT)
def two_processes(request, tmp_path, sqlite_settings):
    """Two Runtimes on one store, as two gunicorn workers have."""
    if request.param == "sqlite":
        settings = sqlite_settings
    else:
        settings = pg_settings(request.getfixturevalue("pg_schema"), tmp_path)
    first, second = Runtime.open(settings), Runtime.open(settings)
    yield first, second
    second.close()
    first.close()


def register(runtime, leader):
    """A sample project registered through `runtime`."""
    ref = runtime.app.reference()
    return runtime.app.register_project(
        leader,
        name="测试项目",
        investor="某公司",
        industry=next(iter(ref.industries)),
        zone=next(iter(ref.zones)),
        planned_investment="100",
        stage_date=date(2026, 1, 5),
    )


def test_a_deactivated_user_is_refused_by_the_other_process(two_processes, admin):
    web, other = two_processes
    other.app.add_user(Actor.system(), "admin", "admin")
    other.app.add_user(admin, "wang", "officer")
    assert web.app.actor_for("wang").name == "wang"  # now kept by `web`
    other.app.set_active(admin, "wang", False)
    assert web.app.actor_for("wang") is None
    other.app.set_active(admin, "wang", True)
    other.app.change_role(admin, "wang", "leader")
    assert web.app.actor_for("wang").role.value == "leader"


def test_unknown_users_have_no_actor(two_processes):
    web, _other = two_processes
    assert web.app.actor_for("nobody") is None


def test_a_renamed_zone_is_seen_by_the_other_process(two_processes, admin):
    web, other = two_processes
    other.app.add_user(Actor.system(), "admin", "admin")
    zone = next(iter(web.app.reference().zones))
    other.app.rename_reference_entry(admin, "zone", zone, "新名称园区")
    assert web.app.reference().zones[zone] == "新名称园区"


def test_a_refused_reference_change_leaves_the_kept_lists(two_processes, admin):
    web, _other = two_processes
    web.app.add_user(Actor.system(), "admin", "admin")
    before = dict(web.app.reference().industries)
    code = next(iter(before))
    with pytest.raises(Exception):  # noqa: B017 - the domain's refusal, any kind
        web.app.add_reference_entry(admin, "industry", code, "重复")
    assert web.app.reference().industries == before
    assert dict(web.app.reference().industries) == before


def test_a_project_page_shows_a_move_made_elsewhere(two_processes, admin, leader):
    web, other = two_processes
    web.app.reference()
    made = register(other, leader)
    assert web.app.get_project(made["id"])["stage"] == "negotiating"
    other.app.move_project(leader, made["id"], "signed", date(2026, 2, 1))
    page = web.app.get_project(made["id"])
    assert (page["stage"], page["version"]) == ("signed", made["version"] + 1)
    with pytest.raises(ConflictError):  # a stale command still conflicts
        web.app.move_project(
            leader, made["id"], "landed", date(2026, 3, 1), expected_version=1
        )
    assert web.app.get_project(made["id"])["stage"] == "signed"
