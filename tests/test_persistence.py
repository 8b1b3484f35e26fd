"""Tests of badak.persistence: round trips, atomic writes, refusal of broken and hostile files."""

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import badak
from badak import nn, optim
from badak.persistence import (
    Checkpoint,
    ModelFileError,
    load,
    load_checkpoint,
    save,
    save_checkpoint,
)
from badak.persistence.archive import checksum, header_checksum


# ----------------------------------------------------------------------------- helpers
def _sequential(rng):
    return nn.Sequential(nn.Linear(5, 8, rng=rng), nn.PReLU(), nn.Maxout(8, 6, pieces=3, rng=rng),
                         nn.ELU(0.5), nn.Dropout(0.3, rng=rng), nn.Linear(6, 3, rng=rng),
                         nn.Softmax())


MODELS = {
    "sequential": _sequential,
    "mlp-relu-dropout": lambda rng: nn.MLP([5, 16, 8, 3], dropout=0.2, rng=rng),
    "mlp-prelu": lambda rng: nn.MLP([5, 8, 8, 3], activation="prelu", rng=rng),
    "mlp-maxout": lambda rng: nn.MLP([5, 8, 3], activation="maxout", rng=rng),
    "mlp-tanh-sigmoid": lambda rng: nn.MLP([5, 8, 3], activation="tanh",
                                           output_activation="sigmoid", rng=rng),
    "mlp-leaky": lambda rng: nn.MLP([5, 8, 3], activation="leaky_relu", rng=rng),
}


def _x(rng, n=7, dtype=np.float32):
    return badak.tensor(rng.normal(size=(n, 5)).astype(dtype))


def _train_steps(model, opt, rng, steps=3):
    """A few real updates, so that parameters and optimizer moments are not the initial ones."""
    for _ in range(steps):
        x = _x(rng)
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()


def _rewrite(path, header_edit=None, arrays_edit=None, keep_checksum=True):
    """Re-pack a model file with an edited header and/or arrays (an 'edited by hand' file)."""
    with np.load(path, allow_pickle=False) as f:
        entries = {name: f[name] for name in f.files}
    header = json.loads(entries.pop("__badak__").tobytes().decode())
    if arrays_edit is not None:
        arrays_edit(entries)
    if not keep_checksum:                   # as a careful forger would
        header["sha256"] = checksum(entries)
    if header_edit is not None:
        header_edit(header)
    if isinstance(header.get("header_sha256"), str):    # the header's own checksum: the edits
        header["header_sha256"] = header_checksum(header)   # under test come after it
    raw = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, __badak__=raw, **entries)


@pytest.fixture
def saved(tmp_path, rng):
    """A trained model saved with its Adam state; returns (path, model)."""
    model = nn.Sequential(nn.Linear(13, 32, rng=rng), nn.ReLU(), nn.Linear(32, 1, rng=rng))
    opt = optim.Adam(model.parameters(), lr=0.01)
    x = badak.tensor(rng.normal(size=(4, 13)).astype(np.float32))
    (model(x) ** 2).mean().backward()
    opt.step()
    path = tmp_path / "model.npz"
    save(model, path, optimizer=opt)
    return path, model


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("mode", ["eval", "train"])
def test_round_trip_gives_identical_model(tmp_path, rng, name, mode):
    model = MODELS[name](rng)
    _train_steps(model, optim.SGD(model.parameters(), lr=0.1), rng)
    model.train(mode == "train")
    path = tmp_path / "m.npz"
    save(model, path)
    loaded = load(path)

    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    assert nn.module_to_config(loaded) == nn.module_to_config(model)
    assert loaded.training == model.training            # the mode is restored too
    for (k1, a), (k2, b) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert k1 == k2 and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)               # bit for bit
    if mode == "eval":                                    # dropout off: same predictions
        x = _x(rng)
        np.testing.assert_array_equal(model(x).data, loaded(x).data)


def test_round_trip_float64_model(tmp_path, rng):
    model = nn.MLP([5, 4, 2], rng=rng).to("float64").eval()
    save(model, tmp_path / "m.npz")
    loaded = load(tmp_path / "m.npz")
    x = _x(rng, dtype=np.float64)
    assert all(p.dtype == np.float64 for p in loaded.parameters())
    np.testing.assert_array_equal(model(x).data, loaded(x).data)


