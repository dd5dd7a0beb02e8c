"""The window's colours in a light and a dark scheme, and the WCAG contrast they must keep.

Every colour the window paints text or a status with is named here once per
scheme, so a status reads the same in both and the contrast can be checked
by a test rather than by eye: ``contrast_ratio`` is WCAG 2.x's formula, and
``required_pairs`` lists each (foreground, background) the window actually
combines with the ratio it needs (4.5:1 for text, 3:1 for large text and
chart lines). No Qt here: the UI turns these hex strings into a QPalette,
style sheets and chart pens (``desktop.ui.theme``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

AA_TEXT = 4.5
"""WCAG 2.x AA, normal text."""
AA_LARGE = 3.0
"""WCAG 2.x AA, large text (18 pt, or 14 pt bold) and graphical objects (chart lines)."""


@dataclass(frozen=True, slots=True)
class Colours:
    """One scheme: window roles, status colours, banners, syntax colours, chart colours."""

    dark: bool
    # window roles (a QPalette is built from these)
    window: str
    base: str
    alternate: str
    text: str
    muted: str
    """Secondary text: captions, "Seen:", skipped steps. Still text: AA on every surface."""
    faint: str
    """Decoration only (an empty page's big glyph, placeholders): large-text contrast."""
    button: str
    border: str
    link: str
    highlight: str
    highlighted_text: str
    # statuses as text
    ok: str
    fail: str
    warn: str
    info: str
    production: str
    # statuses as filled chips with white text (HTTP status, PRODUCTION badge)
    solid_ok: str
    solid_redirect: str
    solid_client: str
    solid_fail: str
    solid_text: str
    # banners: a status colour's text on its own pale (or deep) background
    ok_bg: str
    fail_bg: str
    warn_bg: str
    info_bg: str
    neutral_bg: str
    redaction_bg: str
    # JSON (Pygments token classes)
    json_key: str
    json_string: str
    json_number: str
    json_keyword: str
    json_punctuation: str
    # the rate-limit chart
    chart_background: str
    chart_axis: str
    chart_text: str
    chart_remaining: str
    chart_limit: str
    chart_reset: str
    chart_refused: str
    chart_unread: str
    chart_rate: str


LIGHT = Colours(
    dark=False,
    window="#efefef", base="#ffffff", alternate="#f5f6f8", text="#1d2330",
    muted="#545c6a", faint="#7c8698", button="#e8e9ec", border="#c4c9d2",
    link="#1a56b4", highlight="#2a6fb8", highlighted_text="#ffffff",
    ok="#26702b", fail="#c62828", warn="#8a5300", info="#1a56b4", production="#b71c1c",
    solid_ok="#2e7d32", solid_redirect="#1565c0", solid_client="#a64f00", solid_fail="#c62828",
    solid_text="#ffffff",
    ok_bg="#eaf5eb", fail_bg="#fdecea", warn_bg="#fff4e0", info_bg="#eef3fb",
    neutral_bg="#f1f2f5", redaction_bg="#ffe082",
    json_key="#1a4f9c", json_string="#26702b", json_number="#a14f00", json_keyword="#8e24aa",
    json_punctuation="#545c6a",
    chart_background="#ffffff", chart_axis="#8a93a3", chart_text="#3b4252",
    chart_remaining="#1f6fd1", chart_limit="#c76b00", chart_reset="#858e9f",
    chart_refused="#d32f2f", chart_unread="#6b7588", chart_rate="#2e9e5b",
)

DARK = Colours(
    dark=True,
    window="#26282c", base="#1c1e21", alternate="#232529", text="#e4e6eb",
    muted="#a8afbb", faint="#7d8594", button="#34373d", border="#4a4f58",
    link="#8ab4f8", highlight="#2f6fb0", highlighted_text="#ffffff",
    ok="#7bc77f", fail="#ff8a80", warn="#f0b35e", info="#8ab4f8", production="#ff8a80",
    solid_ok="#2e7d32", solid_redirect="#1565c0", solid_client="#a64f00", solid_fail="#c62828",
    solid_text="#ffffff",
    ok_bg="#1f3322", fail_bg="#3d1f1f", warn_bg="#3a2c14", info_bg="#1c2a40",
    neutral_bg="#2c2f34", redaction_bg="#6b5300",
    json_key="#8ab4f8", json_string="#7bc77f", json_number="#f0b35e", json_keyword="#d79bea",
    json_punctuation="#a8afbb",
    chart_background="#1c1e21", chart_axis="#7d8594", chart_text="#c9ced6",
    chart_remaining="#6aa9ff", chart_limit="#f0a040", chart_reset="#7d8594",
    chart_refused="#ff6b6b", chart_unread="#a8afbb", chart_rate="#5fcf8a",
)


def for_scheme(dark: bool) -> Colours:
    return DARK if dark else LIGHT


# -- WCAG contrast -----------------------------------------------------------------------------


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` (or ``#rgb``) → (r, g, b); ValueError for anything else."""
    value = colour.strip().removeprefix("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    number = int(value, 16)
    return number >> 16, (number >> 8) & 0xFF, number & 0xFF


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance: 0 for black, 1 for white."""
    r, g, b = parse_hex(colour)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), lighter over darker: 1.0 (none) to 21.0 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True, slots=True)
class Pair:
    foreground: str
    """A field name of ``Colours``."""
    background: str
    minimum: float


def required_pairs() -> list[Pair]:
    """Every combination the window paints, with the contrast it needs (both schemes)."""
    surfaces = ("window", "base", "alternate")
    pairs = [Pair(name, surface, AA_TEXT)
             for name in ("text", "muted", "ok", "fail", "warn", "info", "production", "link")
             for surface in surfaces]
    pairs += [Pair("faint", surface, AA_LARGE) for surface in surfaces]
    pairs += [Pair(f"json_{kind}", "base", AA_TEXT)
              for kind in ("key", "string", "number", "keyword", "punctuation")]
    pairs += [Pair(status, f"{status}_bg", AA_TEXT) for status in ("ok", "fail", "warn", "info")]
    pairs += [Pair("text", background, AA_TEXT)
              for background in ("ok_bg", "fail_bg", "warn_bg", "info_bg", "neutral_bg",
                                 "redaction_bg", "button")]
    pairs += [Pair("muted", "neutral_bg", AA_TEXT)]
    pairs += [Pair("solid_text", solid, AA_TEXT)
              for solid in ("solid_ok", "solid_redirect", "solid_client", "solid_fail")]
    pairs += [Pair("highlighted_text", "highlight", AA_TEXT),
              Pair("chart_text", "chart_background", AA_TEXT)]
    pairs += [Pair(f"chart_{line}", "chart_background", AA_LARGE)
              for line in ("remaining", "limit", "reset", "refused", "unread", "rate", "axis")]
    return pairs


def contrast_failures(colours: Colours) -> list[str]:
    """The pairs that miss their minimum, in words (empty: the scheme passes)."""
    out = []
    for pair in required_pairs():
        fg, bg = getattr(colours, pair.foreground), getattr(colours, pair.background)
        ratio = contrast_ratio(fg, bg)
        if ratio < pair.minimum:
            out.append(f"{pair.foreground} {fg} on {pair.background} {bg}: {ratio:.2f}:1 "
                       f"< {pair.minimum}:1")
    return out


def colour_names() -> tuple[str, ...]:
    """The colour fields of ``Colours`` (everything but ``dark``)."""
    return tuple(f.name for f in fields(Colours) if f.name != "dark")
