"""The use cases: one eventsourcing Application whose methods are the commands."""

from gxtrack.app.application import GxTrack

__all__ = ["GxTrack"]
