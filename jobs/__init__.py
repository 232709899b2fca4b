"""Scheduled jobs: module-level functions that only call services."""
