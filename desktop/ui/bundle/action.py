"""The Export diagnostic bundle action: the active profile's session into the preview."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.ui.context import AppContext


def export_bundle(parent: QWidget, ctx: AppContext) -> QWidget | None:
    profile = ctx.active_profile
    session = ctx.session(profile) if profile else None
    if session is None:
        QMessageBox.information(parent, "Export diagnostic bundle",
                                "Pick a profile first: the bundle holds one profile's session.")
        return None
    from desktop.ui.bundle.gather import draw_chart, gather
    from desktop.ui.bundle.preview import BundlePreview

    content = gather(ctx.workspace, session)
    if not content.exchanges and content.checklist is None:
        QMessageBox.information(parent, "Export diagnostic bundle",
                                f"{profile.name} has no requests or checklist run yet: run the "
                                "checklist (F5) or send a request, then export.")
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    safe_name = "".join(c if c.isalnum() or c in "-_" else "-" for c in profile.name)
    dialog = BundlePreview(content, lambda keep: session.redactor(mask_phones=not keep),
                           f"switchboard-{safe_name}-{stamp}.zip", parent,
                           chart=lambda: draw_chart(session))
    dialog.accepted.connect(lambda: ctx.say(f"Bundle saved to {dialog.saved_to}", 10000))
    dialog.open()
    return dialog
