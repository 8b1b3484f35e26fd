"""Hostile and unusual model files, and saves to unusual paths (issue 12, second pass).

Each test is a regression test for one row of the issue; each fails on the code before the fix.
The hostile files are built here byte by byte, so that what they claim is explicit.
"""

import json
import os
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import zlib

import numpy as np
import pytest

from badak import nn
from badak.data import StandardScaler
from badak.persistence import (
    ModelFileError,
    load,
    load_checkpoint,
    save,
    save_checkpoint,
    validated_cli_metadata,
)
from badak.persistence.archive import checksum, header_checksum
from badak.persistence.atomic import _host_tag


# ----------------------------------------------------------------------------- building files
def _npy(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _local(name: bytes, data: bytes, flags=0, version=20, size=None) -> bytes:
    size = len(data) if size is None else size
    return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", version, flags, 0, 0, 0,
                       zlib.crc32(data), size, size, len(name), 0) + name


def _central(name: bytes, data: bytes, offset: int, flags=0, version=20, size=None,
             extra=b"") -> bytes:
    size = len(data) if size is None else size
    return struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, version, flags, 0, 0, 0,
                       zlib.crc32(data), size, size, len(name), len(extra), 0, 0, 0, 0,
                       offset) + name + extra


def _end(count: int, cd_size: int, cd_offset: int) -> bytes:
    return struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, cd_size, cd_offset, 0)


def _npy_header(n: int) -> bytes:
    """The .npy header of a uint8 array of n values (the data would follow it)."""
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "|u1", "fortran_order": False,
                                                  "shape": (n,)})
    return buffer.getvalue()


def _overlapping_zip(path, copies=400, payload_values=10):
    """Entries whose data contain all the following entries, each a valid .npy array of bytes:
    reading every entry once reads the rest of the file again (quadratic), the 'overlapping
    entries' zip bomb (D. Fifield, "A better zip bomb", 2019)."""
    payload = _npy(np.zeros(payload_values, np.uint8))
    body = _local(b"__badak__.npy", payload) + payload
    entries = [(b"__badak__.npy", payload, 0)]      # (name, data, bytes before the next entry)
    for i in reversed(range(copies)):               # entry i = its header + all entries after it
        name = f"param/w{i}.npy".encode()
        data = _npy_header(len(body)) + body
        entries.insert(0, (name, data, 30 + len(name) + len(data) - len(body)))
        body = _local(name, data) + data
    offsets, at = [], 0
    for _, _, step in entries:
        offsets.append(at)
        at += step
    directory = b"".join(_central(n, d, o) for (n, d, _), o in zip(entries, offsets))
    path.write_bytes(body + directory + _end(len(entries), len(directory), len(body)))
    return path


def _forged_zip64(path):
    """One entry whose directory record claims 10**12 bytes through a zip64 extra field, and
    whose .npy header declares as many (zipfile then asks the OS for 10**12 bytes at once)."""
    name = b"__badak__.npy"
    data = _npy_header(10**12 - len(_npy_header(10**12))) + b"{}"
    local = _local(name, data)
    extra = struct.pack("<HHQQ", 1, 16, 10**12, 10**12)
    directory = _central(name, data, 0, size=0xFFFFFFFF, extra=extra)
    body = local + data
    path.write_bytes(body + directory + _end(1, len(directory), len(body)))
    return path


def _forged_prelu(path, count=10**9):
    """A valid PReLU(1) file whose architecture says num_parameters=10**9 (4 GB if built)."""
    save(nn.PReLU(), path)
    _edit_header(path, lambda h: h["architecture"]["config"].update(num_parameters=count))
    return path


def _rewrite(path, header: dict, arrays: dict):
    raw = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, __badak__=raw, **arrays)


def _read(path):
    with np.load(path, allow_pickle=False) as f:
        entries = {name: f[name] for name in f.files}
    return json.loads(entries.pop("__badak__").tobytes().decode()), entries


def _edit_header(path, edit, recompute=True):
    """Edit the header as a careful forger would: zip CRCs and (if ``recompute``) the header
    checksum are made to match."""
    header, arrays = _read(path)
    edit(header)
    if recompute:
        header["sha256"] = checksum(arrays)
        header["header_sha256"] = header_checksum(header)
    _rewrite(path, header, arrays)


def _patch(path, find: bytes, offset: int, value: bytes, every=True):
    """Overwrite bytes at ``offset`` after each occurrence of ``find`` (a record signature)."""
    raw = bytearray(path.read_bytes())
    at = raw.find(find)
    while at >= 0:
        raw[at + offset:at + offset + len(value)] = value
        at = raw.find(find, at + 1) if every else -1
    path.write_bytes(bytes(raw))


