"""The chain follower chains each batch from the link it kept last, and reads
the chain's head only when another batch (of another process, or one rolled
back) may have come between."""

from __future__ import annotations

from datetime import date

import pytest

from gxtrack.audit import chain_follower
from gxtrack.audit.verify import verify
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings


@pytest.fixture
def two(durable_settings: Settings):
    """Two runtimes on one store, as two processes following the same log."""
    first = Runtime.open(durable_settings)
    second = Runtime.open(durable_settings)
    first.app.reference()  # the reference data's events, chained first
    first.projections.run()
    yield first, second
    second.close()
    first.close()


@pytest.fixture
def heads(monkeypatch) -> list[int]:
    """Counts the follower's reads of the chain's head."""
    calls: list[int] = []
    real = chain_follower.chain_head

    def counted(cur):
        calls.append(1)
        return real(cur)

    monkeypatch.setattr(chain_follower, "chain_head", counted)
    return calls


def _register(runtime: Runtime, leader, n: int) -> None:
    runtime.app.register_project(
        leader,
        name=f"【示例】链头{n}",
        investor="某投资方",
        industry="ngit",
        zone="mudu",
        planned_investment="1000",
        stage_date=date(2025, 1, n),
    )


def _chain(runtime: Runtime) -> list[tuple[int, str]]:
    rows = runtime.db.fetchall("SELECT position, digest FROM audit_chain")
    return sorted((int(r["position"]), r["digest"]) for r in rows)


def test_a_follower_reads_the_head_once_then_chains_from_its_own_last_link(
    two, leader, heads
):
    runtime, _ = two
    before = len(_chain(runtime))
    for n in range(1, 5):
        _register(runtime, leader, n)
        assert runtime.projections.run_batch() == 1
    # Not even the first: this object chained the reference data's events.
    assert heads == []
    assert len(_chain(runtime)) == before + 4
    result = verify(runtime.app, runtime.db)
    assert result.ok and result.checked == before + 4 and result.unchained == 0


def test_a_batch_of_another_process_in_between_is_chained_on(two, leader, heads):
    first, second = two
    _register(first, leader, 1)
    first.projections.run_batch()
    _register(first, leader, 2)
    second.projections.run_batch()  # the other process chains event 2
    _register(first, leader, 3)
    first.projections.run_batch()  # so this one must start from its link
    # The other process's first batch, and this one's after it.
    assert len(heads) == 2
    result = verify(first.app, first.db)
    assert result.ok and result.unchained == 0
    assert result.checked == len(_chain(first))


def test_a_rolled_back_batch_leaves_no_link_to_chain_from(two, leader, heads):
    runtime, other = two
    _register(runtime, leader, 1)
    runtime.projections.run_batch()
    kept = _chain(runtime)
    _register(runtime, leader, 2)
    facts = runtime.projections.projections["stage_facts"]

    def fail(cur) -> None:  # after the chain's own finish_batch: rolled back
        raise RuntimeError("disk full")

    facts.finish_batch = fail  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        runtime.projections.run_batch()
    del facts.finish_batch
    assert _chain(runtime) == kept
    _register(runtime, leader, 3)
    assert runtime.projections.run_batch() == 2  # events 2 and 3
    assert len(_chain(runtime)) == len(kept) + 2
    result = verify(runtime.app, runtime.db)
    assert result.ok and result.checked == len(kept) + 2 and result.unchained == 0
    assert _chain(other) == _chain(runtime)
