"""Each read model's tables are named only inside its own package.

The owners come from the projections themselves: a projection owns the tables
it lists, everything its DDL creates, and the indexes and triggers named after
those tables (rm_projects_list, rm_stage_history_added). A name no projection
owns is the engine's bookkeeping (rm_tracking, rm_schema).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from gxtrack.readmodels import default_projections

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("domain", "gxtrack", "jobs", "web")
ENGINE = Path("gxtrack/readmodels/engine")
NAME = re.compile(r"\brm_[a-z0-9_]+\b")
CREATED = re.compile(
    r"CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"(\w+)",
    re.IGNORECASE,
)


def projection_tables() -> dict[Path, set[str]]:
    """Each projection's package (relative to the root) → the names it owns."""
    owned: dict[Path, set[str]] = {}
    for projection in default_projections():
        package = Path(inspect.getfile(type(projection))).resolve().parent
        names = set(projection.tables)
        for statement in projection.ddl:
            names.update(CREATED.findall(statement))
        owned.setdefault(package.relative_to(ROOT), set()).update(names)
    return owned


def owner_of(name: str, owned: dict[Path, set[str]]) -> Path:
    """The package owning `name`: by exact name, else the longest table prefix."""
    best, length = ENGINE, 0
    for package, names in owned.items():
        if name in names:
            return package
        for table in names:
            if name.startswith(table + "_") and len(table) > length:
                best, length = package, len(table)
    return best


def trespasses(root: Path, owned: dict[Path, set[str]]) -> list[str]:
    """ "file:line names table (owned by package)" for each mention outside its owner."""
    found = []
    for top in SOURCES:
        for path in sorted((root / top).rglob("*.py")):
            relative = path.relative_to(root)
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                for name in NAME.findall(line):
                    owner = owner_of(name, owned)
                    if owner not in relative.parents:
                        found.append(
                            f"{relative}:{number} names {name} (owned by {owner})"
                        )
    return found


def test_every_read_model_table_has_one_owner() -> None:
    owned = projection_tables()
    assert owned, "no projections found"
    seen: dict[str, Path] = {}
    for package, names in owned.items():
        for name in names:
            assert seen.setdefault(name, package) == package, name


def test_only_the_owning_read_model_names_its_tables() -> None:
    assert trespasses(ROOT, projection_tables()) == []


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("rm_projects", "gxtrack/readmodels/pool"),
        ("rm_stage_history_added", "gxtrack/readmodels/pool"),
        ("rm_project_facts", "gxtrack/readmodels/stage_facts"),
        ("rm_alerts_project", "gxtrack/readmodels/alerts"),
        ("rm_tier_changes", "gxtrack/readmodels/enterprises"),
        ("rm_targets", "gxtrack/readmodels/cultivation"),
        ("rm_users", "gxtrack/readmodels/users"),
        ("rm_tracking", "gxtrack/readmodels/engine"),
    ],
)
def test_owners_are_derived_from_the_projections(name: str, owner: str) -> None:
    assert owner_of(name, projection_tables()) == Path(owner)


def test_a_mention_outside_the_owner_is_reported(tmp_path: Path) -> None:
    sources = {
        "web/pages/sneaky.py": 'SQL = "SELECT name FROM rm_users"',
        "gxtrack/readmodels/users/queries.py": 'SQL = "SELECT name FROM rm_users"',
        "gxtrack/readmodels/alerts/queries.py": "JOIN = 'rm_stage_history h'",
        "jobs/tasks.py": "# rm_tracking is the engine's",
    }
    for name, text in sources.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    assert trespasses(tmp_path, projection_tables()) == [
        "gxtrack/readmodels/alerts/queries.py:1 names rm_stage_history"
        " (owned by gxtrack/readmodels/pool)",
        "jobs/tasks.py:1 names rm_tracking (owned by gxtrack/readmodels/engine)",
        "web/pages/sneaky.py:1 names rm_users (owned by gxtrack/readmodels/users)",
    ]