# ----------------------------------------------------------------------------- row 1, 2, 3: memory
def test_overlapping_entries_are_refused_before_reading_them(tmp_path, rng):
    path = _overlapping_zip(tmp_path / "bomb.npz")
    with pytest.raises(ModelFileError, match="inside the data of the entry before it .* "
                                             "overlap"):
        load(path)


def test_forged_zip64_size_is_refused(tmp_path, rng):
    path = _forged_zip64(tmp_path / "zip64.npz")
    with pytest.raises(ModelFileError, match=r"claims 1000000000000 bytes at offset \d+, but "
                                             r"the data part of the file has only \d+ bytes"):
        load(path)


def test_prelu_counts_in_the_declared_size_bound(tmp_path, rng):
    path = _forged_prelu(tmp_path / "prelu.npz")
    assert path.stat().st_size < 4000
    with pytest.raises(ModelFileError, match="declares parameters of 1,000,000,000 numbers, but "
                                             "the file stores only 1 parameter values"):
        load(path)


def test_every_registered_parameter_owner_declares_its_count(rng):
    # the bound is derived from the modules: what each one builds is what it declares
    for model in (nn.Linear(4, 3, rng=rng), nn.Linear(4, 3, bias=False, rng=rng),
                  nn.Maxout(4, 3, pieces=3, rng=rng), nn.PReLU(7),
                  nn.MLP([4, 5, 2], activation="prelu", rng=rng),
                  nn.Sequential(nn.Linear(2, 3, rng=rng), nn.PReLU(3))):
        built = sum(p.size for p in model.parameters())
        declared = nn.registry.declared_parameter_count(nn.module_to_config(model))
        assert built <= declared <= 2 * built, type(model).__name__


# The peak resident memory of the process that loads (VmHWM: the peak of this process image;
# ru_maxrss would include the pytest process it was forked from), and the bytes each load reads
# (rchar: what read() returned, whatever the buffering).
_MEASURE = textwrap.dedent("""
    import sys
    import badak
    from badak.persistence import ModelFileError

    def rchar():
        return int(open("/proc/self/io").read().split("rchar:")[1].split()[0])

    for path in sys.argv[1:]:
        before = rchar()
        try:
            badak.load_checkpoint(path)
            outcome = "LOADED"
        except ModelFileError as e:
            outcome = "refused"
        print(path, outcome, rchar() - before)
    status = open("/proc/self/status").read()
    print("PEAK_MB", int(status.split("VmHWM:")[1].split()[0]) / 1024)
""")


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs Linux's /proc")
def test_hostile_files_are_refused_in_bounded_memory(tmp_path, rng):
    # each file is under 1 MB; before the fix they took 0.7 GB to 7.6 GB, or crashed
    # the bomb: 0.7 MB that zipfile would read as 600 entries of 0.5 MB each (0.3 GB)
    encrypted = tmp_path / "encrypted.npz"
    save(nn.Linear(3, 2, rng=rng), encrypted)
    _patch(encrypted, b"PK\x01\x02", 8, b"\x01\x00")
    paths = [_overlapping_zip(tmp_path / "bomb.npz", copies=600, payload_values=500_000),
             _forged_zip64(tmp_path / "zip64.npz"),
             _forged_prelu(tmp_path / "prelu.npz"),
             _forged_prelu(tmp_path / "prelu-huge.npz", count=10**12),
             encrypted,
             _short_key_checkpoint(tmp_path / "ckpt.npz", rng)]
    assert all(p.stat().st_size < 1_000_000 for p in paths)
    assert paths[0].stat().st_size > 500_000
    done = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, paths)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(paths) + 1
    for path, line in zip(paths, lines):
        _, outcome, n_read = line.split()
        assert outcome == "refused", line
        assert int(n_read) < path.stat().st_size + 200_000, line       # each byte about once
    peak = float(lines[-1].split()[1])
    assert peak < 100, f"peak memory {peak:.0f} MB"


