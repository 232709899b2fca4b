"""The pool's text search (gxtrack/readmodels/pool/text_search.py) finds exactly
the projects whose name or investor holds the text, through the trigram index
where there is one, after renames, removals and a rebuild alike."""

from __future__ import annotations

from datetime import date

import pytest

from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

NAMES = [
    ("Alpha 智能制造基地", "甲乙丙 Capital 有限公司"),
    ("储能电池项目", "某新能源有限公司"),
    ("100% 光伏_二期!", '"引号"投资方'),
    ("新一代信息技术项目0042", "示例投资方0042"),
    ("智能装备产业园", "ALPHA 投资"),
]


def register(runtime, leader, name, investor):
    ref = runtime.app.reference()
    return runtime.app.register_project(
        leader,
        name=name,
        investor=investor,
        industry=next(iter(ref.industries)),
        zone=next(iter(ref.zones)),
        planned_investment="100",
        stage_date=date(2026, 1, 5),
    )["id"]


def found(runtime, text):
    page = list_projects(runtime.db, PoolFilter(q=text), page_size=200)
    assert page["total"] == len(page["items"])
    return {item["id"] for item in page["items"]}


def expected(projects, text):
    needle = text.strip().lower()
    return {pid for pid, haystack in projects.items() if needle in haystack}


def texts():
    """Substrings of every length, across the name/investor boundary, in other
    case, with LIKE's and FTS5's own syntax characters, and some found nowhere."""
    out = {"alpha", "ALPHA", "Capital", "项目", "智能", "能", "a", "%", "_", "!"}
    out |= {"% 光伏_", '"引号"', '"', "0042", "项目0042", "有限公司", "不存在的项目"}
    out |= {"基地\n甲乙", "地\n甲", "电池项目\n某新", "0042\n示例"}
    for name, _investor in NAMES:
        for size in (1, 2, 3, 4, 6):
            out |= {name[i : i + size] for i in range(0, len(name) - size + 1, 3)}
    return sorted(out)


def test_search_finds_exactly_the_substring_matches(runtime, leader):
    projects = {}
    for name, investor in NAMES:
        pid = register(runtime, leader, name, investor)
        projects[pid] = f"{name}\n{investor}".lower()
    runtime.wait_for_read_models()
    for text in texts():
        assert found(runtime, text) == expected(projects, text), text


def test_a_renamed_project_is_found_by_its_new_name_only(runtime, leader):
    pid = register(runtime, leader, "旧名称光伏项目", "某投资方")
    runtime.wait_for_read_models()  # in the pool, then renamed there
    runtime.app.revise_project(leader, pid, {"name": "新名称储能项目"}, "更名")
    runtime.wait_for_read_models()
    assert found(runtime, "旧名称") == set()
    assert found(runtime, "新名称储能") == {pid}
    assert found(runtime, "某投资方") == {pid}


def test_a_rebuilt_pool_searches_the_same(runtime, leader):
    projects = {}
    for name, investor in NAMES:
        pid = register(runtime, leader, name, investor)
        projects[pid] = f"{name}\n{investor}".lower()
    runtime.app.revise_project(leader, pid, {"investor": "改后的投资方"}, "更正")
    projects[pid] = f"{NAMES[-1][0]}\n改后的投资方".lower()
    runtime.wait_for_read_models()
    runtime.projections.rebuild(["pool"])
    for text in ("智能", "投资方", "改后的", "alpha", "0042", "产业园\n改后"):
        assert found(runtime, text) == expected(projects, text), text


def test_a_pool_made_before_the_index_gets_it_filled(sqlite_settings, leader):
    from gxtrack.bootstrap import Runtime

    runtime = Runtime.open(sqlite_settings)
    try:
        pid = register(runtime, leader, "早于索引的项目", "某投资方")
        runtime.wait_for_read_models()
        with runtime.db.transaction() as cur:  # as a pool from before this index
            for table in ("rm_projects_text", "rm_projects_docs"):
                cur.execute(f"DROP TABLE {table}")
        runtime.projections.setup()
        assert found(runtime, "早于索引") == {pid}
        with runtime.db.transaction() as cur:
            plan = cur.tuples(
                "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM rm_projects p WHERE "
                "p.id IN (SELECT d.id FROM rm_projects_docs d WHERE d.doc IN"
                " (SELECT rowid FROM rm_projects_text WHERE rm_projects_text"
                " MATCH '\"早于索引\"'))"
            )
        assert any("VIRTUAL TABLE INDEX" in str(row) for row in plan)
    finally:
        runtime.close()


@pytest.mark.postgres
def test_postgres_searches_through_a_trigram_index(pg_schema, tmp_path, leader):
    from gxtrack.bootstrap import Runtime
    from tests.conftest import pg_settings

    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    try:
        indexes = runtime.db.fetchall(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND indexname = ?",
            (pg_schema, "rm_projects_search_trgm"),
        )
        assert indexes and "gin_trgm_ops" in indexes[0]["indexdef"]
    finally:
        runtime.close()


def test_a_project_merged_away_is_no_longer_found(runtime, leader):
    kept = register(runtime, leader, "重复登记的光伏项目", "某投资方")
    gone = register(runtime, leader, "重复登记的光伏项目 ", "某投资方")
    runtime.wait_for_read_models()  # in the pool, then merged away
    runtime.app.merge_project(leader, gone, into=kept, reason="重复登记")
    runtime.wait_for_read_models()
    assert found(runtime, "重复登记") == {kept}
    assert found(runtime, "光伏") == {kept}
    # The next project may take the merged one's number in the index.
    later = register(runtime, leader, "后来登记的储能项目", "另一投资方")
    runtime.wait_for_read_models()
    assert found(runtime, "后来登记") == {later}


def test_while_a_rebuild_writes_the_pool_a_search_finds_nothing_but_fails_not(
    runtime, leader
):
    register(runtime, leader, "重建中的项目", "某投资方")
    runtime.wait_for_read_models()
    pool = runtime.projections.projections["pool"]
    with runtime.db.transaction() as cur:  # as the rebuild leaves it at first
        pool.drop(cur)
        for statement in pool.ddl:
            if not statement.lstrip().upper().startswith("CREATE INDEX"):
                cur.execute(statement)
    assert found(runtime, "重建中") == set()
