"""The instructor's Ed25519 signature on packs and feedback files (formats.md,
"Signatures"). ``cryptography`` is imported only here, and only when a file is signed or
checked: the student's start-up never loads it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from app.core.canonical import canonical
from app.core.errors import FormatError

ALG = "Ed25519"


def fingerprint(public: bytes) -> str:
    """``3F9A-0C1D-77E2-9B40``: the first 16 hex digits of SHA-256 of the public key."""
    h = hashlib.sha256(public).hexdigest()[:16].upper()
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


def new_key_pair(password: str) -> tuple[bytes, bytes]:
    """(raw 32-byte public key, PKCS #8 PEM of the private key encrypted under
    ``password``)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    return _public_raw(key), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("utf-8", "surrogatepass")))


def _public_raw(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


class Signer:
    """An unlocked private key (kept in memory while instructor mode is open)."""

    def __init__(self, private_pem: bytes, password: str) -> None:
        from cryptography.hazmat.primitives import serialization

        try:
            self._key = serialization.load_pem_private_key(
                private_pem, password.encode("utf-8", "surrogatepass"))
        except (ValueError, TypeError) as e:
            raise ValueError("the instructor key cannot be unlocked with that password") from e
        self.public = _public_raw(self._key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    def reencrypted(self, password: str) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password.encode("utf-8", "surrogatepass")))

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document with its ``signature`` member (over everything else)."""
        body = {k: v for k, v in document.items() if k != "signature"}
        sig = self._key.sign(canonical(body))
        return {**body, "signature": {"alg": ALG,
                                      "key": base64.b64encode(self.public).decode("ascii"),
                                      "sig": base64.b64encode(sig).decode("ascii")}}


def signed_by(document: Any, what: str) -> bytes | None:
    """The public key that signed ``document`` (a parsed JSON object), or None when it
    carries no signature. A signature that is malformed or does not verify raises
    ``FormatError``: the file was changed after it was signed."""
    if not isinstance(document, dict) or "signature" not in document:
        return None
    sig = document["signature"]
    bad = FormatError(f"{what}: its signature does not match its content (the file was "
                      "changed after your teacher signed it); nothing was imported")
    if not isinstance(sig, dict) or sig.get("alg") != ALG:
        raise bad
    try:
        public = base64.b64decode(str(sig.get("key", "")), validate=True)
        raw = base64.b64decode(str(sig.get("sig", "")), validate=True)
    except ValueError:
        raise bad from None
    if len(public) != 32 or len(raw) != 64:
        raise bad
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    body = {k: v for k, v in document.items() if k != "signature"}
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(raw, canonical(body))
    except (InvalidSignature, ValueError):
        raise bad from None
    return public
