"""The use cases: one eventsourcing Application whose methods are the commands."""

from gxtrack.services.application import GxTrack

__all__ = ["GxTrack"]
