"""The composer's and history's colours: status classes, severities, in-place messages.

Scoped to the pages that use them (``setStyleSheet`` on the page's content),
so the app-wide stylesheet stays small. Built from a scheme's ``Colours`` and
set again when the OS switches between light and dark.
"""

from __future__ import annotations

from desktop.core.palette import LIGHT, Colours

OK, REDIRECT, CLIENT, SERVER, ERROR = (LIGHT.solid_ok, LIGHT.solid_redirect, LIGHT.solid_client,
                                       LIGHT.solid_fail, LIGHT.fail)


def composer_style(c: Colours) -> str:
    return f"""
#statusLabel {{ font-size: 16px; font-weight: 600; padding: 2px 8px; border-radius: 4px; }}
#statusLabel[kind="ok"] {{ color: {c.solid_text}; background: {c.solid_ok}; }}
#statusLabel[kind="redirect"] {{ color: {c.solid_text}; background: {c.solid_redirect}; }}
#statusLabel[kind="client"] {{ color: {c.solid_text}; background: {c.solid_client}; }}
#statusLabel[kind="server"], #statusLabel[kind="error"] {{ color: {c.solid_text};
                                                           background: {c.solid_fail}; }}
#statusLabel[kind="busy"] {{ color: {c.muted}; background: {c.neutral_bg}; }}
#statusLabel[kind="none"] {{ color: {c.muted}; }}
#responseMeta, #fullUrl, #findingSource, #findingsEmpty {{ color: {c.muted}; }}
#fullUrl {{ font-family: monospace; padding: 0 2px; }}
#authLine {{ color: {c.info}; }}
#authLine[state="refused"] {{ color: {c.fail}; }}
#authLine[state="off"] {{ color: {c.warn}; }}
#responseMessage {{ padding: 6px 8px; border-radius: 4px; }}
#responseMessage[kind="error"] {{ background: {c.fail_bg}; color: {c.text}; }}
#responseMessage[kind="warn"] {{ background: {c.warn_bg}; color: {c.text}; }}
#retryBar {{ background: {c.warn_bg}; border: 1px solid {c.warn}; border-radius: 4px; }}
#sendNote {{ color: {c.text}; background: {c.fail_bg}; padding: 4px 6px; border-radius: 4px; }}
#sendButton {{ font-weight: 600; padding: 4px 14px; }}
#bodyStatus[state="ok"] {{ color: {c.ok}; }}
#bodyStatus[state="error"] {{ color: {c.fail}; font-weight: 600; }}
#bodyNote {{ color: {c.warn}; }}
#lintRow {{ border-radius: 4px; }}
#lintRow[severity="error"] {{ background: {c.fail_bg}; }}
#lintRow[severity="warn"] {{ background: {c.warn_bg}; }}
#lintRow[severity="info"] {{ background: {c.info_bg}; }}
#findingCard {{ border: 1px solid {c.border}; border-left-width: 4px; border-radius: 4px;
               background: palette(base); }}
#findingCard[severity="error"] {{ border-left-color: {c.fail}; }}
#findingCard[severity="warn"] {{ border-left-color: {c.warn}; }}
#findingCard[severity="info"] {{ border-left-color: {c.info}; }}
#findingTitle {{ font-size: 14px; }}
#templatesButton::menu-indicator {{ image: none; width: 0; }}
#lintMore {{ color: {c.muted}; }}
"""


COMPOSER_STYLE = composer_style(LIGHT)
