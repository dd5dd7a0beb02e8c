"""Headless subcommands of the `switchboard` CLI, one module per command."""
