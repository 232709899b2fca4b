"""Audit benchmark: chain keeping, verify, export/import and the as-known report.

Run: `.venv/bin/python -m bench.audit [--projects N] [--postgres URL]`. Makes its
own seeded data (5 events per project) in a temporary SQLite directory (or a
fresh PostgreSQL schema) and measures, in the same run, the baseline of reading
and decoding the log with no hashing or writing. Figures are printed last.
As a module (-m): run as a script, bench/http.py would hide the standard
library's http package.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from domain.permissions import Actor
from domain.project import InvestmentProject
from domain.users import Role
from gxtrack.app.reports.monthly import monthly_report
from gxtrack.audit.backup import export_events
from gxtrack.audit.restore import import_events
from gxtrack.audit.verify import notifications, verify
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels import ProjectionEngine, default_projections
from gxtrack.settings import Settings

ZONES = ("mudu", "luzhi", "xukou", "guoxiang")
INDUSTRIES = ("ngit", "robotics", "biomed", "aerospace")


def _generate(runtime: Runtime, projects: int) -> None:
    rng = random.Random(6)
    reference = runtime.app.reference()
    batch = []
    for n in range(projects):
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
        p = InvestmentProject.register(
            name=f"【示例】基准项目{n}",
            investor="某投资方",
            industry=rng.choice(INDUSTRIES),
            zone=rng.choice(ZONES),
            planned_investment=str(rng.randrange(100, 50000)),
            officer="officer",
            actor="officer",
            reference=reference,
            stage_date=start,
        )
        p.move("signed", start + timedelta(days=30), "officer")
        p.move("landed", start + timedelta(days=90), "officer")
        p.report_progress(start + timedelta(days=100), "推进中", "officer")
        p.redate("landed", start + timedelta(days=80), "更正", "officer")
        batch.append(p)
        if len(batch) == 500:
            runtime.app.save(*batch)
            batch = []
    if batch:
        runtime.app.save(*batch)


def _rate(label: str, count: int, seconds: float, figures: dict) -> None:
    figures[f"{label}_events_per_s"] = round(count / seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument(
        "--postgres", default=None, help="postgresql://… (a schema is made)"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gxbench-"))
    figures: dict[str, float] = {}
    schemas: list[str] = []

    def settings(name: str) -> Settings:
        if not args.postgres:
            return Settings(data_dir=tmp / name)
        import psycopg

        schema = f"bench_{name}_{uuid.uuid4().hex[:6]}"
        schemas.append(schema)
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return Settings(
            data_dir=tmp / name, database_url=f"{args.postgres}?schema={schema}"
        )

    source = Runtime.open(settings("source"))
    _generate(source, args.projects)
    total = source.app.recorder.max_notification_id() or 0
    print(f"# {total} events in the log", flush=True)

    started = time.perf_counter()
    decode = source.app.mapper.to_domain_event
    for n in notifications(source.app):
        decode(n)
    _rate("baseline_read_decode", total, time.perf_counter() - started, figures)

    others = [
        p for p in default_projections() if p.name not in ("audit_chain", "stage_facts")
    ]
    plain = Runtime.open(settings("plain"))
    engine = ProjectionEngine(source.app, plain.db, others)
    engine.setup()
    started = time.perf_counter()
    engine.run()
    _rate("projections_without_audit", total, time.perf_counter() - started, figures)
    plain.close()

    started = time.perf_counter()
    source.projections.run()
    _rate("projections_with_audit", total, time.perf_counter() - started, figures)

    # The audit page's first view (no verification kept yet), then the next.
    auditor = Actor("bench-auditor", Role.AUDITOR)
    for label in ("audit_first_view_ms", "audit_second_view_ms"):
        started = time.perf_counter()
        source.app.audit_status(auditor)
        figures[label] = round((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    result = verify(source.app, source.db)
    assert result.ok, result.problem
    _rate("verify", total, time.perf_counter() - started, figures)

    backup = tmp / "events.jsonl"
    started = time.perf_counter()
    with backup.open("w", encoding="utf-8") as out:
        export_events(source.app, out)
    _rate("export", total, time.perf_counter() - started, figures)

    target = Runtime.open(settings("target"))
    started = time.perf_counter()
    import_events(target, backup)
    _rate("import_with_rebuild", total, time.perf_counter() - started, figures)

    started = time.perf_counter()
    monthly_report(source.db, "2024-06", date(2024, 7, 5))
    figures["monthly_report_ms"] = round((time.perf_counter() - started) * 1000)

    figures["audit_projection_cost_ratio"] = round(
        figures["projections_without_audit_events_per_s"]
        / figures["projections_with_audit_events_per_s"],
        2,
    )
    figures["verify_vs_baseline"] = round(
        figures["verify_events_per_s"] / figures["baseline_read_decode_events_per_s"], 2
    )
    source.close()
    target.close()
    if schemas:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    for name, value in figures.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
