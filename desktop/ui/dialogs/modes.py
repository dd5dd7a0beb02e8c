"""What the profile dialog is opened for (apart from the dialog, which loads on first use)."""

from __future__ import annotations

from enum import StrEnum


class DialogMode(StrEnum):
    NEW = "new"
    EDIT = "edit"
    DUPLICATE = "duplicate"
