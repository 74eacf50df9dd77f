"""Pre and post forms of a skill, and the class's mean paired change with its 95 %
confidence interval (formats.md, "Pre and post").

A *form* is a unit or a list of lessons; a *pairing* names the pre, post and
(optionally) delayed forms. ``paired_change`` is the t interval of the mean change;
``t_quantile`` computes Student's t quantile exactly (no SciPy): the distribution
function for integer degrees of freedom is a finite sum (Abramowitz & Stegun 26.7.3–4),
inverted by bisection.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from app.core.errors import UserError
from app.core.lessons import LESSON_ID_RE
from app.core.record import record

COMPARISONS = ("post", "delayed")  # each against pre
MEASURES = ("score", "hit_rate", "false_alarm_rate", "d_prime")
MAX_NAME = 200


@record
class Form:
    unit: str | None = None  # a unit's name, or …
    lessons: tuple[str, ...] = ()  # … lesson ids

    def describe(self, titles: dict[str, str] | None = None) -> str:
        if self.unit is not None:
            return f"unit “{self.unit}”"
        shown = [f"“{(titles or {}).get(i, i)}”" for i in self.lessons]
        return ("lesson " if len(shown) == 1 else "lessons ") + ", ".join(shown)

    def to_json(self) -> str:
        data = {"unit": self.unit} if self.unit is not None else {"lessons": list(self.lessons)}
        return json.dumps(data, ensure_ascii=False)


def form_from_json(text: str) -> Form:
    """A stored form; a damaged one is a clear error, never a traceback."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        raise UserError("a stored pre/post form is damaged (not JSON)") from None
    if isinstance(data, dict) and isinstance(data.get("unit"), str) and data["unit"].strip():
        return Form(unit=data["unit"])
    if isinstance(data, dict) and isinstance(data.get("lessons"), list) and data["lessons"] \
            and all(isinstance(x, str) and LESSON_ID_RE.fullmatch(x) for x in data["lessons"]):
        return Form(lessons=tuple(dict.fromkeys(data["lessons"])))
    raise UserError("a stored pre/post form is damaged (neither a unit nor lesson ids)")


def form_from_arg(text: str) -> Form:
    """``unit:NAME`` or ``lesson:ID[,ID…]`` (the command line's FORM)."""
    kind, sep, rest = text.partition(":")
    rest = rest.strip()
    if sep and kind == "unit" and rest:
        return Form(unit=rest)
    if sep and kind in ("lesson", "lessons"):
        ids = [x.strip() for x in rest.split(",") if x.strip()]
        bad = [x for x in ids if not LESSON_ID_RE.fullmatch(x)]
        if ids and not bad:
            return Form(lessons=tuple(dict.fromkeys(ids)))
    raise UserError(f"a form is 'unit:NAME' or 'lesson:ID[,ID...]', not {text[:80]!r}")


@record
class Pairing:
    id: int | None
    name: str
    pre: Form
    post: Form
    delayed: Form | None = None

    def forms(self) -> dict[str, Form]:
        out = {"pre": self.pre, "post": self.post}
        if self.delayed is not None:
            out["delayed"] = self.delayed
        return out


def check_pairing(p: Pairing) -> None:
    name = p.name.strip()
    if not name:
        raise UserError("give the pairing a name (the skill it measures)")
    if len(name) > MAX_NAME:
        raise UserError(f"a pairing's name has at most {MAX_NAME} characters")
    forms = [p.pre, p.post] + ([p.delayed] if p.delayed is not None else [])
    if len(set(forms)) != len(forms):
        raise UserError("the pre, post and delayed forms must differ")


# -- the mean paired change ------------------------------------------------------
@record
class Change:
    n: int  # students with both
    before: float | None  # mean before
    after: float | None
    change: float | None  # mean of the paired changes
    ci_low: float | None  # 95 % interval of the mean change; None when n < 2
    ci_high: float | None

    @property
    def note(self) -> str:
        if self.n == 0:
            return "no student has both forms"
        if self.n < 2:
            return "only 1 student has both forms: no interval"
        return ""


def paired_change(pairs: Sequence[tuple[float, float]], level: float = 0.95) -> Change:
    """Mean before, after and change of ``(before, after)`` pairs, with the t interval
    of the mean change: d̄ ± t(1 − α/2, n − 1) · s / √n."""
    n = len(pairs)
    if n == 0:
        return Change(0, None, None, None, None, None)
    diffs = [b - a for a, b in pairs]
    d = sum(diffs) / n
    before = sum(a for a, _ in pairs) / n
    after = sum(b for _, b in pairs) / n
    if n < 2:
        return Change(n, before, after, d, None, None)
    s = math.sqrt(sum((x - d) ** 2 for x in diffs) / (n - 1))
    half = t_quantile(1 - (1 - level) / 2, n - 1) * s / math.sqrt(n)
    return Change(n, before, after, d, d - half, d + half)


def t_cdf(t: float, df: int) -> float:
    """P(T ≤ t) for Student's t with ``df`` (a positive integer) degrees of freedom."""
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    theta = math.atan(t / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df == 1:
        a = 2 * theta / math.pi
    elif df % 2:  # odd: A = 2/π [θ + sin θ (cos θ + 2/3 cos³θ + … )]
        term, total = c, c
        for k in range(3, df - 1, 2):
            term *= c * c * (k - 1) / k
            total += term
        a = 2 / math.pi * (theta + s * total)
    else:  # even: A = sin θ [1 + 1/2 cos²θ + 1·3/(2·4) cos⁴θ + … ]
        term, total = 1.0, 1.0
        for k in range(2, df - 1, 2):
            term *= c * c * (k - 1) / k
            total += term
        a = s * total
    return 0.5 + a / 2  # A(t) = P(|T| < t) is odd in t


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom."""
    if not 0 < p < 1:
        raise ValueError("p must lie strictly between 0 and 1")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2
