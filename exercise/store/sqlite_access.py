"""How a session file is reached on disk: created private, never through a link, readable on read-only media.

Why each rule:
- A session file holds every team's private brief and messages; on one machine its permissions are the
  boundary between users, so a new file is 0600 and a folder made for it 0700, whatever the umask. SQLite
  gives the `-wal` and `-shm` files it creates the main file's permissions. Existing files keep the mode
  their owner gave them (`EventStore.privacy_note` says when others can read one).
- A session file may come from elsewhere (an archive from another organisation). A symbolic link in its
  place would make tabletop read, or append to, a file the sender chose, so the final path component must
  be a regular file, and it must still be the same file once SQLite has opened it.
- On a read-only file system (a USB stick, an archive mount) SQLite cannot create the WAL index (`-shm`)
  that reading a WAL-mode file normally needs. Reading then falls back to `immutable=1`, which reads the
  main file alone; that is only right when no `-wal` file holds newer transactions, so such a file is
  refused with what to do instead of shown without its latest events.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

from exercise.store.base import MAX_VALUE_BYTES, StoreError

BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another process's transaction before giving up
CACHE_KIB = 16 * 1024  # page cache per connection, set on every open: overrides a size baked into the file
# Room for the other columns of a row next to its largest value (SQLite applies the limit to whole rows).
_ROW_LIMIT = MAX_VALUE_BYTES + 1024 * 1024
_SQL_LIMIT = 64 * 1024  # the store's own statements are a few hundred characters

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def one_line(exc: BaseException) -> str:
    """An exception as one line of ASCII: SQLite quotes names from the file in its messages, and a hostile
    file may put terminal escape sequences in those names."""
    text = str(exc).encode("ascii", "backslashreplace").decode("ascii")
    return " ".join(text.split()) or type(exc).__name__


def lstat_session(path: Path) -> os.stat_result | None:
    """The file's own status (None when it does not exist), refusing a link or anything but a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot open: {exc.strerror or one_line(exc)}") from None
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(f"{path}: is a symbolic link; tabletop opens a session file only by its own path "
                         "(give the path of the file it points to)")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise StoreError(f"{path}: not a file ({kind})")
    return st


def write_problem(path: Path) -> str | None:
    """Why an existing session file cannot be written, in words, or None when it can.

    Asked before SQLite opens the file: SQLite silently opens such a file read-only and fails only later,
    as "unable to open database file" or "attempt to write a readonly database".
    """
    folder = path.absolute().parent
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except (OSError, AttributeError):
        pass  # no statvfs here (Windows): the access checks below still answer
    if not os.access(path, os.W_OK):  # its mode, an ACL, or the immutable attribute
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        companions = (Path(f"{path}-wal"), Path(f"{path}-shm"))
        if not all(os.access(c, os.W_OK) for c in companions):
            return "its folder is read-only (SQLite keeps a -wal and a -shm file beside it)"
    return None


def read_only_message(path: Path, problem: str) -> str:
    return (f"{path}: the session file is read-only ({problem}): tabletop log, verify, report and export can "
            "read it, but nothing can be added to it; copy it to a writable folder to continue the session")


def create_private(path: Path) -> None:
    """Create `path` as an empty file with mode 0600 (and its missing folders 0700), unless it exists."""
    _make_folders(path, path.absolute().parent)
    # O_EXCL alone already refuses a link in the file's place (even a dangling one); the rest are Unix-only.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return  # there already (a file, or a link planted meanwhile: the caller's lstat refuses the latter)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the session file: {_reason(exc)}") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # the umask can only take bits away, and might take the owner's own
    finally:
        os.close(fd)


def _make_folders(path: Path, folder: Path) -> None:
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, 0o700)
        except FileExistsError:
            continue  # made by someone else meanwhile: theirs, so its mode is left alone
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder {made}: {_reason(exc)}") from None
        os.chmod(made, 0o700)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return (exc.strerror or one_line(exc)).lower()


def connect(path: Path, query: str) -> sqlite3.Connection:
    """Autocommit connection (isolation_level=None) so that every BEGIN is ours and explicit.

    A URI with mode=rw keeps `open` from silently creating an empty file; as_uri() escapes ? and #.
    check_same_thread=False because the store serialises threads itself. The limits and pragmas make a
    hostile file cheap to refuse: no value longer than the store ever writes, a bounded page cache, no
    functions with side effects called from the file's schema, and cell sizes checked as pages are read.
    """
    uri = f"{path.resolve().as_uri()}?{query}"
    try:
        conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _ROW_LIMIT)
        # Also bounds the schema a file brings: SQLite parses every CREATE statement in it on first use.
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, _SQL_LIMIT)
        # Connection settings only: these read nothing from the file (cache_size does; see check_header).
        for pragma in (f"busy_timeout = {BUSY_TIMEOUT_MS}", "trusted_schema = OFF", "cell_size_check = ON"):
            conn.execute(f"PRAGMA {pragma}")
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open: {one_line(exc)}") from None
    return conn


def open_existing(path: Path, st: os.stat_result, write: bool | None) -> tuple[sqlite3.Connection, str | None]:
    """A connection to an existing session file, and why the store may not write through it (None: it may).

    write=True: it must be writable (else one plain line saying it is read-only); False: for reading only;
    None: writable when the file can be written, read-only otherwise.
    """
    problem = write_problem(path)
    if problem is not None and write:
        raise StoreError(read_only_message(path, problem))
    # A reader on a writable file still opens it read-write: the last connection to close then folds the
    # WAL back into the file and removes the -wal and -shm files, instead of leaving them behind.
    conn = connect(path, "mode=rw") if problem is None else _connect_read_only(path, problem)
    _same_file(path, st, conn)
    if problem is None and write is False:
        return conn, "it was opened for reading only"
    return conn, problem


def _connect_read_only(path: Path, problem: str) -> sqlite3.Connection:
    conn = connect(path, "mode=ro")
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # reads the header: where WAL needs its -shm file
        return conn
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
            return conn  # not about the WAL index: the header check that follows words it
        conn.close()
    wal = Path(f"{path}-wal")
    try:
        pending = wal.stat().st_size > 0
    except FileNotFoundError:
        pending = False
    except OSError as exc:
        raise StoreError(f"{path}: cannot read {wal.name}: {_reason(exc)}") from None
    if pending:
        raise StoreError(f"{path}: cannot be read here: its latest events are in {wal.name}, which SQLite reads "
                         f"only with a {path.name}-shm file it cannot create ({problem}); copy the files to a "
                         "writable folder and read them there")
    return connect(path, "mode=ro&immutable=1")


def _same_file(path: Path, before: os.stat_result, conn: sqlite3.Connection) -> None:
    """Refuse when the path was swapped (for a link, or another file) between our look and SQLite's open."""
    try:
        now = os.lstat(path)
    except OSError:
        now = None
    if now is None or stat.S_ISLNK(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
        conn.close()
        raise StoreError(f"{path}: the file was replaced while it was being opened; try again")


def privacy_note(path: Path) -> str | None:
    """A warning when users other than the owner may read the file, or None."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        return None
    if not mode & 0o077:
        return None
    who = "other users on this machine" if mode & 0o007 else "its group"
    return (f"{path}: mode {mode:04o}: {who} can open this session file (every team's private brief and "
            f"messages); `chmod 600 {path}` keeps it private")
