"""The composer's and history's colours: status classes, severities, in-place messages.

Scoped to the pages that use them (``setStyleSheet`` on the page's content),
so the app-wide stylesheet stays small.
"""

from __future__ import annotations

OK, REDIRECT, CLIENT, SERVER, ERROR = "#2e7d32", "#1565c0", "#b35900", "#c62828", "#c62828"

COMPOSER_STYLE = f"""
#statusLabel {{ font-size: 16px; font-weight: 600; padding: 2px 8px; border-radius: 4px; }}
#statusLabel[kind="ok"] {{ color: white; background: {OK}; }}
#statusLabel[kind="redirect"] {{ color: white; background: {REDIRECT}; }}
#statusLabel[kind="client"] {{ color: white; background: {CLIENT}; }}
#statusLabel[kind="server"], #statusLabel[kind="error"] {{ color: white; background: {SERVER}; }}
#statusLabel[kind="busy"] {{ color: #555d6b; background: #e8ebf0; }}
#statusLabel[kind="none"] {{ color: #555d6b; }}
#responseMeta, #fullUrl, #findingSource, #findingsEmpty {{ color: #555d6b; }}
#fullUrl {{ font-family: monospace; padding: 0 2px; }}
#authLine {{ color: #2e4a70; }}
#responseMessage {{ padding: 6px 8px; border-radius: 4px; }}
#responseMessage[kind="error"] {{ background: #fdecea; color: #8e1c1c; }}
#responseMessage[kind="warn"] {{ background: #fff4e0; color: #6b4100; }}
#retryBar {{ background: #fff4e0; border: 1px solid #f0c36d; border-radius: 4px; }}
#sendNote {{ color: #8e1c1c; background: #fdecea; padding: 4px 6px; border-radius: 4px; }}
#sendButton {{ font-weight: 600; padding: 4px 14px; }}
#bodyStatus[state="ok"] {{ color: {OK}; }}
#bodyStatus[state="error"] {{ color: {ERROR}; font-weight: 600; }}
#bodyNote {{ color: #6b4100; }}
#lintRow {{ border-radius: 4px; }}
#lintRow[severity="error"] {{ background: #fdecea; }}
#lintRow[severity="warn"] {{ background: #fff4e0; }}
#lintRow[severity="info"] {{ background: #eef3fb; }}
#findingCard {{ border: 1px solid #d9dde4; border-left-width: 4px; border-radius: 4px;
               background: palette(base); }}
#findingCard[severity="error"] {{ border-left-color: {ERROR}; }}
#findingCard[severity="warn"] {{ border-left-color: #ef8f00; }}
#findingCard[severity="info"] {{ border-left-color: {REDIRECT}; }}
#findingTitle {{ font-size: 14px; }}
#templatesButton::menu-indicator {{ image: none; width: 0; }}
#lintMore {{ color: #555d6b; }}
"""
