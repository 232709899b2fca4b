"""The daily designation-expiry job's scheduler id.

The job itself is jobs.tasks.daily_expiry, which calls the application's
`record_expiries_due` (gxtrack.app.expiry).
"""

from __future__ import annotations

JOB_ID = "designation-expiry"
__all__ = ["JOB_ID"]
