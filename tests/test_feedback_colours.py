"""Feedback status colours: text on each keeps ≥ 4.5:1; every pair of statuses (and the
page) stays clearly apart in normal vision and in simulated protanopia, deuteranopia and
tritanopia (Machado et al. 2009, severity 1), by CIEDE2000; outlines and underlines keep
≥ 3:1 against every tint (WCAG 1.4.11). Colour is never alone: symbol, words and pattern.

Why not "≥ 3:1 between every pair of tints"? With dark text needing ≥ 4.5:1, a tint's
luminance must be ≥ 0.2245; a second tint ≥ 3:1 away from it then needs luminance ≥ 0.77,
and a third cannot exist — two tints at most. ``test_three_to_one_between_tints_is_…``
proves it, so the check here is the perceptual one, under each vision type."""

from __future__ import annotations

import itertools
import math

import pytest
from PySide6.QtGui import QColor

from app.core import feedback_text as words
from app.ui.theme import (
    BASE_DARK,
    BASE_LIGHT,
    STATUS_STYLE,
    STATUS_UNDERLINE,
    TEXT_DARK,
    TEXT_LIGHT,
    contrast,
    relative_luminance,
)

MACHADO = {
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
               (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
               (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
               (0.004733, 0.691367, 0.303900)),
}
MIN_DELTA_E = 7.5  # clearly apart side by side (a just-noticeable difference is ~2)
SHOWN = ("found", "partial", "missed", "wrong_label", "optional", "extra")


def _lin(v: float) -> float:
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _delin(v: float) -> float:
    v = max(0.0, min(1.0, v))
    return 12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


def simulate(hex_colour: str, kind: str) -> tuple[float, float, float]:
    c = QColor(hex_colour)
    rgb = (c.redF(), c.greenF(), c.blueF())
    if kind == "normal":
        return rgb
    lin = [_lin(x) for x in rgb]
    m = MACHADO[kind]
    return tuple(_delin(sum(m[i][j] * lin[j] for j in range(3))) for i in range(3))


def lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = (_lin(x) for x in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e2000(c1: tuple[float, float, float], c2: tuple[float, float, float]) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab(c1), lab(c2)
    cb = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cb ** 7 / (cb ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p, h2p = math.degrees(math.atan2(b1, a1p)) % 360, math.degrees(math.atan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lb, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hb = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hb = (h1p + h2p) / 2
    else:
        hb = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hb - 30)) + 0.24 * math.cos(math.radians(2 * hb))
         + 0.32 * math.cos(math.radians(3 * hb + 6)) - 0.20 * math.cos(math.radians(4 * hb - 63)))
    dth = 30 * math.exp(-(((hb - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cbp ** 7 / (cbp ** 7 + 25 ** 7))
    sl = 1 + 0.015 * (lb - 50) ** 2 / math.sqrt(20 + (lb - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    rt = -math.sin(math.radians(2 * dth)) * rc
    return math.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2
                     + rt * (dc / sc) * (dhh / sh))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_on_every_status_keeps_4_5_to_1(dark):
    text = TEXT_DARK if dark else TEXT_LIGHT
    for st in SHOWN:
        bg = STATUS_STYLE[st][1 if dark else 0]
        assert contrast(text, bg) >= 4.5, (st, bg, contrast(text, bg))


@pytest.mark.parametrize("vision", ["normal", "protan", "deutan", "tritan"])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_statuses_stay_apart_for_colour_vision_deficiencies(dark, vision):
    i = 1 if dark else 0
    colours = {st: STATUS_STYLE[st][i] for st in SHOWN}
    colours["page"] = BASE_DARK if dark else BASE_LIGHT
    close = []
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        d = delta_e2000(simulate(ca, vision), simulate(cb, vision))
        if d < MIN_DELTA_E:
            close.append((a, b, round(d, 1)))
    assert close == []


def test_the_issue_s_lavender_pair_is_gone():
    """"↔ other category" on "optional, not marked" were two near-identical lavenders."""
    d = delta_e2000(simulate(STATUS_STYLE["wrong_label"][0], "normal"),
                    simulate(STATUS_STYLE["optional"][0], "normal"))
    assert d >= MIN_DELTA_E
    assert contrast(STATUS_STYLE["extra"][0], BASE_LIGHT) > 1.5  # not grey on off-white


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_patterns_and_outlines_have_3_to_1_on_every_tint(dark):
    """Underline patterns are drawn in the text colour, outlines in an edge colour chosen
    for ≥ 3:1 against every tint and the page (app/ui/feedback_marks.edge_colour)."""
    from app.ui.feedback_marks import edge_colour
    from app.ui.theme import CATEGORY_COLOURS

    i = 1 if dark else 0
    tints = [STATUS_STYLE[st][i] for st in SHOWN] + [BASE_DARK if dark else BASE_LIGHT]
    text = TEXT_DARK if dark else TEXT_LIGHT
    assert all(contrast(text, t) >= 3 for t in tints)
    for light, dk in CATEGORY_COLOURS:
        edge = edge_colour(dk if dark else light, tints, "#ffffff" if dark else "#000000")
        assert all(contrast(edge, t) >= 3 for t in tints), (light, edge)


def test_never_colour_alone():
    symbols = [words.STATUS_SYMBOL[st] for st in words.KEY_STATUSES]
    assert len(set(symbols)) == len(symbols)
    patterns = [STATUS_UNDERLINE[st] for st in SHOWN]
    assert len(set(patterns)) == len(patterns), "each status has its own underline pattern"
    for st in SHOWN:
        assert STATUS_STYLE[st][2].startswith(words.STATUS_SYMBOL[st])


def test_three_to_one_between_tints_is_impossible_beyond_two():
    """The arithmetic behind the perceptual check above."""
    floor = 4.5 * (relative_luminance(TEXT_LIGHT) + 0.05) - 0.05  # darkest tint allowed
    second = 3 * (floor + 0.05) - 0.05
    third = 3 * (second + 0.05) - 0.05
    assert floor > 0.2 and third > 1.0  # no third tint fits below white
