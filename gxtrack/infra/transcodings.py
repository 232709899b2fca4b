"""JSON transcodings for the value types our events hold."""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import JSONTranscoder, Transcoding


class DateAsISO(Transcoding):
    """A business date as `YYYY-MM-DD`."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_all(transcoder: JSONTranscoder) -> None:
    """Register every transcoding gxtrack needs beyond the library's own."""
    transcoder.register(DateAsISO())
