"""Reading a file that came from someone else: a regular file, of bounded size, never a FIFO or a device.

Every reader of outside files (scenarios, libraries, scripts, MSEL sheets, the scenario listing) goes through
`read_bounded`, so the checks are made once and in the order that closes the races:

- the file is opened with O_NONBLOCK, so opening a FIFO returns at once instead of waiting for a writer;
- its kind and size are taken from the opened descriptor (fstat), not from the name, so the file that is
  checked is the file that is read;
- at most `limit + 1` bytes are read, so a file that grows while it is read (or lies about its size, as
  /proc files do) still costs no more than the limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class UnsafeFile(Exception):
    """A file refused before (or while) reading it: `code` for the diagnostic, a message that quotes nothing of it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: Path | str, limit: int, *, head: bool = False, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; with `head`, its first `limit` bytes whatever its size.

    Raises FileNotFoundError when there is no such file, UnsafeFile ('not-a-file', 'too-large') when it is
    refused, and OSError for anything else the system refuses (permissions, a name too long).
    `follow=False` refuses a symbolic link as the last part of the name (O_NOFOLLOW): a caller that has
    resolved and checked the name itself opens exactly what it checked.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise UnsafeFile("not-a-file", "it changed into a symbolic link while it was being read") from None
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing: nothing to read
            raise UnsafeFile("not-a-file", "it is not a regular file") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile("not-a-file", f"it is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit and not head:
            raise UnsafeFile("too-large", f"the file is {info.st_size} bytes; the limit is {limit}")
        # The descriptor was opened non-blocking only so that a FIFO could not hang the open; a regular
        # file never blocks, so the flag changes nothing from here on.
        chunks: list[bytes] = []
        got = 0
        want = limit if head else limit + 1
        while got < want:
            chunk = os.read(fd, min(1 << 20, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        data = b"".join(chunks)
        if len(data) > limit and not head:
            raise UnsafeFile("too-large", f"the file is more than {limit} bytes; the limit is {limit}")
        return data
    finally:
        os.close(fd)
