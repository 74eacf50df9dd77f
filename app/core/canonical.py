"""Canonical JSON (formats.md, "Canonical JSON"): what a signature or a MAC covers."""

from __future__ import annotations

import json
from typing import Any


def canonical(value: Any) -> bytes:
    """The value as sorted, compact UTF-8 JSON: two parses of the same file, however it
    was spaced or escaped, give the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8", "surrogatepass")
