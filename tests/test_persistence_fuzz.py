"""A bounded fuzz test of model files and checkpoints (issue 12).

Random byte flips, truncations and JSON edits of a valid model file and of a valid checkpoint
must never load with changed content, and must never escape as anything but ModelFileError.
Hypothesis runs derandomized (the same examples every run) within a fixed number of examples
per property (BADAK_FUZZ_EXAMPLES overrides it), about 15 s in all.
"""

import functools
import json
import math
import os
import shutil
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import badak
from badak import nn, optim
from badak.persistence import ModelFileError, load_checkpoint, save, save_checkpoint
from badak.persistence.archive import header_checksum

_SETTINGS = settings(max_examples=int(os.environ.get("BADAK_FUZZ_EXAMPLES", 1000)),
                     derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))


@functools.cache
def _workdir() -> str:
    return tempfile.mkdtemp(prefix="badak-fuzz-")


def _summary(ckpt) -> str:
    """Everything a load gives, as one comparable string (bit-exact for the arrays)."""
    model = ckpt.model
    params = {name: (str(p.dtype), p.shape, p.data.tobytes().hex(), p.requires_grad)
              for name, p in model.named_parameters()}
    optimizer = None
    if ckpt.optimizer_state is not None:
        optimizer = {k: (v if k != "state" else
                         {n: (str(a.dtype), a.shape, a.tobytes().hex()) for n, a in v.items()})
                     for k, v in ckpt.optimizer_state.items()}
    rng = json.dumps(ckpt.rng_state, default=lambda a: np.asarray(a).tolist(), sort_keys=True)
    return repr((nn.module_to_config(model), model.training, params, optimizer, ckpt.epoch,
                 ckpt.step, rng, ckpt.history, ckpt.metadata))


@functools.cache
def _originals() -> dict[str, tuple[str, bytes, str]]:
    """The two valid files (a model file, a checkpoint): path, bytes and what they load as."""
    rng = np.random.default_rng(0)
    files = {}
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.PReLU(4), nn.Maxout(4, 2, rng=rng),
                          nn.Dropout(0.2), nn.Linear(2, 2, rng=rng))
    path = os.path.join(_workdir(), "model.npz")
    save(model, path, metadata={"note": "fuzz", "badak_cli": {"task": "classification"}})
    files["model"] = path
    mlp = nn.MLP([3, 5, 2], rng=rng)
    opt = optim.Adam(mlp.parameters(), lr=0.01)
    x = badak.tensor(rng.normal(size=(4, 3)).astype(np.float32))
    (mlp(x) ** 2).mean().backward()
    opt.step()
    path = os.path.join(_workdir(), "ckpt.npz")
    save_checkpoint(path, mlp, opt, epoch=3, step=12,
                    rng={"shuffle": np.random.default_rng(1),
                         "mt": np.random.Generator(np.random.MT19937(2))},
                    history={"loss": [1.0, 0.5, 0.25]})
    files["checkpoint"] = path
    return {kind: (p, open(p, "rb").read(), _summary(load_checkpoint(p)))
            for kind, p in files.items()}


def _check(kind: str, raw: bytes) -> None:
    """Load ``raw``: it must be refused with ModelFileError or give the original content."""
    path = os.path.join(_workdir(), f"case-{kind}.npz")
    with open(path, "wb") as f:
        f.write(raw)
    try:
        ckpt = load_checkpoint(path)
    except ModelFileError:
        return
    assert _summary(ckpt) == _originals()[kind][2], "loaded with changed content"


KINDS = st.sampled_from(["model", "checkpoint"])


@_SETTINGS
@given(kind=KINDS, flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True),
                                            st.integers(1, 255)), min_size=1, max_size=3))
def test_flipped_bytes_never_load_changed_content(kind, flips):
    raw = bytearray(_originals()[kind][1])
    for where, mask in flips:
        raw[int(where * len(raw))] ^= mask
    _check(kind, bytes(raw))


@_SETTINGS
@given(kind=KINDS, keep=st.floats(0, 1, exclude_max=True))
def test_truncated_files_never_load(kind, keep):
    raw = _originals()[kind][1]
    _check(kind, raw[:int(keep * len(raw))])


def _paths(value, prefix=()):
    """Every path to a value inside the JSON header."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


_JSON_VALUES = st.sampled_from([None, True, False, 0, 1, -1, 2, 7, 2**31, 2**64, 10**30, 0.5,
                                -0.0, 1e308, math.inf, math.nan, "", "x", "Linear",
                                "float64", [], [1], [0, 0], {}, {"class": "ReLU",
                                                                 "config": {}}])


def _edit(header: dict, path: tuple, value, delete: bool) -> None:
    *parents, last = path
    node = header
    for key in parents:
        node = node[key]
    if delete and isinstance(node, dict):
        del node[last]
    else:
        node[last] = value


@_SETTINGS
@given(kind=KINDS, data=st.data(), value=_JSON_VALUES, delete=st.booleans(),
       forge=st.booleans())
def test_edited_headers_never_escape_and_unsigned_edits_never_load(kind, data, value, delete,
                                                                   forge):
    with np.load(_originals()[kind][0], allow_pickle=False) as f:
        entries = {name: f[name] for name in f.files}
    header = json.loads(entries.pop("__badak__").tobytes().decode())
    paths = [p for p in _paths(header) if p]
    path = data.draw(st.sampled_from(paths))
    _edit(header, path, value, delete)
    if forge:          # a careful forger recomputes the header checksum: any content may load,
        header["header_sha256"] = header_checksum(header)     # but only ModelFileError escapes
    raw = np.frombuffer(json.dumps(header, allow_nan=True).encode(), dtype=np.uint8)
    target = os.path.join(_workdir(), f"edited-{kind}.npz")
    with open(target, "wb") as f:
        np.savez(f, __badak__=raw, **entries)
    try:
        ckpt = load_checkpoint(target)
    except ModelFileError:
        return
    if not forge:
        assert _summary(ckpt) == _originals()[kind][2], f"edit at {path} loaded"


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    shutil.rmtree(_workdir(), ignore_errors=True)
