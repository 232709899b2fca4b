"""The 督办 read model: every 督办单 with its status, for lists and the work list."""
