"""Audit: decision changes, the tamper-evident hash chain, backup and restore."""
