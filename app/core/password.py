"""The instructor password: stored only as a salted scrypt hash, checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# scrypt cost: n=2**15, r=8, p=1 (≈ 32 MiB, ~0.1 s) — OWASP's recommended minimum or better
N, R, P = 2**15, 8, 1
MAXMEM = 64 * 1024 * 1024
MIN_LENGTH = 8  # issue 22: six spaces were accepted
SETTING = "instructor_password"  # the settings row holding the hash
RESET_SETTING = "instructor_password_reset_at"  # when `instructor reset-password` ran


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64), with a fresh 16-byte salt."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=MAXMEM,
                            dklen=32)
    return "$".join(["scrypt", str(N), str(R), str(P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` is the one ``stored`` was made from. Never raises: a
    password that is not text (bytes of another encoding in an environment variable,
    which Python holds as lone surrogates) is simply not the password."""
    try:
        secret = password.encode("utf-8")
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        digest = hashlib.scrypt(secret, salt=salt, n=int(n), r=int(r),
                                p=int(p), maxmem=MAXMEM, dklen=len(expected))
    except (ValueError, TypeError, OverflowError, MemoryError):  # UnicodeEncodeError too
        return False
    return hmac.compare_digest(digest, expected)


def is_text(password: str) -> bool:
    """False for a password holding bytes that are not UTF-8 (an environment variable
    set in another encoding): it could not be typed again in the app."""
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def password_problem(password: str, again: str) -> str | None:
    """Why a new password cannot be used, or None: at least ``MIN_LENGTH`` characters,
    not only white space, text that can be typed (UTF-8), the same twice."""
    if not is_text(password):
        return ("The password is not text that can be typed (it holds bytes that are not "
                "UTF-8): choose another.")
    if not password.strip():
        return "A password cannot be only spaces."
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if any(not ch.isprintable() for ch in password):
        return "A password cannot hold line breaks, tabs or other control characters."
    if password != again:
        return "The two passwords are not the same."
    return None
