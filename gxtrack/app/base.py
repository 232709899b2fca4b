"""What every service mixin shares: loading aggregates and saving with checks."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.clock import BUREAU_TZ
from domain.clock import today as bureau_today
from domain.reference import ReferenceData
from domain.stall import POLICY_ID, StallTerms
from domain.stall_judgement import PolicyVersion, terms_in_force
from gxtrack.app.kept import KeptValues
from gxtrack.app.presenters import project_view
from gxtrack.app.read_side import ReadSide
from gxtrack.errors import ConflictError, NotFoundError
from gxtrack.infra import event_log
from gxtrack.infra.mailer import Outbox

A = TypeVar("A", bound=Aggregate)
_ABSENT = object()  # kept for an aggregate the log does not have


def parse_id(value: str | UUID, what: str = "记录") -> UUID:
    """A UUID from a path segment; a malformed id is simply not found."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFoundError(f"{what}不存在: {value}") from None


class ServiceBase(Application[UUID]):
    """Loading and saving helpers shared by the use-case mixins."""

    def __init__(
        self,
        *args: Any,
        read_side: ReadSide | None = None,
        outbox: Outbox | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Given by the wiring (gxtrack.bootstrap); an application opened only
        # to read the log (the rebuild's second process) has neither.
        self._read_side = read_side
        self._outbox = outbox
        # Aggregates and values read from them, kept: see current().
        self._kept = KeptValues(self.recorder)
        # The log's events from a position: (start, limit) -> rows with
        # originator_id, originator_version, topic and state.
        self.log_events = event_log.reader(self.recorder)

    @property
    def read_side(self) -> ReadSide:
        """The read models, for use cases that read or wait for them."""
        if self._read_side is None:
            raise RuntimeError("this GxTrack was opened without its read side")
        return self._read_side

    @property
    def outbox(self) -> Outbox:
        """The mail outbox, for use cases that queue or deliver mail."""
        if self._outbox is None:
            raise RuntimeError("this GxTrack was opened without an outbox")
        return self._outbox

    def load(
        self,
        kind: type[A],
        aggregate_id: str | UUID,
        version: int | None = None,
        read_only: bool = False,
    ) -> A:
        """The aggregate of type `kind`, or NotFoundError.

        `read_only`: the shared current one (see current()), never to change.
        """
        label = getattr(kind, "LABEL", kind.__name__)
        key = parse_id(aggregate_id, label)
        try:
            if read_only and version is None:
                aggregate = self.current(key)
            else:
                aggregate = self.repository.get(key, version=version)
        except AggregateNotFoundError:
            raise NotFoundError(f"{label}不存在: {aggregate_id}") from None
        if not isinstance(aggregate, kind) or (
            version is not None and aggregate.version != version
        ):
            raise NotFoundError(f"{label}不存在: {aggregate_id}")
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether any event was recorded for this id."""
        return bool(list(self.events.get(aggregate_id, desc=True, limit=1)))

    def store(self, *aggregates: Any) -> int:
        """Save; a concurrent writer or a duplicate id becomes ConflictError."""
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise ConflictError("记录已被他人修改或已存在，请刷新后重试") from None
        return recordings[-1].notification.id if recordings else 0

    @staticmethod
    def check_version(aggregate: Aggregate, expected_version: int | None) -> None:
        """Refuse a command made against a version that is no longer current."""
        if expected_version is not None and aggregate.version != expected_version:
            raise ConflictError(
                f"此记录已被他人修改（当前版本 {aggregate.version}，"
                f"你看到的是版本 {expected_version}），请刷新后重试"
            )

    def current(self, aggregate_id: UUID) -> Aggregate:
        """The aggregate as the log has it now, shared and READ-ONLY.

        The user behind every request and the reference lists were replayed
        (and deep-copied by the library's cache) on every request. Here the
        last one read is kept while the log has no newer event of it
        (gxtrack.app.kept). Commands change a copy from `repository.get`,
        never this one; a read (a project page) skips the copy the library
        makes of its cached aggregate. An aggregate not in the log is
        remembered as absent the same way (the node template, until an admin
        first changes it, on every project view).
        """

        def replay() -> tuple[int, Any]:
            try:
                aggregate = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return 0, _ABSENT
            return aggregate.version, aggregate

        found = self.kept(aggregate_id, aggregate_id, replay)
        if found is _ABSENT:
            raise AggregateNotFoundError(aggregate_id)
        return found

    def kept(
        self, key: Hashable, aggregate_id: UUID, compute: Callable[[], tuple[int, Any]]
    ) -> Any:
        """A value read from one aggregate's events, kept while the log has no
        event of it past the version `compute` returned with it."""
        return self._kept.get(key, aggregate_id, compute)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's save; the saved aggregates' kept values are dropped."""
        recordings = super().save(*objs, **kwargs)
        self._kept.saved(recordings)
        return recordings

    def reference(self) -> ReferenceData:
        """The industry and zone lists (read-only), created on first use."""
        try:
            return self.current(ReferenceData.create_id())
        except AggregateNotFoundError:
            return self.reference_for_change()

    def reference_for_change(self) -> ReferenceData:
        """The reference lists to change, created with the defaults on first use."""
        try:
            return self.repository.get(ReferenceData.create_id())
        except AggregateNotFoundError:
            reference = ReferenceData.with_defaults()
            try:
                self.save(reference)
            except IntegrityError:
                return self.repository.get(ReferenceData.create_id())
            return reference

    def stall_terms_on(self, day: date) -> StallTerms:
        """The stall policy in force on business day `day` (from its versions)."""
        return terms_in_force(
            self.kept("policy", POLICY_ID, self._policy_versions), day
        )

    def _policy_versions(self) -> tuple[int, list[PolicyVersion]]:
        events = list(self.events.get(POLICY_ID))
        versions = [
            PolicyVersion(
                e.timestamp.astimezone(BUREAU_TZ).date(),
                StallTerms(dict(e.thresholds), e.overdue_days, e.originator_version),
            )
            for e in events
        ]
        return (events[-1].originator_version if events else 0), versions

    def view_project(self, project: Any, day: date | None = None) -> dict[str, Any]:
        """The project as the API returns it, its stall judged on `day` (today)."""
        day = day or bureau_today()
        return project_view(
            project,
            self.reference(),
            self._template().nodes,  # type: ignore[attr-defined]
            self.stall_terms_on(day),
            day,
        )
