"""Dialogs: forms over core objects (profiles), each a thin view that calls core to save."""
