"""Text search of the pool (name and investor) from a trigram index, not a scan.

The pool's search is a substring match on `rm_projects.search` (name and
investor, lower-cased). As `LIKE '%…%'` it read and matched every project:
about 10 ms at 20k projects, 50 at 100k, and four fifths of the CPU of the JSON
API's reads under a mixed load. A trigram index answers a substring of three
characters or more from the index instead:

- SQLite: an FTS5 table with the trigram tokenizer, `rm_projects_text`, whose
  rows are numbered by `rm_projects_docs` (an INTEGER PRIMARY KEY survives a
  VACUUM; the pool's own rowids may not). Triggers on rm_projects keep it, so
  every statement that adds, renames or removes a project does.
- PostgreSQL: a GIN index with pg_trgm's operator class, which the planner uses
  for the same `LIKE` by itself.

Shorter text (one or two characters) is still matched by `LIKE`. A rebuild
writes the pool with no trigger in place and fills the index once at the end
(`install`, as for rm_stage_months).
"""

from __future__ import annotations

from typing import Any

from gxtrack.infra.db import Cursor

MIN_CHARS = 3  # a trigram index finds substrings of three characters or more
TABLES = ("rm_projects_text", "rm_projects_docs")
TRIGGERS = (
    "rm_projects_text_added",
    "rm_projects_text_changed",
    "rm_projects_text_removed",
)

_DOC = "(SELECT doc FROM rm_projects_docs WHERE id = {row}.id)"


def install(cur: Cursor) -> None:
    """The index and what keeps it; filled when the pool has rows it lacks."""
    if cur.db.plpgsql_triggers:
        _install_postgres(cur)
    elif cur.db.fts5_trigram:
        _install_sqlite(cur)


def condition(db: Any, text: str) -> tuple[str, list[Any]]:
    """A WHERE term (on alias p) matching `text` (lower-cased) as a substring."""
    if db.fts5_trigram and len(text) >= MIN_CHARS:
        phrase = '"' + text.replace('"', '""') + '"'  # the text as it is, no syntax
        return (
            "p.id IN (SELECT d.id FROM rm_projects_docs d WHERE d.doc IN"
            " (SELECT rowid FROM rm_projects_text WHERE rm_projects_text MATCH ?))",
            [phrase],
        )
    # %, _ and the escape character itself are literal.
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return "p.search LIKE ? ESCAPE '!'", [f"%{escaped}%"]


def drop_tables(cur: Cursor) -> None:
    """Drop the index's tables (a rebuild of the pool)."""
    for table in TABLES:
        cur.execute(f"DROP TABLE IF EXISTS {table}")


def create_tables(cur: Cursor) -> None:
    """The (empty) tables, so a search finds nothing rather than fails while a
    rebuild writes the pool without triggers."""
    if not cur.db.fts5_trigram:
        return
    cur.execute(
        "CREATE TABLE IF NOT EXISTS rm_projects_docs"
        " (doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)"
    )
    cur.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS rm_projects_text"
        " USING fts5(search, tokenize = 'trigram')"
    )


def _install_sqlite(cur: Cursor) -> None:
    create_tables(cur)
    # Dropped and made again each time: their text may have changed.
    for name in TRIGGERS:
        cur.execute(f"DROP TRIGGER IF EXISTS {name}")
    cur.execute(
        "CREATE TRIGGER rm_projects_text_added AFTER INSERT ON rm_projects BEGIN"
        " INSERT INTO rm_projects_docs (id) VALUES (NEW.id);"
        " INSERT INTO rm_projects_text (rowid, search)"
        f" VALUES ({_DOC.format(row='NEW')}, NEW.search); END"
    )
    cur.execute(
        "CREATE TRIGGER rm_projects_text_changed AFTER UPDATE OF search ON rm_projects"
        " WHEN OLD.search IS NOT NEW.search BEGIN"
        " UPDATE rm_projects_text SET search = NEW.search"
        f" WHERE rowid = {_DOC.format(row='NEW')}; END"
    )
    cur.execute(
        "CREATE TRIGGER rm_projects_text_removed AFTER DELETE ON rm_projects BEGIN"
        f" DELETE FROM rm_projects_text WHERE rowid = {_DOC.format(row='OLD')};"
        " DELETE FROM rm_projects_docs WHERE id = OLD.id; END"
    )
    if cur.fetchone("SELECT 1 AS one FROM rm_projects_docs LIMIT 1") is None:
        cur.execute("INSERT INTO rm_projects_docs (id) SELECT id FROM rm_projects")
        cur.execute(
            "INSERT INTO rm_projects_text (rowid, search)"
            " SELECT d.doc, p.search FROM rm_projects_docs d"
            " JOIN rm_projects p ON p.id = d.id"
        )


def _install_postgres(cur: Cursor) -> None:
    ops = cur.db.trigram_ops(cur)
    if ops is None:  # pg_trgm may not be added here: the search scans, as before
        return
    cur.execute(
        "CREATE INDEX IF NOT EXISTS rm_projects_search_trgm"
        f" ON rm_projects USING gin (search {ops})"
    )
