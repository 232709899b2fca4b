"""Importing the bureau's project ledger (台账): read, map headers, plan, save."""
