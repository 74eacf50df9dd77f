"""What the database keeps for files a teacher can trust (formats.md, "Threat model"):
class codes and their keys, the instructor's key pair, the instructor key a student
machine trusts, and the feedback sequence numbers. Settings rows and two columns of
``students`` (schema v4)."""

from __future__ import annotations

import base64

from app.core.record import record
from app.store.repo import Repo, now_iso

PUBLIC_KEY = "instructor_public_key"  # base64 of this database's own Ed25519 public key
PRIVATE_KEY = "instructor_private_key"  # its private key, PKCS #8 PEM under the password
TRUSTED_KEY = "trusted_instructor_key"  # base64 of the key a student machine trusts
TRUSTED_AT = "trusted_instructor_key_at"
KEY_USED = "instructor_key_used"  # when this database first signed a pack or feedback
FEEDBACK_SEQUENCE = "feedback_sequence"  # instructor: the last sequence number written
FEEDBACK_APPLIED = "feedback_applied"  # student machine: the last sequence imported


@record
class CodeRow:
    student_id: int
    name: str
    code: str  # as handed out ("" when none); instructor's database only
    key: bytes | None  # the code's key (PBKDF2), on either side


def code_rows(repo: Repo) -> list[CodeRow]:
    return [CodeRow(r[0], r[1], r[2], bytes.fromhex(r[3]) if r[3] else None)
            for r in repo.db.execute("SELECT id, name, class_code, code_key FROM students "
                                     "ORDER BY name COLLATE NOCASE")]


def set_code(repo: Repo, student_id: int, code: str, key: bytes) -> None:
    repo.db.execute("UPDATE students SET class_code = ?, code_key = ? WHERE id = ?",
                    [code, key.hex(), student_id])


def code_key(repo: Repo, student_id: int) -> bytes | None:
    row = repo.db.execute("SELECT code_key FROM students WHERE id = ?", [student_id]).fetchone()
    return bytes.fromhex(row[0]) if row and row[0] else None


def keys_by_student(repo: Repo) -> dict[int, bytes]:
    return {r[0]: bytes.fromhex(r[1]) for r in repo.db.execute(
        "SELECT id, code_key FROM students WHERE code_key != ''")}


# -- the instructor's key pair and the trusted key ----------------------------------
def own_public_key(repo: Repo) -> bytes | None:
    v = repo.setting(PUBLIC_KEY)
    return base64.b64decode(v) if v else None


def own_private_pem(repo: Repo) -> bytes | None:
    v = repo.setting(PRIVATE_KEY)
    return v.encode("ascii") if v else None


def set_key_pair(repo: Repo, public: bytes, private_pem: bytes) -> None:
    repo.set_setting(PUBLIC_KEY, base64.b64encode(public).decode("ascii"))
    repo.set_setting(PRIVATE_KEY, private_pem.decode("ascii"))


def mark_key_used(repo: Repo) -> None:
    """This database signed a file: it is an instructor's database from now on."""
    if not repo.setting(KEY_USED):
        repo.set_setting(KEY_USED, now_iso())


def is_instructors(repo: Repo) -> bool:
    """Has this database signed packs or feedback with its own key? (A student machine
    whose password school IT preset has a key pair too, but never signs.)"""
    return bool(repo.setting(KEY_USED)) and own_public_key(repo) is not None


def forget_key_pair(repo: Repo) -> None:
    repo.db.execute("DELETE FROM settings WHERE key IN (?, ?)", [PUBLIC_KEY, PRIVATE_KEY])


def trusted_key(repo: Repo) -> bytes | None:
    v = repo.setting(TRUSTED_KEY)
    return base64.b64decode(v) if v else None


def set_trusted_key(repo: Repo, public: bytes | None) -> None:
    if public is None:
        repo.db.execute("DELETE FROM settings WHERE key IN (?, ?, ?)",
                        [TRUSTED_KEY, TRUSTED_AT, FEEDBACK_APPLIED])
        return
    repo.set_setting(TRUSTED_KEY, base64.b64encode(public).decode("ascii"))
    repo.set_setting(TRUSTED_AT, now_iso())


def next_feedback_sequence(repo: Repo) -> int:
    n = int(repo.setting(FEEDBACK_SEQUENCE) or 0) + 1
    repo.set_setting(FEEDBACK_SEQUENCE, str(n))
    return n


def applied_sequence(repo: Repo) -> int:
    try:
        return int(repo.setting(FEEDBACK_APPLIED) or 0)
    except ValueError:  # a damaged row: nothing applied yet
        return 0


def set_applied_sequence(repo: Repo, n: int) -> None:
    repo.set_setting(FEEDBACK_APPLIED, str(n))
