"""The Checklist page's parts: the step model, the detail pane, the sandbox fault menu."""
