"""The profile dialog's few boxes and captions, in the colours of the current scheme."""

from __future__ import annotations

from desktop.core.palette import Colours


def profile_dialog_style(c: Colours) -> str:
    return f"""
#keychainBanner {{ background: {c.warn_bg}; border: 1px solid {c.warn}; border-radius: 4px;
                  padding: 6px 8px; color: {c.text}; }}
#productionTag {{ color: {c.solid_text}; background: {c.solid_fail}; border-radius: 3px;
                 padding: 1px 8px; font-weight: 600; }}
#fieldCaption {{ color: {c.muted}; }}
#exposedWarning {{ color: {c.warn}; }}
#dialogSummary {{ padding: 4px 2px; }}
"""
