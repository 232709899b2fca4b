"""The bureau's periodic reports, built from the read models."""
