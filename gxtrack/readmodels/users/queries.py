"""User reads: the admin list, who may be responsible, mail recipients, ledger names."""

from __future__ import annotations

from typing import Any

from gxtrack.infra.db import Database

RESPONSIBLE_ROLES = ("officer", "leader", "admin")  # who may own a project


def all_users(db: Database, active_first: bool = False) -> list[dict[str, Any]]:
    """Every user with role, zone and contact, by name (active ones first if asked)."""
    order = "active DESC, name" if active_first else "name"
    return db.fetchall(
        "SELECT name, role, zone, display_name, email, active FROM rm_users"
        f" ORDER BY {order}"
    )


def responsible_names(db: Database) -> list[str]:
    """Names of the active users who can be responsible for a project."""
    marks = ", ".join("?" for _ in RESPONSIBLE_ROLES)
    rows = db.fetchall(
        f"SELECT name FROM rm_users WHERE role IN ({marks})"
        " AND active = 1 ORDER BY name",
        RESPONSIBLE_ROLES,
    )
    return [r["name"] for r in rows]


def active_recipients(db: Database) -> list[dict[str, Any]]:
    """Active users' name, role, display name and email, by name (for mail)."""
    return db.fetchall(
        "SELECT name, role, display_name, email FROM rm_users"
        " WHERE active = 1 ORDER BY name"
    )


def names_by_display_name(db: Database) -> dict[str, str]:
    """Display name (as a ledger writes 责任人) → user name, for active users."""
    rows = db.fetchall("SELECT name, display_name FROM rm_users WHERE active = 1")
    return {r["display_name"]: r["name"] for r in rows if r["display_name"]}


def display_names(db: Database) -> dict[str, str]:
    """User name → display name, for every user (inactive ones too)."""
    rows = db.fetchall("SELECT name, display_name FROM rm_users")
    return {r["name"]: r["display_name"] or r["name"] for r in rows}
