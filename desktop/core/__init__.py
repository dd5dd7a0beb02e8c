"""Switchboard's engine: pure Python, no Qt.

Everything that can be tested without a window lives here. The UI and the
CLI are two thin front ends over these modules.
"""
