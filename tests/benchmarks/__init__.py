"""Switchboard's performance budget: ``python -m tests.benchmarks`` (see README.md here)."""
