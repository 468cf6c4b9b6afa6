"""Checks of the embedded index's files, made before tantivy reads them.

tantivy reads its segment files through mmap. A file truncated while it is mapped ends the whole process
with SIGBUS at the next read of the pages it lost, which no Python code can catch, and tantivy-py offers
no directory that reads files into memory instead. So the files are checked before tantivy maps them and
re-checked, one stat each, before every use: a mapped file whose size changed is never read again.

Every segment file tantivy writes ends with a footer: a JSON object holding the CRC-32 of the bytes
before it, then the JSON's length and a magic number (two little-endian u32). A file is admitted once
its footer is there and its CRC matches; afterwards only its stat is compared, and a file whose size
changed under the reader is damaged, whatever it now holds. A file rewritten in place at the same size
(a changed modification time or inode) is read through again.

What stays open: a file truncated while a search is reading it still ends the process: between the
stat and tantivy's read (microseconds), during the search, during its facet aggregation (which runs in
another thread and may go on a few milliseconds after the answer), or while a writer merges segments.
"""

from __future__ import annotations

import json
import os
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from indices.base import IndexDamagedError

FOOTER_MAGIC = 1337
FOOTER_TAIL = struct.Struct("<II")  # the footer JSON's length, then the magic number
# The files tantivy writes for each segment (a segment with deletions adds UUID.OPSTAMP.del).
COMPONENTS = (".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm")
CHUNK_BYTES = 1 << 20
META_FILE = "meta.json"
ADMIT_ATTEMPTS = 5  # commits another process may make while a reader checks the files of one


@dataclass(frozen=True, slots=True)
class Stamp:
    """What changes when a file is replaced or rewritten."""

    ino: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path | str) -> Stamp | None:
        try:
            status = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(status.st_ino, status.st_size, status.st_mtime_ns)


def segment_files(path: Path) -> list[str]:
    """The files of the segments meta.json names now: those a reader opened now maps."""
    try:
        meta = json.loads((path / META_FILE).read_text())
        segments = meta["segments"]
    except FileNotFoundError:
        return []  # no commit yet: no segment
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise damaged(path, META_FILE, f"unreadable ({error})") from None
    names = []
    for segment in segments:
        uuid = str(segment["segment_id"]).replace("-", "")
        names += [uuid + component for component in COMPONENTS]
        if segment.get("deletes"):
            names.append(f"{uuid}.{segment['deletes']['opstamp']}.del")
    return names


def file_problem(file: Path, *, whole: bool = True) -> str | None:
    """What is wrong with one segment file, or None: its footer must be there and, when ``whole``, the
    CRC-32 it records must be that of the bytes before it. The file is read, never mapped."""
    try:
        with file.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size < FOOTER_TAIL.size:
                return f"{size} bytes, shorter than its footer (truncated)"
            stream.seek(size - FOOTER_TAIL.size)
            length, magic = FOOTER_TAIL.unpack(stream.read(FOOTER_TAIL.size))
            body = size - FOOTER_TAIL.size - length
            if magic != FOOTER_MAGIC or body < 0:
                return "its footer is missing (truncated or overwritten)"
            stream.seek(body)
            crc = json.loads(stream.read(length))["crc"]
            if whole and _crc32(stream, body) != crc:
                return "its checksum does not match its content (overwritten)"
    except FileNotFoundError:
        return "missing"
    except (ValueError, KeyError, TypeError):
        return "its footer is unreadable (overwritten)"
    except OSError as error:
        return f"unreadable ({error.strerror})"
    return None


def _crc32(stream, length: int) -> int:
    stream.seek(0)
    crc, left = 0, length
    while left > 0:
        chunk = stream.read(min(CHUNK_BYTES, left))
        if not chunk:
            break
        crc, left = zlib.crc32(chunk, crc), left - len(chunk)
    return crc


def index_problems(path: Path) -> list[str]:
    """Every damaged file of the index's current segments, each file read through (what `jcm verify`
    and the service's start-up check)."""
    try:
        names = segment_files(path)
    except IndexDamagedError as error:
        return [str(error)]
    found = ((name, file_problem(path / name)) for name in names)
    return [f"{name}: {problem}" for name, problem in found if problem]


def damaged(path: Path, name: str, problem: str) -> IndexDamagedError:
    return IndexDamagedError(
        f"the search index in {path} is damaged: {name}: {problem}; it must be rebuilt from the catalog "
        "(`jcm reindex`)"
    )


class FileGuard:
    """The files a reader of the index maps, as they were when they were checked whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._files: dict[str, Stamp] = {}
        self._locations: list[tuple[str, str]] = []  # (name, full path) of each admitted file
        self._meta: Stamp | None = None
        self._lock = threading.Lock()  # searches check from many threads

    def admit(self) -> None:
        """Check the files of the segments meta.json names now and remember them: call before tantivy
        (re)loads them. A file not seen before is read through; one already admitted is only stat'ed.

        A writer in another process may commit meanwhile and remove files of the segments it merged away:
        a file gone while meta.json changed under the check is no damage, and the new segments are
        checked instead."""
        with self._lock:
            for attempt in range(ADMIT_ATTEMPTS):
                meta = Stamp.of(self.path / META_FILE)
                try:
                    files = {name: self._checked(name) for name in segment_files(self.path)}
                except IndexDamagedError:
                    if attempt + 1 < ADMIT_ATTEMPTS and Stamp.of(self.path / META_FILE) != meta:
                        continue
                    raise
                break
            self._files, self._meta = files, meta
            self._locations = [(name, str(self.path / name)) for name in files]

    def recheck(self) -> None:
        """Every admitted file still as it was admitted: a stat each, cheap enough for every search."""
        with self._lock:
            for name, location in self._locations:
                current = Stamp.of(location)
                if current is None and Stamp.of(self.path / META_FILE) != self._meta:
                    return  # a commit replaced the segments (and removed old files): admit() comes next
                if current != self._files[name]:
                    self._files[name] = self._checked(name)

    def verify_whole(self) -> None:
        """Every admitted file read through again (after tantivy failed on one of them)."""
        with self._lock:
            for name in self._files:
                problem = file_problem(self.path / name)
                if problem:
                    raise damaged(self.path, name, problem)

    def _checked(self, name: str) -> Stamp:
        known = self._files.get(name)
        current = Stamp.of(self.path / name)
        if current is None:
            raise damaged(self.path, name, "missing")
        if current == known:
            return current
        if known is not None and known.ino == current.ino and known.size != current.size:
            # The case that crashes a reader: its mapping now runs past the end of the file.
            change = f"its size changed from {known.size} to {current.size} bytes while in use"
            raise damaged(self.path, name, f"{change} (truncated or overwritten)")
        problem = file_problem(self.path / name)
        if problem:
            raise damaged(self.path, name, problem)
        return current
