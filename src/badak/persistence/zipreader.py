"""Reading the zip layer of a model file by hand, checking every offset before reading any data.

A ``.npz`` file is a zip archive: the entries' data, each after a small *local header*, then the
*central directory* listing every entry (name, sizes, CRC-32, where its local header is), then the
*end of central directory* record that says where the directory is. Python's :mod:`zipfile`
believes these numbers: an entry that claims 10¹² bytes, or entries whose data overlap (each
entry's data holding the next entries, a "zip bomb" that re-reads the same bytes many times),
make it allocate or read far more than the file holds before anything is refused.

:func:`read_entries` trusts nothing. It reads the end record and the directory, checks that every
entry is stored (not compressed), not encrypted and of a zip version badak writes, that its local
header agrees with the directory, and that every entry's data lies inside the file, before the
directory, and overlaps no other entry. Only then does it read each entry's bytes, once, and
check their CRC-32. The memory it uses is therefore at most the size of the file, whatever the
file claims.

Sources: PKWARE, "APPNOTE.TXT - .ZIP File Format Specification", version 6.3.10, sections
4.3.6 (overall layout), 4.3.7 (local file header), 4.3.12 (central directory), 4.3.14-4.3.16
(zip64 and end of central directory records), 4.4.4 (general purpose bit flags).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from badak.i18n import N_
from badak.i18n.localized import Localized, Phrase

_EOCD = struct.Struct("<4sHHHHIIH")              # end of central directory record, 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sIQI")         # zip64 end of central directory locator, 20
_ZIP64_EOCD = struct.Struct("<4sQHHIIQQQQ")      # zip64 end of central directory record, 56
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory file header, 46 bytes
_LOCAL = struct.Struct("<4sHHHHHIIIHH")          # local file header, 30 bytes

_MAX_COMMENT = 0xFFFF
_ZIP64_VERSION = 45       # "version needed to extract" of zip64 entries; badak needs no more
_ALLOWED_FLAGS = 0x0808   # bit 3: sizes in a data descriptor; bit 11: UTF-8 names


class ZipLayoutError(Localized, ValueError):
    """The zip structure of a file is damaged or uses features badak model files never use.

    Its message is an ``N_`` template plus values, so that it can be said in Korean too
    (:mod:`badak.i18n.localized`).
    """

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


@dataclass(frozen=True)
class Entry:
    """One stored entry: its name and where its data lie in the file."""

    name: str
    data_offset: int
    size: int
    crc: int


def _read_at(f: BinaryIO, offset: int, n: int, what: Phrase) -> bytes:
    f.seek(offset)
    data = f.read(n)
    if len(data) != n:
        raise ZipLayoutError(N_("the file ends inside the {what}"), what=what)
    return data


def _end_record(f: BinaryIO, file_size: int) -> tuple[int, int, int, int]:
    """(number of entries, directory offset, directory size, where the directory must end)."""
    tail_start = max(0, file_size - _EOCD.size - _MAX_COMMENT)
    tail = _read_at(f, tail_start, file_size - tail_start,
                    Phrase(N_("end of central directory record")))
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0 and at + _EOCD.size + struct.unpack_from("<H", tail, at + 20)[0] != len(tail):
        at = tail.rfind(b"PK\x05\x06", 0, at)        # a signature inside a comment: look back
    if at < 0:
        raise ZipLayoutError(N_("its zip directory (at the end of the file) is missing: the "
                                "file is truncated or is not a zip archive"))
    (_, disk, cd_disk, n_disk, n_entries, cd_size, cd_offset,
     _) = _EOCD.unpack_from(tail, at)
    eocd_offset = tail_start + at
    directory_end = eocd_offset
    if 0xFFFF in (n_entries, n_disk) or 0xFFFFFFFF in (cd_size, cd_offset):
        if eocd_offset < _ZIP64_LOCATOR.size:
            raise ZipLayoutError(N_("its zip64 end record locator is missing"))
        sig, disk64, record_offset, _ = _ZIP64_LOCATOR.unpack(_read_at(
            f, eocd_offset - _ZIP64_LOCATOR.size, _ZIP64_LOCATOR.size, Phrase(N_("zip64 locator"))))
        if sig != b"PK\x06\x07" or record_offset + _ZIP64_EOCD.size > eocd_offset:
            raise ZipLayoutError(N_("its zip64 end record locator is damaged"))
        (sig, _, _, _, disk, cd_disk, n_disk, n_entries, cd_size,
         cd_offset) = _ZIP64_EOCD.unpack(_read_at(f, record_offset, _ZIP64_EOCD.size,
                                                  Phrase(N_("zip64 end record"))))
        if sig != b"PK\x06\x06":
            raise ZipLayoutError(N_("its zip64 end record is damaged"))
        directory_end = record_offset
    if disk != 0 or cd_disk != 0 or n_disk != n_entries:
        raise ZipLayoutError(N_("it claims to span several disks, which badak files never do"))
    if cd_offset + cd_size != directory_end:
        raise ZipLayoutError(N_("its zip directory claims {cd_size} bytes at offset "
                                "{cd_offset}, which does not end where the end record begins "
                                "({directory_end}); the file is truncated or damaged"),
                             cd_size=cd_size, cd_offset=cd_offset, directory_end=directory_end)
    if n_entries * _CENTRAL.size > cd_size:
        raise ZipLayoutError(N_("its zip directory claims {n_entries} entries in {cd_size} "
                                "bytes"), n_entries=n_entries, cd_size=cd_size)
    return n_entries, cd_offset, cd_size, directory_end


def _zip64_values(extra: bytes, wanted: int, name: str) -> list[int]:
    """The ``wanted`` 8-byte values of the zip64 extra field (header id 1) in ``extra``."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        if kind == 1:
            if size < 8 * wanted or at + 4 + size > len(extra):
                break
            return list(struct.unpack_from(f"<{wanted}Q", extra, at + 4))
        at += 4 + size
    raise ZipLayoutError(N_("entry {name!r} lacks the zip64 sizes its directory record "
                            "announces"), name=name)


