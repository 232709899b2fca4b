"""The PostgreSQL event recorder: eventsourcing's own, its save outside pipeline mode.

eventsourcing records a save as one INSERT of an array of events, sent in
psycopg's pipeline mode. Past several megabytes of events in one save (a ledger
import of a few thousand rows: each event carries its row's source) the client
and the server each waited for the other and the save never returned. A save is
the table lock, a NOTIFY and that one INSERT: pipelining them gains nothing, so
this recorder runs the same statements in an ordinary transaction, with the
same lock, the same notification ids and the same errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry


class PostgresEventRecorder(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder, saving without a pipeline."""

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record the events in one transaction; their notification ids."""
        if self.datastore.enable_db_functions:  # one function call: no pipeline
            return super().insert_events(stored_events, **kwargs)
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
