"""What the use cases need of the read side and the outside, given once by the wiring."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gxtrack.infra.db import Database

# Called with (events done, events in all) while the read models catch up.
CatchUpProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReadSide:
    """The read-model database and the two ways of bringing it up to date."""

    db: Database
    # Read-your-writes: block until the read models include every event.
    wait_for_read_models: Callable[[], None]
    # The same, showing progress when this process does the projecting itself.
    catch_up_with_progress: Callable[[CatchUpProgress], None]
    # Seconds a fitted figure (forecast, what-if spans) may lag the read models
    # while its successor is computed in the background.
    stale_figures_seconds: float = 0.0