def _flags_problem(flags: int) -> Phrase:
    if flags & 0x0041:
        return Phrase(N_("is encrypted"))
    return Phrase(N_("uses zip features badak never writes (general purpose flags "
                     "0x{flags:04x})"), flags=flags)


def _directory(f: BinaryIO, n_entries: int, cd_offset: int, cd_size: int) -> list[tuple]:
    """Parse the central directory: (name, local header offset, size, crc, flags) per entry."""
    raw = _read_at(f, cd_offset, cd_size, Phrase(N_("zip directory")))
    records, at = [], 0
    for _ in range(n_entries):
        if at + _CENTRAL.size > len(raw):
            raise ZipLayoutError(N_("its zip directory is shorter than the entries it lists"))
        (sig, _, version, flags, method, _, _, crc, csize, usize, name_len, extra_len,
         comment_len, disk, _, _, offset) = _CENTRAL.unpack_from(raw, at)
        if sig != b"PK\x01\x02":
            raise ZipLayoutError(N_("its zip directory is damaged (bad record signature at "
                                    "offset {offset})"), offset=cd_offset + at)
        end = at + _CENTRAL.size + name_len + extra_len + comment_len
        if end > len(raw):
            raise ZipLayoutError(N_("its zip directory is shorter than the entries it lists"))
        raw_name = raw[at + _CENTRAL.size:at + _CENTRAL.size + name_len]
        extra = raw[at + _CENTRAL.size + name_len:at + _CENTRAL.size + name_len + extra_len]
        try:
            name = raw_name.decode("utf-8" if flags & 0x0800 else "cp437")
        except UnicodeDecodeError as e:
            raise ZipLayoutError(N_("an entry name is not valid UTF-8 ({error})"),
                                 error=e) from e
        if flags & ~_ALLOWED_FLAGS:
            raise ZipLayoutError(N_("entry {name!r} {problem}"), name=name,
                                 problem=_flags_problem(flags))
        if version & 0xFF > _ZIP64_VERSION:
            raise ZipLayoutError(N_("entry {name!r} needs zip version {version:g} to extract; "
                                    "badak files need at most {most:g}"), name=name,
                                 version=(version & 0xFF) / 10, most=_ZIP64_VERSION / 10)
        if method != 0:
            raise ZipLayoutError(N_("entry {name!r} is compressed (zip method {method}); badak "
                                    "model files store arrays uncompressed, as numpy.savez "
                                    "writes them"), name=name, method=method)
        big = [v == 0xFFFFFFFF for v in (usize, csize, offset)]
        if any(big):
            values = iter(_zip64_values(extra, sum(big), name))
            usize, csize, offset = (next(values) if b else v
                                    for b, v in zip(big, (usize, csize, offset)))
        if disk not in (0, 0xFFFF) or usize != csize:
            raise ZipLayoutError(N_("entry {name!r} has inconsistent sizes ({csize} stored, "
                                    "{usize} uncompressed) for an uncompressed entry"),
                                 name=name, csize=csize, usize=usize)
        records.append((name, offset, csize, crc, flags))
        at = end
    return records


