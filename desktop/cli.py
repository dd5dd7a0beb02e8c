"""The `switchboard` command: the window by default, headless subcommands otherwise.

Each subcommand lives in ``desktop/commands/<name>.py`` and exposes
``register(subparsers)``; it defers heavy imports to the moment it runs, so
``switchboard --help`` and the window's start-up stay fast.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING, NoReturn

from desktop import APP_NAME, __version__

if TYPE_CHECKING:
    import argparse

COMMANDS = ("check", "sandbox", "webhooks", "curl", "bundle", "providers", "run", "explain",
            "import_", "collections")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class RedactingParser(argparse.ArgumentParser):
        """Usage errors quote what was typed ("unrecognized arguments: -u user:pw ..."):
        they go through the redactor like everything else Switchboard prints."""

        def error(self, message: str) -> NoReturn:
            from desktop.core.redact import Redactor

            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}: error: {Redactor().redact_text(message)}\n")

    return RedactingParser


def build_parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    """The full parser; ``with_commands=False`` leaves the subcommands out (the window path)."""

    parser = _parser_class()(
        prog="switchboard",
        description=f"{APP_NAME}: a diagnostic console for messaging REST APIs. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="start the full app, wait for the first paint, print the time it took, exit 0",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if not with_commands:
        return parser
    for name in COMMANDS:
        if importlib.util.find_spec(f"desktop.commands.{name}") is None:
            continue  # a command still being built; tests check that all of them exist
        module = importlib.import_module(f"desktop.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["--bundle-worker"]:  # a frozen app's bundle worker process
        from desktop.core.bundle_workers import serve

        return serve()
    if set(args_list) <= {"--smoke"}:
        # The common case, opening the window: no argument parser to build at all.
        from desktop.ui.app import run_gui

        return run_gui(smoke=bool(args_list))
    parser = build_parser(with_commands=not _opens_window(args_list))
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    if args.command is None:
        from desktop.ui.app import run_gui

        return run_gui(smoke=args.smoke)
    from desktop.commands.output import pipe_safe

    # Every command: a reader that goes away (``| head``) ends it quietly, not with a traceback.
    return int(pipe_safe(args.func)(args) or 0)


def _opens_window(args: list[str]) -> bool:
    """Only options and no help: the window opens, and importing every subcommand's module
    (a tenth of a second and more) would only delay its first paint."""
    return all(arg.startswith("-") for arg in args) and not {"-h", "--help"} & set(args)


if __name__ == "__main__":
    sys.exit(main())
