"""Write the measured figures into the READMEs: ``python -m tests.benchmarks.readme FILE...``.

The performance tables in README.md and tests/benchmarks/README.md are
generated from the JSON that ``python -m tests.benchmarks`` writes, never
typed: each sits between ``<!-- perf:start -->`` and ``<!-- perf:end -->``.
Several result files may be given (the soak runs alone for ten minutes); a
figure measured in more than one keeps the last file's value.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.measure import ROOT, Figure, format_value

START = "<!-- perf:start -->"
END = "<!-- perf:end -->"
TARGETS = (ROOT / "README.md", ROOT / "tests" / "benchmarks" / "README.md")


def markdown(results: list[dict[str, Any]]) -> str:
    """The table and a line per run saying when, where and with which command."""
    figures: dict[str, Figure] = {}
    for result in results:
        for data in result["figures"]:
            figures[data["name"]] = Figure.from_json(data)
    lines = ["| figure | median | min | max | floor | ratio | budget | result |",
             "|---|---|---|---|---|---|---|---|"]
    for figure in figures.values():
        values = figure.values
        verdict = {True: "pass", False: "**FAIL**", None: "info"}[figure.passed]
        lines.append("| " + " | ".join((
            figure.name,
            format_value(figure.median, figure.unit),
            format_value(min(values), figure.unit) if values else "-",
            format_value(max(values), figure.unit) if values else "-",
            format_value(figure.floor_median, figure.unit),
            f"{figure.ratio:.2f}x" if figure.ratio is not None else "-",
            figure.budget.describe(figure.unit),
            verdict)) + " |")
    lines.append("")
    for result in results:
        info = result.get("machine", {})
        load = info.get("load_average")
        lines.append(
            f"- `{result.get('command', 'python -m tests.benchmarks')}`, "
            f"{result.get('started', '?')}: {info.get('cpus', '?')} CPUs, Python "
            f"{info.get('python', '?')}, PySide6 {info.get('pyside6', '?')}"
            + (f", load average {load[0]:.2f}" if load else "")
            + (" (quick: a harness check, not a verdict)" if result.get("quick") else ""))
    return "\n".join(lines)


def replace_between(text: str, block: str) -> str:
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"no {START} … {END} section")
    return text[:start + len(START)] + "\n" + block + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.readme",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="*", type=Path,
                        default=[ROOT / "bench-results.json"], metavar="FILE")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a README would change (CI: the tables are current)")
    args = parser.parse_args(argv)
    results = [json.loads(path.read_text(encoding="utf-8")) for path in args.results]
    block = markdown(results)
    stale = []
    for target in TARGETS:
        text = target.read_text(encoding="utf-8")
        updated = replace_between(text, block)
        if updated != text:
            stale.append(target)
            if not args.check:
                target.write_text(updated, encoding="utf-8")
    for target in stale:
        print(f"{'stale' if args.check else 'updated'}: {target.relative_to(ROOT)}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
