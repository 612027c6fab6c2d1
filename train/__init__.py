"""Runnable experiments: ``python -m train.<name>``."""
