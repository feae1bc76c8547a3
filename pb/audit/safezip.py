"""Reading an audit package's zip so that every tool sees the same files, and none runs away.

Zip readers disagree on malformed archives. Python's zipfile returns the *last* entry of a
duplicated name, `unzip` extracts the *first*; a local header can name a different file from
the central directory; bytes can hide between entries, before the first or after the last.
An attacker who controls the zip can then show an auditor one package and pb another. So the
reader accepts only archives in which there is exactly one way to read them:

- every name appears once, and is one of the package's own files (no others, no folders);
- the entries lie back to back from byte 0 to the central directory, each local header naming
  the same file, sizes and method as the directory (nothing hidden between or before them);
- stored or deflated only, not encrypted.

And so that a small zip cannot expand into gigabytes (a zip bomb), sizes are capped from the
central directory *before* anything is decompressed: per file, in total, and by compression
ratio; then reading stops at the declared size, so a directory that lies about a size cannot
get past the caps either. CRCs are checked by zipfile as each file is read.
"""

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pb.audit.speech import _, ngettext, number

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 20

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


@dataclass(frozen=True)
class Limits:
    """The most a package may hold. A million-ballot pot's ballots.pb is about 60 MB."""

    archive: int = 2 * GIB
    total: int = 2 * GIB
    per_file: dict[str, int] = field(
        default_factory=lambda: {
            "manifest.json": 1 * MIB,
            "results.json": 64 * MIB,
            "SHA256SUMS": 64 * KIB,
            "SHA256SUMS.sig": 4 * KIB,
        }
    )
    default_file: int = 1 * GIB
    # DEFLATE gets text like ours down 3 to 10 times; bombs reach 1,000 times.
    ratio: int = 100
    ratio_from: int = 1 * MIB  # tiny files may compress well without being a threat

    def for_file(self, name: str) -> int:
        return self.per_file.get(name, self.default_file)


class UnsafeZip(Exception):
    """The archive cannot be read one way only, or is too large; the message says why."""


def read(path: str | Path, allowed: set[str], limits: Limits | None = None) -> dict[str, bytes]:
    """The files of the zip at `path`, by name; raise UnsafeZip when it is not one clear
    archive of `allowed` names within `limits`."""
    limits = limits or Limits()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnsafeZip(
            _("cannot open the zip: %(problem)s", problem=exc.strerror or exc)
        ) from None
    if size > limits.archive:
        raise UnsafeZip(
            ngettext(
                "the zip is %(num)s byte, more than the %(limit)s allowed",
                "the zip is %(num)s bytes, more than the %(limit)s allowed",
                size,
                limit=number(limits.archive),
            )
        )
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
            infos = archive.infolist()
            _check_names(infos, allowed)
            _check_sizes(infos, limits)
            _check_layout(raw, infos, archive.start_dir)
            return {info.filename: _read_capped(archive, info) for info in infos}
    except UnsafeZip:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as exc:
        raise UnsafeZip(_("not a readable zip: %(problem)s", problem=exc)) from None
    except (OSError, NotImplementedError, ValueError, RuntimeError) as exc:
        raise UnsafeZip(_("cannot read the zip: %(problem)s", problem=exc)) from None


def _check_names(infos, allowed: set[str]) -> None:
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name in seen:
            raise UnsafeZip(
                _(
                    "%(file)s appears more than once: zip tools disagree on which to read",
                    file=name,
                )
            )
        seen.add(name)
        if name not in allowed:
            raise UnsafeZip(
                _("unexpected entry %(file)s: not one of the package's files", file=repr(name))
            )