def test_path_is_used_exactly_as_given(tmp_path, rng):
    # numpy.savez appends '.npz' to a name; badak must write the name it is given, once
    model = nn.Linear(3, 2, rng=rng)
    for name in ("weights", "weights.npz", "w.bin"):
        save(model, tmp_path / name)
    assert sorted(os.listdir(tmp_path)) == ["w.bin", "weights", "weights.npz"]
    np.testing.assert_array_equal(load(str(tmp_path / "weights")).weight.data, model.weight.data)
    assert (badak.save, badak.load) == (save, load)     # the top-level names


def test_loading_does_not_consume_default_random_numbers(saved):
    path, _ = saved
    badak.manual_seed(5)
    expected = badak.random.default_generator().random(3)
    badak.manual_seed(5)
    load(path)
    np.testing.assert_array_equal(badak.random.default_generator().random(3), expected)


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
    lambda ps: optim.AdaGrad(ps, lr=0.05),
    lambda ps: optim.RMSprop(ps, lr=0.01),
    lambda ps: optim.Adam(ps, lr=0.01),
], ids=["nesterov", "adagrad", "rmsprop", "adam"])
def test_optimizer_state_round_trip_continues_identically(tmp_path, make):
    rng = np.random.default_rng(1)
    model = nn.MLP([5, 8, 3], rng=rng)
    opt = make(model.parameters())
    _train_steps(model, opt, rng)
    save(model, tmp_path / "m.npz", optimizer=opt)

    ckpt = load_checkpoint(tmp_path / "m.npz")
    opt2 = ckpt.restore_optimizer(make(ckpt.model.parameters()))
    assert opt2.step_count == opt.step_count == 3
    assert opt2.state_dict()["hyperparameters"] == opt.state_dict()["hyperparameters"]
    # two more steps on the same batches: the original and the restored run stay identical
    _train_steps(model, opt, np.random.default_rng(9), steps=2)
    _train_steps(ckpt.model, opt2, np.random.default_rng(9), steps=2)
    for a, b in zip(model.parameters(), ckpt.model.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def test_model_file_loads_as_checkpoint_with_defaults(saved):
    path, model = saved
    ckpt = load_checkpoint(path)
    assert isinstance(ckpt, Checkpoint)
    assert (ckpt.epoch, ckpt.step, ckpt.rng_state, ckpt.history) == (0, 0, None, {})
    assert ckpt.optimizer_state["class"] == "Adam"
    assert ckpt.optimizer_state["step_count"] == 1
    with pytest.raises(ValueError, match="no random generator state"):
        ckpt.generator()


def test_checkpoint_round_trip_of_training_state(tmp_path, rng):
    model = nn.MLP([5, 4, 1], rng=rng)
    opt = optim.RMSprop(model.parameters())
    _train_steps(model, opt, rng)
    gen = np.random.default_rng(42)
    gen.permutation(10)                                    # a stream already in use
    history = {"loss": [np.float32(1.5), 1.25], "val_loss": [2.0, float("nan")]}
    save_checkpoint(tmp_path / "c.npz", model, opt, epoch=2, step=6, rng=gen, history=history,
                    metadata={"seed": np.int64(42), "note": "boston"})

    ckpt = load_checkpoint(tmp_path / "c.npz")
    assert (ckpt.epoch, ckpt.step) == (2, 6)
    assert ckpt.metadata == {"seed": 42, "note": "boston"}
    assert ckpt.history["loss"] == [1.5, 1.25] and np.isnan(ckpt.history["val_loss"][1])
    # the generator continues the same stream, bit for bit: as a new generator and in place
    expected = gen.permutation(100)
    np.testing.assert_array_equal(ckpt.generator().permutation(100), expected)
    other = np.random.default_rng(0)
    assert ckpt.restore_rng(other) is other
    np.testing.assert_array_equal(other.permutation(100), expected)


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox,
                                           np.random.SFC64, np.random.PCG64DXSM])
