"""Is a folder on a network file system? SQLite's WAL mode needs shared memory that
SMB/CIFS, NFS and the like do not provide, so a database there must use the rollback
journal instead (``db._connect``).

``fs_type_in_mountinfo`` is a pure function over the text of Linux's
``/proc/self/mountinfo``; ``network_fs_type`` applies it (or a best-effort check on
Windows and macOS) to a real folder.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePosixPath

NETWORK_TYPES = frozenset({
    "cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "afpfs", "ncpfs", "davfs",
    "9p", "fuse.sshfs", "sshfs", "fuse.davfs2", "fuse.rclone", "webdav",
})
_OCTAL = re.compile(r"\\([0-7]{3})")


def is_network_type(fstype: str) -> bool:
    return fstype.lower() in NETWORK_TYPES


def _unescape(field: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as ``\\ooo``."""
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def fs_type_in_mountinfo(path: str, mountinfo: str) -> str | None:
    """The file-system type of the mount holding ``path`` (absolute, resolved), by the
    longest mount point that contains it; None when no line applies.

    Line format (proc(5)): ``id parent major:minor root mount-point options
    [optional fields…] - fstype source super-options``.
    """
    target = PurePosixPath(path)
    best: tuple[int, str] | None = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) < 7 or "-" not in fields[6:]:
            continue
        sep = fields.index("-", 6)
        if sep + 1 >= len(fields):
            continue
        mount = PurePosixPath(_unescape(fields[4]))
        if target != mount and mount not in target.parents:
            continue
        depth = len(mount.parts)
        if best is None or depth >= best[0]:  # later lines stack over earlier ones
            best = (depth, fields[sep + 1])
    return best[1] if best else None


def is_unc_path(path: str) -> bool:
    r"""``\\server\share\…`` or ``//server/share/…`` (not ``\\?\C:\…``, a local path)."""
    p = path.replace("/", "\\")
    if not p.startswith("\\\\") or len(p) < 3:
        return False
    if p.startswith("\\\\?\\") or p.startswith("\\\\.\\"):
        return p[4:].upper().startswith("UNC\\")
    return True


def network_fs_type(folder: str | os.PathLike[str]) -> str | None:
    """The network file-system type of ``folder`` (or of its nearest existing parent),
    or None when it is local or cannot be told."""
    raw = os.fspath(folder)
    if is_unc_path(raw):
        return "smb"
    p = Path(raw)
    while not p.exists() and p.parent != p:
        p = p.parent
    try:
        p = p.resolve()
    except OSError:
        return None
    if is_unc_path(str(p)):
        return "smb"
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
                fstype = fs_type_in_mountinfo(str(p), f.read())
        elif sys.platform == "win32":
            fstype = _windows_drive_type(str(p))
        elif sys.platform == "darwin":
            fstype = _macos_fs_type(str(p))
        else:
            fstype = None
    except OSError:
        return None
    return fstype if fstype and is_network_type(fstype) else None


def _windows_drive_type(path: str) -> str | None:
    """A mapped network drive (``Z:``) is DRIVE_REMOTE to GetDriveTypeW."""
    import ctypes

    drive = os.path.splitdrive(path)[0]
    if not drive:
        return None
    kind = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")  # type: ignore[attr-defined]
    return "smb" if kind == 4 else None


def _macos_fs_type(path: str) -> str | None:
    """``f_fstypename`` of statfs(2) (64-bit struct layout): "smbfs", "nfs", "afpfs"…"""
    import ctypes
    import ctypes.util

    class StatFs(ctypes.Structure):
        _fields_ = [("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32),
                    ("f_blocks", ctypes.c_uint64), ("f_bfree", ctypes.c_uint64),
                    ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
                    ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2),
                    ("f_owner", ctypes.c_uint32), ("f_type", ctypes.c_uint32),
                    ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
                    ("f_fstypename", ctypes.c_char * 16),
                    ("f_mntonname", ctypes.c_char * 1024),
                    ("f_mntfromname", ctypes.c_char * 1024),
                    ("f_reserved", ctypes.c_uint32 * 8)]

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fn = getattr(libc, "statfs$INODE64", None) or libc.statfs
        buf = StatFs()
        if fn(os.fsencode(path), ctypes.byref(buf)) != 0:
            return None
        return buf.f_fstypename.decode("ascii", "replace") or None
    except (OSError, AttributeError, ValueError):
        return None
