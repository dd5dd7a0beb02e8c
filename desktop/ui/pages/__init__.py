"""The main window's pages, one per file: thin views over core objects."""
