"""The per-batch row buffer: one write per row, stored values under held ones."""

from __future__ import annotations

import pytest

from gxtrack.readmodels.engine.rows import RowBuffer

COLUMNS = ("id", "name", "size", "note")


@pytest.fixture
def db(runtime):
    with runtime.db.transaction() as cur:
        cur.execute(
            "CREATE TABLE rm_buffered (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " size INTEGER, note TEXT)"
        )
        cur.execute("INSERT INTO rm_buffered VALUES ('s1', 'stored', 1, 'kept')")
        cur.execute("INSERT INTO rm_buffered VALUES ('s2', 'other', 2, NULL)")
    return runtime.db


def _rows(db):
    return {r["id"]: r for r in db.fetchall("SELECT * FROM rm_buffered")}


class Counting:
    """A cursor counting the statements it runs."""

    def __init__(self, cur):
        self.cur, self.statements = cur, []

    def execute(self, sql, params=()):
        self.statements.append(sql)
        return self.cur.execute(sql, params)

    def executemany(self, sql, params):
        self.statements.append(sql)
        return self.cur.executemany(sql, params)

    def fetchone(self, sql, params=()):
        self.statements.append(sql)
        return self.cur.fetchone(sql, params)

    def fetchall(self, sql, params=()):
        self.statements.append(sql)
        return self.cur.fetchall(sql, params)


def test_a_new_row_and_its_changes_are_one_insert(db):
    buffer = RowBuffer("rm_buffered", COLUMNS)
    with db.transaction() as raw:
        cur = Counting(raw)
        buffer.insert(cur, {"id": "n1", "name": "new"})
        buffer.update(cur, "n1", {"size": 5})
        buffer.update(cur, "n1", {"size": 6, "note": "x"})
        assert buffer.is_new("n1") and not buffer.is_new("s1")
        assert buffer.get(cur, "n1") == {
            "id": "n1",
            "name": "new",
            "size": 6,
            "note": "x",
        }
        assert cur.statements == []  # held until the flush
        buffer.flush(cur)
        assert len(cur.statements) == 1 and cur.statements[0].startswith("INSERT")
    assert _rows(db)["n1"] == {"id": "n1", "name": "new", "size": 6, "note": "x"}


def test_a_stored_row_gets_only_the_columns_set(db):
    buffer = RowBuffer("rm_buffered", COLUMNS)
    with db.transaction() as raw:
        cur = Counting(raw)
        buffer.update(cur, "s1", {"size": 10})
        buffer.update(cur, "s2", {"size": 20})
        buffer.update(cur, "s1", {"name": "renamed"})
        buffer.update(cur, "missing", {"size": 3})  # stays absent
        buffer.flush(cur)
        # s1 and s2 set different columns: one statement per set of columns.
        assert len(cur.statements) == 2
        assert all(s.startswith("UPDATE") for s in cur.statements)
    rows = _rows(db)
    assert rows["s1"] == {"id": "s1", "name": "renamed", "size": 10, "note": "kept"}
    assert rows["s2"] == {"id": "s2", "name": "other", "size": 20, "note": None}
    assert "missing" not in rows


def test_get_shows_held_values_over_stored_ones(db):
    buffer = RowBuffer("rm_buffered", COLUMNS)
    with db.transaction() as cur:
        buffer.update(cur, "s1", {"size": 7})
        assert buffer.get(cur, "s1", "size") == {"size": 7}  # no read needed
        assert buffer.get(cur, "s1") == {
            "id": "s1",
            "name": "stored",
            "size": 7,
            "note": "kept",
        }
        assert buffer.get(cur, "missing") is None


def test_expected_rows_are_read_in_one_query(db):
    buffer = RowBuffer("rm_buffered", COLUMNS)
    with db.transaction() as raw:
        cur = Counting(raw)
        buffer.expect(cur, lambda: ["s1", "s2", "missing"])
        assert buffer.get(cur, "s1")["name"] == "stored"
        assert buffer.get(cur, "s2")["name"] == "other"
        assert buffer.get(cur, "missing") is None
        assert len(cur.statements) == 1


def test_a_new_transaction_starts_empty(db):
    buffer = RowBuffer("rm_buffered", COLUMNS)
    with pytest.raises(RuntimeError), db.transaction() as cur:
        buffer.insert(cur, {"id": "n2", "name": "lost"})
        raise RuntimeError("the batch failed")
    with db.transaction() as cur:
        buffer.update(cur, "s1", {"size": 4})
        buffer.flush(cur)
    rows = _rows(db)
    assert "n2" not in rows and rows["s1"]["size"] == 4


def test_after_a_flush_the_rows_are_stored_ones(db):
    buffer = RowBuffer("rm_buffered", COLUMNS)
    with db.transaction() as cur:
        buffer.insert(cur, {"id": "n3", "name": "first"})
        buffer.flush(cur)
        buffer.update(cur, "n3", {"name": "second"})
        buffer.flush(cur)
    assert _rows(db)["n3"]["name"] == "second"


def test_the_key_must_be_a_column():
    with pytest.raises(ValueError, match="key"):
        RowBuffer("rm_buffered", COLUMNS, key="uuid")
