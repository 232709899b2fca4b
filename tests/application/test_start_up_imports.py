"""Starting gxtrack does not load the forecast's statistics libraries.

statsmodels (with scipy.stats and pandas) took about 100 MB and a second of
every process's start: each web worker, each CLI command, a rebuild (whose
peak memory it pushed past its 300 MB target). They are imported where a
forecast is computed, and this keeps an eager import from creeping back."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scipy", "statsmodels", "pandas")


def test_the_entry_points_load_no_statistics_library():
    script = (
        "import sys\n"
        "import gxtrack.bootstrap, gxtrack.cli, web.app, jobs.scheduler\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
