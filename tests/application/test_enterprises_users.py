"""Enterprise and user use cases on every store."""

from __future__ import annotations

from datetime import date

import pytest

from domain.uscc import check_character
from gxtrack.errors import ConflictError, PermissionDeniedError, RuleViolationError

BODY = "91320506MA1W2X3Y4"
CODE = BODY + check_character(BODY)


def test_register_enterprise_once(runtime, officer, leader):
    ent = runtime.app.register_enterprise(officer, CODE, "示例精密")
    assert ent["uscc"] == CODE and ent["tier"] is None
    with pytest.raises(ConflictError, match="已登记"):
        runtime.app.register_enterprise(officer, CODE.lower(), "另一家")
    with pytest.raises(RuleViolationError) as caught:
        runtime.app.register_enterprise(officer, CODE[:-1] + "0", "错码")
    assert caught.value.field == "uscc"
    with pytest.raises(PermissionDeniedError):
        runtime.app.award_designation(officer, ent["id"], "srdi", date(2024, 1, 1))
    after = runtime.app.award_designation(leader, ent["id"], "srdi", date(2024, 1, 1))
    assert after["tier"] == "srdi"
    runtime.wait_for_read_models()
    row = runtime.db.fetchone(
        "SELECT designation, valid_until FROM rm_designations WHERE enterprise_id = ?",
        (ent["id"],),
    )
    assert row == {"designation": "srdi", "valid_until": "2026-12-31"}


def test_users_and_tokens(runtime, admin, officer):
    with pytest.raises(PermissionDeniedError):
        runtime.app.add_user(officer, "x", "viewer")
    runtime.app.add_user(admin, "officer_mudu", "officer", zone="木渎镇")
    with pytest.raises(ConflictError):
        runtime.app.add_user(admin, "officer_mudu", "viewer")
    actor = runtime.app.actor_for("officer_mudu")
    assert (actor.role.value, actor.zone) == ("officer", "mudu")
    runtime.accounts.set_password("officer_mudu", "correct horse")
    assert runtime.accounts.check_password("officer_mudu", "correct horse")
    assert not runtime.accounts.check_password("officer_mudu", "wrong")
    token = runtime.accounts.issue_token("officer_mudu")
    assert runtime.accounts.token_owner(token) == "officer_mudu"
    assert runtime.accounts.token_owner(token + "x") is None
    runtime.app.set_active(admin, "officer_mudu", False)
    assert runtime.app.actor_for("officer_mudu") is None
    runtime.wait_for_read_models()
    assert runtime.db.fetchone("SELECT active FROM rm_users") == {"active": 0}
