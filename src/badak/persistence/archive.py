"""The container of a badak model file: a ``.npz`` archive that is read without unpickling.

A badak model file is what :func:`numpy.savez` writes: a zip archive of ``.npy`` arrays, stored
uncompressed. The first entry, ``__badak__``, is a ``uint8`` array holding UTF-8 JSON (the
*header*: format name and version, the architecture, the names, shapes and dtypes of the arrays,
a SHA-256 checksum of them, ``sha256``, and one of the header itself, ``header_sha256``); the other
entries are plain numeric arrays, stored little-endian.

Reading such a file safely means trusting nothing in it:

* the first bytes are checked before anything else, so a Python pickle (``torch.save``,
  ``pickle.dump``, ``joblib``) is recognised and refused: unpickling can run arbitrary code;
* the zip layer is read by :mod:`badak.persistence.zipreader`, which checks every entry's
  offsets and sizes against the file before reading any data, so that reading takes memory of
  about the size of the file, whatever it claims;
* every ``.npy`` entry is parsed by hand: its header (a Python literal, read by NumPy's
  ``read_array_header_*``) gives dtype and shape; object dtypes are refused before any byte of data
  is read, and the declared size must equal the stored size, so that a forged shape cannot make
  badak allocate terabytes;
* zip CRC-32 checks and the two SHA-256 checksums catch flipped bytes and hand edits (files
  written before ``header_sha256`` existed are read without it); a missing end-of-archive
  record gives away a truncated file.

Every problem raises :class:`ModelFileError` (a ``ValueError``) naming the file and saying what is
wrong with it.

Sources: the ``.npy`` format specification (NEP 1, ``numpy.lib.format``); the zip format
(PKWARE APPNOTE); the Python ``pickle`` documentation's warning: "Never unpickle data that could
have come from an untrusted source".
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import struct
import zlib

import numpy as np

from badak.i18n import N_
from badak.i18n.localized import Localized, Phrase
from badak.persistence.atomic import atomic_write
from badak.persistence.zipreader import ZipLayoutError, read_data, read_entries

HEADER_ENTRY = "__badak__"
FORMAT_NAME = "badak-model"
FORMAT_VERSION = 1
ARRAY_KINDS = "biuf"   # bool, signed and unsigned integers, floats: never objects or structs

_ZIP_MAGIC = b"PK\x03\x04"
_PICKLE_REFUSAL = Phrase(N_("which badak never loads because unpickling can run code"))


class ModelFileError(Localized, ValueError):
    """A model or checkpoint file that badak refuses to load, with the reason in the message.

    Raised for files that are truncated, corrupted (flipped bytes), not a badak file at all (for
    example a pickle), of an unknown format version, or whose contents do not fit the
    architecture they describe. Loading never executes code from the file.

    ``ModelFileError(N_("{where} is corrupted"), where=path)``: ``str(error)`` is the English
    message, ``error.in_language('ko')`` the Korean one (see :mod:`badak.i18n.localized`); a
    plain message without fields works too.
    """

    def __init__(self, template: str, **fields) -> None:
        super().__init__(self._keep(template, fields))


def _sniff(head: bytes) -> Phrase:
    """Say what a file that is not a zip archive seems to be, from its first bytes."""
    if not head:
        return Phrase(N_("it is empty (0 bytes)"))
    if len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return Phrase(N_("it looks like a Python pickle (protocol {protocol}), {refusal}"),
                      protocol=head[1], refusal=_PICKLE_REFUSAL)
    if head.startswith(b"\x93NUMPY"):
        return Phrase(N_("it is a single NumPy .npy array, not a .npz archive written by "
                         "badak.save"))
    if head.startswith(b"\x89HDF"):
        return Phrase(N_("it looks like an HDF5 file (a Keras .h5 model?), which badak "
                         "cannot read"))
    if head.startswith(b"\x1f\x8b"):
        return Phrase(N_("it is gzip-compressed, not a .npz archive written by badak.save"))
    if head.startswith(b"PK\x05\x06"):
        return Phrase(N_("it is an empty zip archive"))
    return Phrase(N_("it does not start with the zip signature PK\\x03\\x04 (first bytes: "
                     "{head!r})"), head=head[:8])


def checksum(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of the arrays, in order of their sorted names, with each name, dtype and shape.

    Covering names, dtypes and shapes as well as the bytes means that moving, retyping or
    reshaping an array changes the digest just as flipping one of its bytes does.
    """
    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)     # the same on any machine
        h.update(f"{name}\0{a.dtype.str}\0{a.shape}\0".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def header_checksum(header: dict) -> str:
    """SHA-256 of the header's canonical JSON (sorted keys), leaving out ``header_sha256`` itself.

    It covers the architecture, the metadata, the optimizer and checkpoint entries and the
    arrays' checksum, so that a header edited by hand is refused just as a changed array is.
    """
    rest = {key: value for key, value in header.items() if key != "header_sha256"}
    text = json.dumps(rest, sort_keys=True, allow_nan=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_archive(path: str | os.PathLike, header: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write ``header`` (JSON-able dict) and numeric ``arrays`` atomically to ``path``.

    The checksum of ``arrays`` is added to the header as ``sha256``, and the checksum of the
    header itself as ``header_sha256``. Arrays are stored little-endian, whatever their byte
    order in memory. ``path`` is used as :func:`~badak.persistence.atomic_write` describes.
    """
    little = {}
    for name, a in arrays.items():
        if a.dtype.kind not in ARRAY_KINDS or a.dtype.fields is not None:
            raise TypeError(f"array {name!r} must be numeric (bool, int or float); received "
                            f"dtype {a.dtype}")
        little[name] = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    header = {**header, "sha256": checksum(little)}
    header["header_sha256"] = header_checksum(header)
    text = json.dumps(header, allow_nan=True)
    entries = {HEADER_ENTRY: np.frombuffer(text.encode("utf-8"), dtype=np.uint8), **little}
    with atomic_write(path) as f:
        np.savez(f, **entries)


def _read_npy(data: bytearray, name: str, where: str) -> np.ndarray:
    """Parse one ``.npy`` entry's bytes without ever unpickling; the array shares ``data``."""
    fp = io.BytesIO(data)
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fp)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fp)
    else:
        raise ModelFileError(N_("{where}: entry {name!r} uses .npy format version "
                                "{version[0]}.{version[1]}, which badak does not read"),
                             where=where, name=name, version=version)
    if dtype.hasobject:
        raise ModelFileError(N_("{where}: entry {name!r} holds Python objects (dtype "
                                "{dtype}), stored as a pickle, {refusal}"),
                             where=where, name=name, dtype=dtype, refusal=_PICKLE_REFUSAL)
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ModelFileError(N_("{where}: entry {name!r} has dtype {dtype}; badak model files "
                                "hold only bool, integer and float arrays"),
                             where=where, name=name, dtype=dtype)
    n_bytes = math.prod(shape) * dtype.itemsize
    stored = len(data) - fp.tell()
    if stored != n_bytes:
        raise ModelFileError(N_("{where} is truncated or corrupted: entry {name!r} declares "
                                "shape {shape} of {dtype} ({n_bytes} bytes) but stores "
                                "{stored} bytes"),
                             where=where, name=name, shape=shape, dtype=dtype,
                             n_bytes=n_bytes, stored=stored)
    array = np.frombuffer(data, dtype=dtype, offset=fp.tell(), count=math.prod(shape))
    array = array.reshape(shape, order="F" if fortran_order else "C")
    return np.require(array, dtype=dtype.newbyteorder("="), requirements=["C", "A", "W"])


def _parse_header(raw: np.ndarray, where: str) -> dict:
    """Decode the ``__badak__`` entry and check the format name and version."""
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(N_("{where}: the {entry!r} entry must be a 1-D uint8 array of "
                                "UTF-8 JSON; received dtype {dtype} and shape {shape}"),
                             where=where, entry=HEADER_ENTRY, dtype=raw.dtype, shape=raw.shape)
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ModelFileError(N_("{where} is corrupted: its header is not valid UTF-8 JSON "
                                "({error})"), where=where, error=e) from e
    if not isinstance(header, dict):
        raise ModelFileError(N_("{where}: its header must be a JSON object; received "
                                "{kind}"), where=where, kind=type(header).__name__)
    if header.get("format") != FORMAT_NAME:
        raise ModelFileError(N_("{where} is not a badak model file: its header says "
                                "format={format!r}, expected {expected!r}"),
                             where=where, format=header.get("format"), expected=FORMAT_NAME)
    version = header.get("version")
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise ModelFileError(N_("{where} has format version {version!r}; this badak reads "
                                "version {expected}{newer}"),
                             where=where, version=version, expected=FORMAT_VERSION,
                             newer=Phrase(N_(" (the file was written by a newer badak)"))
                             if newer else "")
    return header




def _read(f, file_size: int, where: str) -> tuple[dict, dict[str, np.ndarray]]:
    head = f.read(8)
    if not head.startswith(_ZIP_MAGIC):
        raise ModelFileError(N_("{where} is not a badak model file: {reason}"), where=where,
                             reason=_sniff(head))
    entries = read_entries(f, file_size)       # every offset and size checked, nothing read
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ModelFileError(N_("{where} is corrupted: the entries {twice} appear more than "
                                "once"), where=where, twice=twice)
    odd = [n for n in names if not n.endswith(".npy")]
    if odd:
        raise ModelFileError(N_("{where} is not a badak model file: entries {odd} are not "
                                ".npy arrays"), where=where, odd=odd)
    if HEADER_ENTRY + ".npy" not in names:
        raise ModelFileError(N_("{where} is not a badak model file: it has no {entry!r} "
                                "header entry (entries: {names}...)"),
                             where=where, entry=HEADER_ENTRY, names=names[:5])
    arrays = {entry.name[:-len(".npy")]: _read_npy(read_data(f, entry), entry.name[:-4], where)
              for entry in entries}
    header = _parse_header(arrays.pop(HEADER_ENTRY), where)
    recorded_header = header.get("header_sha256")
    if recorded_header is not None and recorded_header != header_checksum(header):
        raise ModelFileError(N_("{where} is corrupted: the SHA-256 checksum of its header is "
                                "{actual}..., but the header recorded {recorded}... (was it "
                                "edited by hand?)"), where=where,
                             actual=header_checksum(header)[:16],
                             recorded=str(recorded_header)[:16])
    recorded, actual = header.get("sha256"), checksum(arrays)
    if not isinstance(recorded, str):
        raise ModelFileError(N_("{where} is corrupted: its header has no 'sha256' checksum"),
                             where=where)
    if recorded != actual:
        raise ModelFileError(N_("{where} is corrupted: the SHA-256 checksum of its arrays is "
                                "{actual}..., but the header recorded {recorded}..."),
                             where=where, actual=actual[:16], recorded=str(recorded)[:16])
    return header, arrays


def read_archive(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """Read and check a badak archive; return ``(header, arrays)``, arrays in file order.

    The zip structure is checked before any data is read (see
    :mod:`badak.persistence.zipreader`), so that reading takes at most about the size of the
    file in memory, whatever sizes the file claims.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError
        If the file is not a badak archive, is truncated or corrupted, or holds anything but
        numeric arrays. The message names the file and the problem.
    """
    where = os.fspath(path)
    with open(where, "rb") as f:
        file_size = os.fstat(f.fileno()).st_size
        try:
            return _read(f, file_size, where)
        except ModelFileError:
            raise
        except MemoryError as e:
            raise ModelFileError(N_("{where}: reading it needs more memory than is available "
                                    "({error})"), where=where, error=e) from e
        except (ZipLayoutError, zlib.error, EOFError, ValueError, KeyError, IndexError,
                TypeError, OverflowError, struct.error, RuntimeError, NotImplementedError,
                SyntaxError, RecursionError, UnicodeDecodeError) as e:
            # a bad CRC-32, a damaged local header, an unparsable .npy header, a short read
            raise ModelFileError(N_("{where} is truncated or corrupted: {error}"), where=where,
                                 error=e) from e