# ----------------------------------------------------------------------------- row 4: zip flags
@pytest.mark.parametrize("where, offset, value, match", [
    (b"PK\x01\x02", 8, b"\x01\x00", "is encrypted"),                   # central flags
    (b"PK\x01\x02", 8, b"\x00\x02", "uses zip features badak never writes"),
    (b"PK\x01\x02", 6, b"\xff\x00", "needs zip version 25.5 to extract"),
    (b"PK\x03\x04", 6, b"\x01\x00", "local header .* does not match its directory record"),
    (b"PK\x01\x02", 10, b"\x08\x00", "is compressed"),                 # method
])
def test_flipped_zip_flags_and_versions_are_refused(tmp_path, rng, where, offset, value, match):
    path = tmp_path / "m.npz"
    save(nn.Linear(3, 2, rng=rng), path)
    _patch(path, where, offset, value)
    with pytest.raises(ModelFileError, match=match):
        load(path)


# ----------------------------------------------------------------------------- row 5: rng state
def _short_key_checkpoint(path, rng):
    """A checkpoint whose MT19937 key holds 5 numbers instead of 624."""
    save_checkpoint(path, nn.Linear(3, 2, rng=rng), rng=np.random.Generator(np.random.MT19937(0)))

    def short_key(header):
        key = header["checkpoint"]["rng"]["states"]["rng"]["state"]["key"]
        key["data"] = key["data"][:5]

    _edit_header(path, short_key)
    return path


def test_malformed_generator_state_is_a_model_file_error(tmp_path, rng):
    path = _short_key_checkpoint(tmp_path / "ckpt.npz", rng)
    with pytest.raises(ModelFileError, match="random generator state is malformed"):
        load_checkpoint(path)


# ----------------------------------------------------------------------------- row 6: metadata
def _cli_meta(**changes):
    meta = {"data": "toy.csv", "task": "classification", "features": ["a", "b"],
            "target": "y", "classes": [0.0, 1.0], "mean": [0.5, 1.0], "scale": [2.0, 1.0]}
    return {**meta, **changes}


def _saved_classifier(tmp_path, rng, meta):
    path = tmp_path / "m.npz"
    save(nn.MLP([2, 4, 2], rng=rng), path, metadata={"badak_cli": meta})
    ckpt = load_checkpoint(path)
    return ckpt.model, ckpt.metadata, path


def test_valid_cli_metadata_is_returned(tmp_path, rng):
    model, metadata, path = _saved_classifier(tmp_path, rng, _cli_meta())
    assert validated_cli_metadata(model, metadata, path) == _cli_meta()
    assert validated_cli_metadata(model, {}, path) == {}


def test_cli_metadata_with_word_classes_is_returned_as_words(tmp_path, rng):
    # badak train stores the labels of a target column of words as they are (issue 11 item 10)
    meta = _cli_meta(classes=["cat", "dog"])
    model, metadata, path = _saved_classifier(tmp_path, rng, meta)
    assert validated_cli_metadata(model, metadata, path) == meta
    # integer labels come back as floats, the form badak train stores
    model, metadata, path = _saved_classifier(tmp_path, rng, _cli_meta(classes=[3, 7]))
    assert validated_cli_metadata(model, metadata, path)["classes"] == [3.0, 7.0]


@pytest.mark.parametrize("meta, match", [
    ("abc", "'badak_cli' metadata entry must be a JSON object; received str"),
    (_cli_meta(classes=[0, 1, 2, 3]),
     r"'classes' must be one label for each of the model's 2 outputs; received 4 labels"),
    (_cli_meta(features=["a"], mean=[0.0], scale=[1.0]),
     r"'features' must be one column for each of the model's 2 inputs; received 1 column "),
    (_cli_meta(features=["a", "a"]), "non-empty list of distinct column names"),
    (_cli_meta(task="clustering"), "'task' must be one of"),
    (_cli_meta(scale=[0.0, 1.0]), "'scale' must be a list of 2 positive finite numbers"),
    (_cli_meta(mean=None), "'mean' and 'scale' must be both null or both lists"),
    (_cli_meta(task="regression"), "'classes' must be null for a regression"),
    ({"task": "regression"}, "it lacks"),
    # what badak train never writes, refused as badak predict has always refused it
    (_cli_meta(features=["a", "y"]), "without the target 'y'"),
    (_cli_meta(features=["a", ""]), "'features' must be a non-empty list of distinct column"),
    (_cli_meta(classes=[0, "one"]), "all finite numbers or all non-empty words"),
    (_cli_meta(classes=["cat", ""]), "all finite numbers or all non-empty words"),
    (_cli_meta(classes=["cat", "cat"]), "'classes' must be distinct labels"),
    (_cli_meta(classes=[True, False]), "all finite numbers or all non-empty words"),
    (_cli_meta(target=None), "'target' must be a string; received None"),
    (_cli_meta(task="regression", classes=None), "'task' must be 'classification' for a model "
                                                 "of 2 outputs"),
])
def test_cli_metadata_that_does_not_fit_the_model_is_refused(tmp_path, rng, meta, match):
    model, metadata, path = _saved_classifier(tmp_path, rng, meta)
    with pytest.raises(ModelFileError, match=match) as info:
        validated_cli_metadata(model, metadata, path)
    assert str(path) in str(info.value)


