"""Class codes: a student's short code and the signature it puts on each attempt
(formats.md, "Class codes").

A code is ten Crockford base-32 characters (the last a check character), shown as
``XXXXX-XXXXX``. The key derived from it is bound to the student's name, so a code typed
under another name signs for nobody. Pure Python: ``hashlib`` and ``hmac`` only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence

from app.core.canonical import canonical
from app.core.lessons import Highlight
from app.core.names import name_key

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_VALUE.update({"I": 1, "L": 1, "O": 0})
LENGTH = 10
ITERATIONS = 100_000
SALT = b"close-reader class code v1\x00"
ALG = "HMAC-SHA256"


def _check(values: Sequence[int]) -> int:
    # odd weights are prime to 32: any single mistyped character changes the sum
    return sum(v * (2 * i + 1) for i, v in enumerate(values)) % 32


def new_code() -> str:
    """A fresh random code, as shown (``XXXXX-XXXXX``)."""
    values = [secrets.randbelow(32) for _ in range(LENGTH - 1)]
    values.append(_check(values))
    raw = "".join(ALPHABET[v] for v in values)
    return f"{raw[:5]}-{raw[5:]}"


def normalize(typed: str) -> str | None:
    """The ten characters of a typed code (case, spaces and dashes ignored; I, L → 1,
    O → 0), or None when it is not a code or its check character is wrong."""
    chars = [ch for ch in typed.upper() if ch not in " -\t"]
    if len(chars) != LENGTH or any(ch not in _VALUE for ch in chars):
        return None
    values = [_VALUE[ch] for ch in chars]
    if _check(values[:-1]) != values[-1]:
        return None
    return "".join(ALPHABET[v] for v in values)


def shown(code: str) -> str:
    raw = normalize(code) or code
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == LENGTH else raw


def derive_key(code: str, student: str) -> bytes:
    """The code's key for this student (PBKDF2-HMAC-SHA256, 100,000 iterations)."""
    raw = normalize(code)
    if raw is None:
        raise ValueError("not a class code")
    return hashlib.pbkdf2_hmac("sha256", raw.encode("ascii"),
                               SALT + name_key(student).encode("utf-8"), ITERATIONS, 32)


def key_id(key: bytes) -> str:
    """The ``code`` field of a signature: first 8 hex digits of SHA-256 of the key."""
    return hashlib.sha256(key).hexdigest()[:8]


def attempt_message(submission_id: str, lesson: str, student: str, attempt: int,
                    submitted_at: str, after_key: bool, machine: str,
                    highlights: Iterable[Highlight]) -> bytes:
    hs = sorted([h.start, h.end, h.label, h.note] for h in highlights)
    return canonical({"v": 1, "submission_id": submission_id.lower(), "lesson": lesson,
                      "student": name_key(student), "attempt": attempt,
                      "submitted_at": submitted_at, "after_key": bool(after_key),
                      "machine": machine, "highlights": hs})


def sign(key: bytes, message: bytes) -> dict[str, str]:
    return {"alg": ALG, "code": key_id(key),
            "mac": hmac.new(key, message, hashlib.sha256).hexdigest()}


def verifies(key: bytes, message: bytes, signature: Mapping[str, str] | None) -> bool:
    if not signature or signature.get("alg") != ALG:
        return False
    mac = signature.get("mac", "")
    if not isinstance(mac, str):
        return False
    return hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest(), mac.lower())
