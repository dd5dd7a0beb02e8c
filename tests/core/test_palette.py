"""The window's colours keep WCAG AA contrast in the light and the dark scheme."""

from __future__ import annotations

import pytest

from desktop.core.palette import (
    AA_LARGE,
    AA_TEXT,
    DARK,
    LIGHT,
    colour_names,
    contrast_failures,
    contrast_ratio,
    for_scheme,
    parse_hex,
    relative_luminance,
    required_pairs,
)


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")
    assert relative_luminance("#fff") == pytest.approx(1.0)
    assert relative_luminance("#000") == 0.0


def test_a_colour_that_is_not_hex_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_hex("red")
    with pytest.raises(ValueError):
        parse_hex("#12345")


@pytest.mark.parametrize("colours", [LIGHT, DARK], ids=["light", "dark"])
def test_every_pair_the_window_paints_keeps_its_contrast(colours) -> None:
    assert contrast_failures(colours) == []


@pytest.mark.parametrize("colours", [LIGHT, DARK], ids=["light", "dark"])
def test_production_red_and_pass_fail_colours_are_aa_text_on_every_surface(colours) -> None:
    for status in ("production", "ok", "fail", "warn"):
        for surface in ("window", "base", "alternate"):
            ratio = contrast_ratio(getattr(colours, status), getattr(colours, surface))
            assert ratio >= AA_TEXT, (status, surface, round(ratio, 2))
    # the PRODUCTION badge and HTTP status chips: white on a solid colour
    for solid in ("solid_ok", "solid_fail", "solid_client", "solid_redirect"):
        assert contrast_ratio(colours.solid_text, getattr(colours, solid)) >= AA_TEXT


def test_the_schemes_are_what_they_say() -> None:
    assert for_scheme(True) is DARK
    assert for_scheme(False) is LIGHT
    assert relative_luminance(DARK.window) < 0.1 < relative_luminance(LIGHT.window)
    assert relative_luminance(DARK.text) > relative_luminance(DARK.base)
    assert relative_luminance(LIGHT.text) < relative_luminance(LIGHT.base)


def test_every_pair_names_real_colours_and_a_wcag_minimum() -> None:
    names = set(colour_names())
    for pair in required_pairs():
        assert pair.foreground in names
        assert pair.background in names
        assert pair.minimum in (AA_TEXT, AA_LARGE)
    for name in names:
        parse_hex(getattr(LIGHT, name))
        parse_hex(getattr(DARK, name))


def test_the_colours_the_window_used_before_failed_what_these_pass() -> None:
    """The old warning amber and skipped-step grey were under 4.5:1 on white."""
    assert contrast_ratio("#b26a00", "#ffffff") < AA_TEXT
    assert contrast_ratio("#8a94a6", "#ffffff") < AA_TEXT
    assert contrast_ratio(LIGHT.warn, LIGHT.base) >= AA_TEXT
    assert contrast_ratio(LIGHT.muted, LIGHT.base) >= AA_TEXT
