"""The activity log: every decision across the system, newest first."""