def test_metadata_edited_in_the_file_is_caught_by_the_header_checksum(tmp_path, rng):
    _, _, path = _saved_classifier(tmp_path, rng, _cli_meta())
    _edit_header(path, lambda h: h["metadata"]["badak_cli"].update(classes=[1.0, 0.0]),
                 recompute=False)
    with pytest.raises(ModelFileError, match="the SHA-256 checksum of its header"):
        load_checkpoint(path)


# ----------------------------------------------------------------------------- row 8: the path
def test_save_writes_through_a_symlink_to_its_target(tmp_path, rng):
    target, link = tmp_path / "real.npz", tmp_path / "link.npz"
    save(nn.Linear(2, 1, rng=rng), target)
    link.symlink_to(target)
    second = nn.Linear(2, 1, rng=rng)
    save(second, link)
    assert link.is_symlink()
    np.testing.assert_array_equal(load(target).weight.data, second.weight.data)


def test_save_keeps_the_permissions_of_an_existing_file(tmp_path, rng):
    path = tmp_path / "m.npz"
    save(nn.Linear(2, 1, rng=rng), path)
    os.chmod(path, 0o600)
    save(nn.Linear(2, 1, rng=rng), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_refuses_a_fifo_and_leaves_it_alone(tmp_path, rng):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="it is a FIFO .*, not a regular file"):
        save(nn.Linear(2, 1, rng=rng), fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


def test_save_refuses_a_device_reached_through_a_symlink(tmp_path, rng):
    # (a link, so that the code before the fix replaced the link, not the system's /dev/null)
    link = tmp_path / "null.npz"
    link.symlink_to("/dev/null")
    with pytest.raises(ValueError, match="it is a character device, not a regular file"):
        save(nn.Linear(2, 1, rng=rng), link)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and link.is_symlink()


def test_save_refuses_a_directory(tmp_path, rng):
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        save(nn.Linear(2, 1, rng=rng), tmp_path)


# ----------------------------------------------------------------------------- row 10: scaler
@pytest.mark.parametrize("magnitude", [1e300, 1e-169, 1.0, 1.5e308])
def test_standard_scaler_scales_any_finite_column(rng, magnitude):
    x = np.column_stack([rng.uniform(0.5, 1.0, size=400) * magnitude,
                         np.full(400, magnitude)])          # a varying and a constant column
    scaler = StandardScaler().fit(x)
    out = scaler.transform(x)
    assert out.dtype == np.float64 and np.isfinite(out).all()
    assert np.all(scaler.scale_ > 0) and np.isfinite(scaler.scale_).all()
    np.testing.assert_allclose(out[:, 0].std(), 1.0, rtol=1e-9)
    np.testing.assert_allclose(out[:, 0].mean(), 0.0, atol=1e-9)
    assert np.all(out[:, 1] == 0.0) and scaler.scale_[1] == 1.0
    np.testing.assert_allclose(scaler.inverse_transform(out), x, rtol=1e-12)


def test_standard_scaler_gives_the_plain_statistics_bit_for_bit(rng):
    x = rng.normal(3.0, 5.0, size=(50, 3))
    scaler = StandardScaler().fit(x)
    assert np.array_equal(scaler.mean_, x.mean(axis=0))
    assert np.array_equal(scaler.scale_, x.std(axis=0))


# ----------------------------------------------------------------------------- row 11: NaN
def test_nonfinite_weights_are_refused_unless_asked_for(tmp_path, rng):
    model = nn.MLP([3, 4, 2], rng=rng)
    model[0].weight.data[1, 2] = np.nan
    model[2].bias.data[0] = np.inf
    path = tmp_path / "diverged.npz"
    save(model, path)
    for loader in (load, load_checkpoint):
        with pytest.raises(ModelFileError, match=r"parameter '0.weight' holds 1 NaN or infinite "
                                                 r"value\(s\) out of 12.*allow_nonfinite=True"):
            loader(path)
    loaded = load(path, allow_nonfinite=True)
    assert np.isnan(loaded[0].weight.data[1, 2]) and np.isinf(loaded[2].bias.data[0])
    assert load_checkpoint(path, allow_nonfinite=True).model is not None


# ----------------------------------------------------------------------------- row 17: round trip
def test_big_endian_parameters_round_trip(tmp_path, rng):
    model = nn.Linear(3, 2, rng=rng)
    values = model.weight.data.copy()
    model.weight.data = values.astype(">f4")
    save(model, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    np.testing.assert_array_equal(loaded.weight.data, values)
    assert loaded.weight.dtype == np.float32


def test_mixed_dtypes_and_frozen_parameters_round_trip(tmp_path, rng):
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.ReLU(), nn.Linear(4, 2, rng=rng))
    model[0].weight.data = model[0].weight.data.astype(np.float64)   # changed after building
    model[0].weight.requires_grad = False
    model[0].bias.requires_grad = False
    save(model, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    for (name, a), (_, b) in zip(model.named_parameters(), loaded.named_parameters()):
        assert a.dtype == b.dtype and a.requires_grad == b.requires_grad, name
        np.testing.assert_array_equal(a.data, b.data)
    assert [p.requires_grad for p in loaded.parameters()] == [False, False, True, True]


# ----------------------------------------------------------------------------- row 18: temporaries
_KILLED_SAVE = textwrap.dedent("""
    import os, signal, sys
    from badak.persistence import atomic_write
    with atomic_write(sys.argv[1]) as f:
        f.write(b"x" * 100_000)
        os.kill(os.getpid(), signal.SIGKILL)      # as kill -9 during a save
""")


def test_stale_temporaries_of_killed_saves_are_removed(tmp_path, rng):
    path = tmp_path / "m.npz"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(3):                          # each killed save removes the one before it
        done = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(path)], env=env,
                              timeout=60)
        assert done.returncode == -signal.SIGKILL
        assert len(os.listdir(tmp_path)) == 1             # its temporary; no model file
    # one of a process that is still running (this one) and one of another machine: kept
    alive = tmp_path / f".m.npz.badak-{_host_tag()}-{os.getpid()}-{'0' * 12}.tmp"
    other_host = tmp_path / f".m.npz.badak-{'f' * 8}-1-{'0' * 12}.tmp"
    alive.write_bytes(b"")
    other_host.write_bytes(b"")
    save(nn.Linear(2, 1, rng=rng), path)
    assert sorted(os.listdir(tmp_path)) == sorted(["m.npz", alive.name, other_host.name])


