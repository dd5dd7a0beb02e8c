"""Alt+letter shortcuts for form labels, each letter used once per dialog.

Forms whose fields come from data (a provider's settings) cannot hard-code
``&`` in their labels; this hands out the first free letter of each label.
"""

from __future__ import annotations


class Mnemonics:
    def __init__(self, taken: str = "") -> None:
        self._taken: set[str] = {c.lower() for c in taken}

    def copy(self) -> Mnemonics:
        twin = Mnemonics()
        twin._taken = set(self._taken)
        return twin

    def label(self, text: str) -> str:
        """``text`` with ``&`` before a free letter, a word's first if possible (else unchanged)."""
        initials = [i for i in range(len(text)) if i == 0 or not text[i - 1].isalnum()]
        for index in [*initials, *range(len(text))]:
            char = text[index]
            if char.isalnum() and char.isascii() and char.lower() not in self._taken:
                self._taken.add(char.lower())
                return f"{text[:index].replace('&', '&&')}&{text[index:].replace('&', '&&')}"
        return text.replace("&", "&&")
