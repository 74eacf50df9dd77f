"""The instructor's key pair and the key a student machine trusts (formats.md,
"Signatures"): created with the password, unlocked with it, re-encrypted when it
changes, recorded on a student machine from the first signed pack it imports.

While instructor mode is open the unlocked key is kept in memory (``remember``), so that
exports made in the app are signed without asking for the password again.
"""

from __future__ import annotations

import os

from app.core.errors import UserError
from app.store import trust_repo
from app.store.repo import Repo

_SESSION: dict[str, object] = {}  # database path -> app.core.signing.Signer


def _where(repo: Repo) -> str:
    return os.path.realpath(os.fspath(repo.database.path))


def fingerprint_of(public: bytes | None) -> str:
    if public is None:
        return ""
    from app.core.signing import fingerprint

    return fingerprint(public)


def create_key_pair(repo: Repo, password: str):
    """A new key pair under ``password`` (the password was just set); returns the signer."""
    from app.core.signing import Signer, new_key_pair

    public, private = new_key_pair(password)
    trust_repo.set_key_pair(repo, public, private)
    signer = Signer(private, password)
    remember(repo, signer)
    return signer


def unlock(repo: Repo, password: str):
    """The signer for this database's key pair, made now if the database has a password
    but no key pair yet (one from before signatures); None when it has neither."""
    pem = trust_repo.own_private_pem(repo)
    if pem is None:
        if not repo.setting("instructor_password"):
            return None
        return create_key_pair(repo, password)
    from app.core.signing import Signer

    try:
        signer = Signer(pem, password)
    except ValueError:
        raise UserError("the instructor key cannot be unlocked with that password") from None
    remember(repo, signer)
    return signer


def password_changed(repo: Repo, old_password: str | None, new_password: str) -> None:
    """Keep the key pair under the new password (a new pair when the old one cannot be
    unlocked: first password, or after a reset)."""
    signer = session_signer(repo)
    if signer is None and old_password is not None and trust_repo.own_private_pem(repo):
        try:
            signer = unlock(repo, old_password)
        except UserError:
            signer = None
    if signer is None:
        create_key_pair(repo, new_password)
        return
    trust_repo.set_key_pair(repo, signer.public, signer.reencrypted(new_password))


def password_reset(repo: Repo) -> None:
    """The password is forgotten: so is the private key (nobody can unlock it)."""
    trust_repo.forget_key_pair(repo)
    forget(repo)


def remember(repo: Repo, signer) -> None:
    _SESSION[_where(repo)] = signer


def forget(repo: Repo) -> None:
    _SESSION.pop(_where(repo), None)


def session_signer(repo: Repo):
    """The key unlocked in this session (instructor mode is open), or None."""
    signer = _SESSION.get(_where(repo))
    if signer is not None and trust_repo.own_public_key(repo) != signer.public:
        forget(repo)  # the database's key changed under us
        return None
    return signer


# -- a student machine's trust ---------------------------------------------------
def pack_signature(repo: Repo, public: bytes, trust: bool = False) -> str:
    """What a signed pack's key means here; with ``trust`` (an explicit act: ``lessons
    import --trust``, or the box in the import preview) this computer from then on takes
    feedback signed by it. A line for the import report."""
    own = trust_repo.own_public_key(repo)
    trusted = trust_repo.trusted_key(repo)
    fp = fingerprint_of(public)
    if public == own:
        return ""  # the instructor's own pack, back on the instructor's database
    if trust:
        if trust_repo.is_instructors(repo):
            raise UserError("this is an instructor's database (it signs its own packs and "
                            "feedback), so it trusts no other key for feedback; import "
                            "without --trust")
        trust_repo.set_trusted_key(repo, public)
        if trusted is not None and trusted != public:
            return (f"Signed by the instructor key {fp}; this computer now takes feedback "
                    f"signed by it (instead of {fingerprint_of(trusted)}).")
        return f"Signed by the instructor key {fp}; this computer now takes feedback signed by it."
    if trusted == public:
        return f"Signed by your teacher's key {fp}."
    if trusted is None and not trust_repo.is_instructors(repo):
        return (f"Signed by the instructor key {fp}. To take feedback signed by it on this "
                "computer, compare it with Help › About on the teacher's computer and import "
                "the pack again with --trust.")
    return f"Signed by another instructor key ({fp}); it gives no feedback here."


def describe(repo: Repo) -> list[str]:
    """What *About* and ``instructor trust`` say."""
    out = [f"This computer's id: {repo.machine_id()[:8]}"]
    own = trust_repo.own_public_key(repo)
    if own is not None:
        out.append(f"Instructor key of this database: {fingerprint_of(own)}")
    trusted = trust_repo.trusted_key(repo)
    if trusted is not None:
        out.append(f"Trusted instructor key (feedback must be signed by it): "
                   f"{fingerprint_of(trusted)}")
    elif own is None:
        out.append("No instructor key trusted yet: your teacher sets it when importing "
                   "their lesson pack here (with trust).")
    return out