# ----------------------------------------------------------------------------- issue 11 item 8
def test_a_module_that_cannot_be_rebuilt_is_refused_at_save_time(tmp_path):
    @nn.register_module
    class Scaled(nn.Module):                    # registered, but without get_config
        def __init__(self, n_in, factor):
            super().__init__()
            self.weight = nn.Parameter(np.ones(n_in) * factor)

        def forward(self, x):
            return x * self.weight

    try:
        path = tmp_path / "m.npz"
        with pytest.raises(TypeError, match=r"Scaled cannot be saved: .* returns \{\}.*"
                                            r"Implement Scaled.get_config\(\)"):
            save(nn.Sequential(nn.Linear(2, 3), Scaled(3, 2.0)), path)
        assert not path.exists() and os.listdir(tmp_path) == []
    finally:
        nn.MODULES.pop("Scaled", None)


def test_zip64_sizes_that_match_the_file_are_read(tmp_path, rng):
    # a file over 4 GB stores its sizes in zip64 extra fields; the reader follows them when true
    model = nn.Linear(3, 2, rng=rng)
    save(model, tmp_path / "plain.npz")
    with np.load(tmp_path / "plain.npz", allow_pickle=False) as f:
        entries = [(name.encode() + b".npy", _npy(f[name])) for name in f.files]
    body, directory = b"", b""
    for name, data in entries:
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), len(body))
        directory += _central(name, data, 0xFFFFFFFF, size=0xFFFFFFFF, extra=extra)
        body += _local(name, data) + data
    path = tmp_path / "zip64.npz"
    path.write_bytes(body + directory + _end(len(entries), len(directory), len(body)))
    np.testing.assert_array_equal(load(path).weight.data, model.weight.data)


def test_a_file_written_before_the_header_checksum_still_loads(tmp_path, rng):
    # files of earlier badak versions have neither 'header_sha256' nor 'frozen'
    model = nn.MLP([3, 4, 2], rng=rng)
    path = tmp_path / "old.npz"
    save(model, path)
    header, arrays = _read(path)
    del header["header_sha256"], header["frozen"]
    _rewrite(path, header, arrays)
    loaded = load(path)
    for a, b in zip(model.parameters(), loaded.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
        assert b.requires_grad
