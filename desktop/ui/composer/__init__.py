"""The Composer page's widgets: request editor, lint list, response viewer, findings."""
