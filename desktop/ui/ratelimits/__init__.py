"""The Rate limits page's parts: chart, header strip, controls, burst tool, export.

Only ``chart`` (and ``export``'s PNG rendering) import pyqtgraph, and only
when first used: the page imports them the first time it is shown, so the
~0.5 s pyqtgraph import never lands on the app's start-up.
"""