def read_entries(f: BinaryIO, file_size: int) -> list[Entry]:
    """List the entries of the zip archive ``f``, every offset and size checked against the file.

    Raises :class:`ZipLayoutError` for a missing or damaged directory, an entry that is
    compressed, encrypted or needs a newer zip version, a local header that disagrees with the
    directory, and data that lie outside the file, inside the directory or over another entry.
    """
    n_entries, cd_offset, cd_size, _ = _end_record(f, file_size)
    records = _directory(f, n_entries, cd_offset, cd_size)
    entries, previous_end = {}, 0
    for index, (name, offset, size, crc, flags) in sorted(enumerate(records),
                                                          key=lambda r: r[1][1]):
        if offset < previous_end:
            raise ZipLayoutError(N_("entry {name!r} starts at offset {offset}, inside the data "
                                    "of the entry before it (which ends at {previous_end}): the "
                                    "entries overlap, as in a zip bomb"),
                                 name=name, offset=offset, previous_end=previous_end)
        if offset + _LOCAL.size > cd_offset:
            raise ZipLayoutError(N_("entry {name!r} claims a local header at offset {offset}, "
                                    "beyond the data part of the file ({cd_offset} bytes)"),
                                 name=name, offset=offset, cd_offset=cd_offset)
        (sig, _, local_flags, method, _, _, _, _, _, name_len,
         extra_len) = _LOCAL.unpack(_read_at(f, offset, _LOCAL.size, Phrase(N_("local header"))))
        data_offset = offset + _LOCAL.size + name_len + extra_len
        if sig != b"PK\x03\x04" or method != 0 or local_flags != flags or \
                data_offset > cd_offset or \
                _read_at(f, offset + _LOCAL.size, name_len, Phrase(N_("local header"))) != \
                name.encode("utf-8" if flags & 0x0800 else "cp437"):
            raise ZipLayoutError(N_("the local header of entry {name!r} (at offset {offset}) "
                                    "does not match its directory record"),
                                 name=name, offset=offset)
        if data_offset + size > cd_offset:
            raise ZipLayoutError(N_("entry {name!r} claims {size} bytes at offset "
                                    "{data_offset}, but the data part of the file has only "
                                    "{cd_offset} bytes"), name=name, size=size,
                                 data_offset=data_offset, cd_offset=cd_offset)
        entries[index] = Entry(name, data_offset, size, crc)
        previous_end = data_offset + size
    return [entries[i] for i in range(len(records))]      # in directory order


def read_data(f: BinaryIO, entry: Entry) -> bytearray:
    """The bytes of ``entry`` (checked by :func:`read_entries`), their CRC-32 verified."""
    f.seek(entry.data_offset)
    data = bytearray(entry.size)
    if f.readinto(data) != entry.size:
        raise ZipLayoutError(N_("the file ends inside entry {name!r}"), name=entry.name)
    if zlib.crc32(data) != entry.crc:
        raise ZipLayoutError(N_("Bad CRC-32 for file {name!r}"), name=entry.name)
    return data