def test_checkpoint_stores_several_named_generators(tmp_path, rng, bit_generator):
    gens = {"shuffle": np.random.Generator(bit_generator(1)), "dropout": np.random.default_rng(2)}
    gens["shuffle"].random(3)
    save_checkpoint(tmp_path / "c.npz", nn.Linear(2, 1, rng=rng), rng=gens)
    ckpt = load_checkpoint(tmp_path / "c.npz")
    for name, g in gens.items():
        np.testing.assert_array_equal(ckpt.generator(name).random(5), g.random(5))
    with pytest.raises(ValueError, match="name must be one of"):
        ckpt.generator()


def test_checkpoint_accepts_a_generator_state_and_extra(tmp_path, rng):
    # the spelling ModelCheckpoint uses: rng_state=generator.bit_generator.state, extra={...}
    gen = np.random.default_rng(3)
    save_checkpoint(tmp_path / "c.npz", nn.Linear(2, 1, rng=rng), None, 4,
                    rng_state=gen.bit_generator.state, extra={"monitor": "val_loss"})
    ckpt = load_checkpoint(tmp_path / "c.npz")
    assert ckpt.epoch == 4 and ckpt.metadata == {"monitor": "val_loss"}
    assert ckpt.generator().random() == gen.random()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"epoch": -1}, ValueError, "epoch must be a non-negative integer; received epoch=-1"),
    ({"step": 1.5}, TypeError, "step must be a non-negative integer"),
    ({"rng": 0}, TypeError, "rng must be a numpy.random.Generator"),
    ({"rng": np.random.RandomState(0)}, TypeError, "rng must be a numpy.random.Generator"),
    ({"rng_state": {"bit_generator": "Evil"}}, ValueError, "cannot be stored"),
    ({"rng": np.random.default_rng(0), "rng_state": {}}, TypeError, "not both"),
    ({"history": [1.0]}, TypeError, "history must be a dict"),
    ({"metadata": {"f": print}}, TypeError, "metadata must be JSON-serialisable"),
    ({"metadata": "note"}, TypeError, "metadata must be a dict"),
])
def test_save_checkpoint_rejects_bad_arguments(tmp_path, rng, kwargs, error, match):
    with pytest.raises(error, match=match):
        save_checkpoint(tmp_path / "c.npz", nn.Linear(2, 1, rng=rng), **kwargs)
    assert os.listdir(tmp_path) == []


def test_save_rejects_what_it_cannot_store(tmp_path, rng):
    with pytest.raises(TypeError, match="model must be a badak.nn.Module; received model of type"):
        save({"w": np.ones(3)}, tmp_path / "m.npz")

    class Custom(nn.Module):                 # not registered: could not be rebuilt
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(np.ones(2, dtype=np.float32))

        def get_config(self):
            return {}

    with pytest.raises(ValueError, match="register_module"):
        save(Custom(), tmp_path / "m.npz")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save(nn.Linear(2, 1, rng=rng), tmp_path / "no" / "such" / "dir.npz")
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------- atomic writes
class _Crash(Exception):
    pass


