"""Converting between our offsets (Unicode code points) and Qt's (UTF-16 code units)."""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class PositionMap:
    """Maps code-point offsets of one text to UTF-16 offsets and back."""

    def __init__(self, text: str) -> None:
        # code-point indices of characters outside the BMP (two UTF-16 units each)
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]
        self.length = len(text)

    def to_qt(self, cp: int) -> int:
        if not self._astral:
            return cp
        return cp + bisect.bisect_left(self._astral, cp)

    def from_qt(self, u16: int) -> int:
        if not self._astral:
            return u16
        # number of astral characters that start strictly before u16
        k = bisect.bisect_left(self._astral_u16, u16)
        cp = u16 - k
        # a position inside a surrogate pair rounds down to the character's start
        if k and u16 == self._astral_u16[k - 1] + 1:
            cp = self._astral[k - 1] + 0
        return max(0, min(cp, self.length))