def _check_sizes(infos, limits: Limits) -> None:
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeZip(_("%(file)s is encrypted", file=info.filename))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeZip(
                _(
                    "%(file)s uses compression method %(method)s",
                    file=info.filename,
                    method=info.compress_type,
                )
            )
        cap = limits.for_file(info.filename)
        if info.file_size > cap:
            raise UnsafeZip(
                ngettext(
                    "%(file)s would be %(num)s byte, over %(limit)s",
                    "%(file)s would be %(num)s bytes, over %(limit)s",
                    info.file_size,
                    file=info.filename,
                    limit=number(cap),
                )
            )
        if info.file_size > limits.ratio_from and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeZip(
                _(
                    "%(file)s would expand %(ratio)s times (a zip bomb?); at most %(limit)s is "
                    "allowed",
                    file=info.filename,
                    ratio=number(info.file_size // max(info.compress_size, 1)),
                    limit=number(limits.ratio),
                )
            )
        total += info.file_size
    if total > limits.total:
        raise UnsafeZip(
            ngettext(
                "the files would be %(num)s byte in all, over %(limit)s",
                "the files would be %(num)s bytes in all, over %(limit)s",
                total,
                limit=number(limits.total),
            )
        )


def _check_layout(raw, infos, start_dir: int) -> None:
    """Entries back to back from byte 0 to the central directory; local headers agree."""
    offset = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != offset:
            raise UnsafeZip(
                ngettext(
                    "%(num)s byte before %(file)s belongs to no entry (hidden data?)",
                    "%(num)s bytes before %(file)s belong to no entry (hidden data?)",
                    offset,
                    file=info.filename,
                )
            )
        raw.seek(offset)
        header = raw.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            raise UnsafeZip(_("%(file)s: its local header is cut short", file=info.filename))
        magic, _v, flags, method, _t, _d, crc, csize, usize, name_len, extra_len = (
            _LOCAL_HEADER.unpack(header)
        )
        name = raw.read(name_len)
        extra = raw.read(extra_len)
        if 0xFFFFFFFF in (csize, usize):  # zip64: the real sizes are in the extra field
            usize, csize = _zip64_sizes(extra, usize, csize)
        if magic != _LOCAL_MAGIC:
            raise UnsafeZip(
                _("%(file)s: no local header where the directory says", file=info.filename)
            )
        encoding = "utf-8" if flags & 0x800 else "cp437"
        if name.decode(encoding, errors="replace") != info.filename or method != (
            info.compress_type
        ):
            raise UnsafeZip(
                _("%(file)s: the local header describes a different file", file=info.filename)
            )
        if not flags & 0x8 and (crc, csize, usize) != (
            info.CRC,
            info.compress_size,
            info.file_size,
        ):
            raise UnsafeZip(_("%(file)s: the local header gives other sizes", file=info.filename))
        offset += _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
        if flags & 0x8:  # a data descriptor follows the data: 12 or 16 bytes (zip64: 20 or 24)
            raw.seek(offset)
            signature = raw.read(4)
            offset += 4 if signature == b"PK\x07\x08" else 0
            offset += 20 if info.file_size >= 0xFFFFFFFF else 12
    if offset != start_dir:
        raise UnsafeZip(
            ngettext(
                "%(num)s byte between the last entry and the directory belongs to no entry "
                "(hidden data?)",
                "%(num)s bytes between the last entry and the directory belong to no entry "
                "(hidden data?)",
                abs(start_dir - offset),
            )
        )


def _zip64_sizes(extra: bytes, usize: int, csize: int) -> tuple[int, int]:
    """The sizes a local header keeps in its zip64 extra field (id 1), in that order."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if kind == 1:
            values = [struct.unpack_from("<Q", body, i)[0] for i in range(0, len(body) - 7, 8)]
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            break
        at += 4 + length
    return usize, csize


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The file's bytes, never more than its declared size (zipfile checks the CRC)."""
    parts, left = [], info.file_size
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(min(_CHUNK, left + 1))
            if not chunk:
                break
            left -= len(chunk)
            if left < 0:
                raise UnsafeZip(_("%(file)s holds more than its declared size", file=info.filename))
            parts.append(chunk)
    return b"".join(parts)