@pytest.mark.parametrize("crash", [_Crash, KeyboardInterrupt, OSError])
def test_crash_mid_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, rng, monkeypatch,
                                                                    saved, crash):
    path, old_model = saved
    before = path.read_bytes()
    new_model = nn.Sequential(nn.Linear(13, 32, rng=rng), nn.ReLU(), nn.Linear(32, 1, rng=rng))
    real_write_array = np.lib.format.write_array
    calls = []

    def write_then_crash(fp, array, *args, **kwargs):
        calls.append(array.shape)
        if len(calls) == 3:                  # header and first parameter written, then crash
            raise crash("disk full")
        return real_write_array(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
    with pytest.raises(crash, match="disk full"):
        save(new_model, path)
    monkeypatch.undo()

    assert len(calls) == 3                   # the crash really happened halfway
    assert os.listdir(path.parent) == [path.name]       # no temporary file left behind
    assert path.read_bytes() == before
    x = badak.tensor(rng.normal(size=(3, 13)).astype(np.float32))
    np.testing.assert_array_equal(load(path)(x).data, old_model(x).data)


def test_failed_rename_removes_the_temporary(tmp_path, rng, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(f"cannot replace {dst}")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        save(nn.Linear(2, 1, rng=rng), tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_overwrite_replaces_the_file_and_keeps_permissions_of_a_plain_open(tmp_path, rng):
    path = tmp_path / "m.npz"
    first, second = nn.Linear(2, 1, rng=rng), nn.Linear(2, 1, rng=rng)
    save(first, path)
    save(second, path)
    np.testing.assert_array_equal(load(path).weight.data, second.weight.data)
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert (path.stat().st_mode & 0o777) == (plain.stat().st_mode & 0o777)
    assert sorted(os.listdir(tmp_path)) == ["m.npz", "plain"]


# ----------------------------------------------------------------------------- broken files
def _flip(path, offset):
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing-here.npz"):
        load(tmp_path / "nothing-here.npz")


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file_is_refused(saved, keep):
    path, _ = saved
    raw = path.read_bytes()
    path.write_bytes(raw[:int(len(raw) * keep)])
    expected = "is empty" if keep == 0 else "is truncated or corrupted"
    with pytest.raises(ModelFileError, match=expected) as info:
        load(path)
    assert str(path) in str(info.value)


def test_flipped_byte_in_a_parameter_is_refused(saved):
    path, model = saved
    raw = path.read_bytes()
    weights = model.state_dict()["0.weight"].tobytes()
    start = raw.find(weights)
    assert start > 0
    _flip(path, start + len(weights) // 2)
    with pytest.raises(ModelFileError, match=r"truncated or corrupted: Bad CRC-32 for file "
                                             r"'param/0.weight.npy'"):
        load(path)


def test_flipped_byte_in_the_header_is_refused(saved):
    path, _ = saved
    _flip(path, path.read_bytes().find(b'"architecture"') + 3)
    with pytest.raises(ModelFileError, match=r"Bad CRC-32 for file '__badak__.npy'"):
        load(path)


def test_changed_parameter_with_valid_zip_is_caught_by_the_checksum(saved):
    path, _ = saved

    def nudge(arrays):
        arrays["param/2.bias"] = arrays["param/2.bias"] + np.float32(1e-3)

    _rewrite(path, arrays_edit=nudge)               # a valid zip: CRCs are recomputed
    with pytest.raises(ModelFileError, match="corrupted: the SHA-256 checksum of its arrays"):
        load(path)


def test_wrong_shapes_for_the_architecture_are_named(saved):
    path, _ = saved

    def widen(header):                               # the file says 64 hidden units; it has 32
        layers = header["architecture"]["config"]["layers"]
        layers[0]["config"]["out_features"] = 64
        layers[2]["config"]["in_features"] = 64

    _rewrite(path, header_edit=widen)
    with pytest.raises(ModelFileError) as info:
        load(path)
    assert str(info.value) == (f"{path}: parameter '0.weight' has shape (13, 32) in the file "
                               "but the architecture needs (13, 64)")


def _set(key, value):
    def edit(header):
        header[key] = value
    return edit


def _drop_param(arrays):
    del arrays["param/2.bias"]


def _unlist_param(header):
    header["parameters"] = header["parameters"][:-1]


def _rename_class(old, new):
    def edit(header):
        text = json.dumps(header["architecture"]).replace(f'"{old}"', f'"{new}"')
        header["architecture"] = json.loads(text)
    return edit


def _drop_step_count(header):
    del header["optimizer"]["step_count"]


def _misdeclare_shape(header):
    header["parameters"][0]["shape"] = [13, 33]


@pytest.mark.parametrize("header_edit, arrays_edit, match", [
    (_set("format", "keras-h5"), None, "is not a badak model file: its header says format="),
    (_set("version", 2), None, "format version 2; this badak reads version 1 .*newer badak"),
    (_set("sha256", None), None, "has no 'sha256' checksum"),
    (_set("architecture", None), None, "holds no architecture"),
    (_set("parameters", "all of them"), None, "list of param arrays is malformed"),
    (_rename_class("ReLU", "os.system"), None,
     r"module class\(es\) \['os.system'\], which are not registered badak modules"),
    (_rename_class("Linear", "Evil"), None, "never imports names found in a file"),
    (_misdeclare_shape, None, "array 'param/0.weight' has shape .* but the header lists"),
    (_unlist_param, None, r"holds arrays \['param/2.bias'\] that its header does not list"),
    (_unlist_param, _drop_param, r"architecture needs the parameters \['2.bias'\]"),
    (None, _drop_param, r"the arrays \['param/2.bias'\] listed in its header are missing"),
    (_drop_step_count, None, "the header's optimizer entry is malformed"),
])
def test_edited_header_is_refused_with_the_reason(saved, header_edit, arrays_edit, match):
    path, _ = saved
    _rewrite(path, header_edit, arrays_edit, keep_checksum=False)
    with pytest.raises(ModelFileError, match=match) as info:
        load_checkpoint(path)
    assert str(path) in str(info.value)


def _set_checkpoint(key, value):
    def edit(header):
        section = header["checkpoint"]
        *parents, last = key.split(".")
        for k in parents:
            section = section[k]
        section[last] = value
    return edit


@pytest.mark.parametrize("key, value, match", [
    ("epoch", -3, "epoch must be a non-negative integer; received epoch=-3"),
    ("step", "7", "step must be a non-negative integer"),
    ("history", [1, 2], "checkpoint or metadata entry is malformed"),
    ("rng.states.rng.bit_generator", "os.system", "random generator state is malformed"),
    ("rng.states.rng.state", {"state": "x"}, "random generator state is malformed"),
    ("rng.states", {"rng": {"__ndarray__": "O", "data": [1]}}, "generator state is malformed"),
])
def test_edited_checkpoint_section_is_refused(tmp_path, rng, key, value, match):
    path = tmp_path / "c.npz"
    save_checkpoint(path, nn.Linear(2, 1, rng=rng), epoch=1, rng=np.random.default_rng(0))
    _rewrite(path, _set_checkpoint(key, value))
    with pytest.raises(ModelFileError, match=match):
        load_checkpoint(path)


def _zip_of(path, members, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=method) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _npy_bytes(array, header=None):
    buf = io.BytesIO()
    if header is None:
        np.save(buf, array, allow_pickle=True)
    else:                                   # a forged .npy header followed by array's bytes
        np.lib.format.write_array_header_1_0(buf, header)
        buf.write(array.tobytes())
    return buf.getvalue()


def _build(kind, path):
    """Write a broken or foreign file of the given kind to path."""
    weights = np.ones((2, 2), dtype=np.float32)
    if kind == "npy":
        np.save(path, weights)
        os.replace(str(path) + ".npy", path)
    elif kind == "text":
        path.write_text("this is not a model\n")
    elif kind == "hdf5":
        path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    elif kind == "no-header":
        with open(path, "wb") as f:
            np.savez(f, weights=weights)
    elif kind == "bad-json":
        with open(path, "wb") as f:
            np.savez(f, __badak__=np.frombuffer(b"{'format': ", dtype=np.uint8))
    elif kind == "header-not-uint8":
        with open(path, "wb") as f:
            np.savez(f, __badak__=np.zeros(3))
    elif kind == "compressed":
        with open(path, "wb") as f:
            np.savez_compressed(f, __badak__=np.zeros(3, np.uint8))
    elif kind == "not-npy-member":
        _zip_of(path, {"__badak__.npy": _npy_bytes(np.zeros(3, np.uint8)), "run.py": b"1"})
    elif kind == "duplicate-member":
        with zipfile.ZipFile(path, "w") as z, pytest.warns(UserWarning, match="Duplicate"):
            z.writestr("param/w.npy", _npy_bytes(weights))
            z.writestr("param/w.npy", _npy_bytes(2 * weights))
    elif kind == "huge-declared-shape":     # must be refused before allocating 4 TB
        header = {"descr": "<f4", "fortran_order": False, "shape": (10**12,)}
        _zip_of(path, {"__badak__.npy": _npy_bytes(np.zeros(3, np.uint8)),
                       "param/w.npy": _npy_bytes(weights, header)})
    elif kind == "string-array":
        with open(path, "wb") as f:
            np.savez(f, __badak__=np.zeros(3, np.uint8), words=np.array(["a", "b"]))
    elif kind == "empty-zip":
        _zip_of(path, {})
    return path


@pytest.mark.parametrize("kind, match", [
    ("npy", "is not a badak model file: it is a single NumPy .npy array"),
    ("text", "is not a badak model file: it does not start with the zip signature"),
    ("hdf5", "it looks like an HDF5 file"),
    ("empty-zip", "it is an empty zip archive"),
    ("no-header", "it has no '__badak__' header entry"),
    ("bad-json", "is corrupted: its header is not valid UTF-8 JSON"),
    ("header-not-uint8", "must be a 1-D uint8 array of UTF-8 JSON"),
    ("compressed", "is compressed .* badak model files store arrays uncompressed"),
    ("not-npy-member", r"entries \['run.py'\] are not .npy arrays"),
    ("duplicate-member", "appear more than once"),
    ("huge-declared-shape", r"declares shape \(1000000000000,\) of float32 \(4000000000000 "
                            r"bytes\) but stores 16 bytes"),
    ("string-array", "has dtype <U1; badak model files hold only bool, integer and float"),
])
def test_foreign_and_malformed_files_are_refused(tmp_path, kind, match):
    path = _build(kind, tmp_path / "model.npz")
    with pytest.raises(ModelFileError, match=match) as info:
        load(path)
    assert str(path) in str(info.value)


# ----------------------------------------------------------------------------- hostile files
class _CreatesFile:
    """Unpickling this calls open(marker, 'w'): it creates a file. Code run on load, in small."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_the_hostile_payload_really_runs_code_when_unpickled(tmp_path):
    # the control experiment: were badak to unpickle, the marker file would appear
    marker = tmp_path / "control"
    pickle.loads(pickle.dumps(_CreatesFile(marker))).close()
    assert marker.exists()


@pytest.mark.parametrize("protocol", [2, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL])
def test_pickle_file_is_refused_without_running_it(tmp_path, protocol):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps({"0.weight": _CreatesFile(marker)}, protocol=protocol))
    for loader in (load, load_checkpoint):
        with pytest.raises(ModelFileError) as info:
            loader(path)
        assert str(info.value) == (
            f"{path} is not a badak model file: it looks like a Python pickle (protocol "
            f"{protocol}), which badak never loads because unpickling can run code")
    assert not marker.exists()


@pytest.mark.parametrize("entry", ["param/0.weight", "__badak__", "optim/0.m"])
def test_pickle_inside_the_archive_is_refused_without_running_it(tmp_path, saved, entry):
    path, _ = saved
    marker = tmp_path / "pwned"
    payload = np.empty(1, dtype=object)
    payload[0] = _CreatesFile(marker)
    with np.load(path, allow_pickle=False) as f:
        entries = {name: f[name] for name in f.files}
    entries[entry] = payload
    with open(path, "wb") as f:
        np.savez(f, **entries)               # np.savez pickles object arrays
    assert b"__reduce__" not in path.read_bytes() and marker.name.encode() in path.read_bytes()
    with pytest.raises(ModelFileError, match=f"entry '{entry}' holds Python objects .*"
                                             "never loads because unpickling can run code"):
        load_checkpoint(path)
    assert not marker.exists()


@pytest.mark.parametrize("forge", ["linear", "mlp", "maxout"])
def test_an_architecture_far_larger_than_the_file_is_refused_before_building(saved, forge):
    import tracemalloc

    path, _ = saved

    def enlarge(header):  # 100,000 x 100,000 float32 weights: 40 GB if it were built
        layers = header["architecture"]["config"]["layers"]
        if forge == "linear":
            layers[0]["config"]["out_features"] = 100_000
            layers[2]["config"]["in_features"] = 100_000
            layers[0]["config"]["in_features"] = 100_000
        elif forge == "mlp":
            layers.append({"class": "MLP", "config": {"sizes": [100_000, 100_000, 1]}})
        else:
            layers.append({"class": "Maxout", "config": {"in_features": 100_000,
                                                         "out_features": 50_000, "pieces": 2}})

    _rewrite(path, header_edit=enlarge)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=r"declares parameters of "
                                                 r"10,000,\d{3},\d{3} numbers, but the file "
                                                 r"stores only 481 parameter values"):
            load(path)
        assert tracemalloc.get_traced_memory()[1] < 50_000_000
    finally:
        tracemalloc.stop()
