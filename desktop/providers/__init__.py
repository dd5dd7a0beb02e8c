"""Built-in provider definitions (data files; see docs/providers.md)."""
