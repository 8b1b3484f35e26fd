"""Interrupted training (issue 7): a run killed by SIGKILL resumes to the same weights, bit for bit.

A real training process checkpoints after every epoch (``save_checkpoint``: model, Adam state,
epoch, step and the generator that drives both the shuffling and the dropout masks). It is killed
with ``SIGKILL`` at a random moment after its first checkpoint exists, possibly in the middle of
writing the next one. The checkpoint under the real name must load, and resuming from it (and
then being killed and resuming once more) must end with exactly the weights of a run that was never
interrupted.
"""

import os
import random
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from badak.persistence import load, load_checkpoint
from helpers import run_and_kill

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

EPOCHS = 100

TRAIN = textwrap.dedent("""
    import sys, time
    import numpy as np
    import badak
    from badak import nn, optim
    from badak.data import DataLoader
    from badak.persistence import load_checkpoint, save, save_checkpoint

    mode, checkpoint, final, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    data = np.random.default_rng(0)
    x = data.normal(size=(256, 4)).astype(np.float32)
    y = np.sin(x).sum(axis=1, keepdims=True).astype(np.float32)

    if mode == "fresh":
        rng = np.random.default_rng(1234)    # shuffling, dropout masks and initial weights
        model = nn.MLP([4, 32, 32, 1], activation="tanh", dropout=0.1, rng=rng)
        optimizer = optim.Adam(model.parameters(), lr=1e-2)
        start, step = 0, 0
    else:
        ckpt = load_checkpoint(checkpoint)
        model, rng = ckpt.model, ckpt.generator()
        for m in model.modules():            # dropout draws from the restored generator again
            if isinstance(m, nn.Dropout):
                m.rng = rng
        optimizer = ckpt.restore_optimizer(optim.Adam(model.parameters(), lr=1e-2))
        start, step = ckpt.epoch, ckpt.step

    loader = DataLoader(x, y, batch_size=16, shuffle=True, rng=rng)
    loss_fn = nn.MSELoss()
    began = time.perf_counter()
    for epoch in range(start, epochs):
        model.train()
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(badak.tensor(xb)), badak.tensor(yb))
            loss.backward()
            optimizer.step()
            step += 1
        save_checkpoint(checkpoint, model, optimizer, epoch=epoch + 1, step=step, rng=rng)
    save(model, final)
    print(f"trained {epochs - start} epochs in {time.perf_counter() - began:.3f} s")
""")


def _run(script, *args):
    done = subprocess.run([sys.executable, str(script), *map(str, args)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return float(done.stdout.split(" in ")[1].split()[0])


def _inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def _kill_at_random(script, checkpoint, final, max_delay, moments):
    """Start a run (fresh, or resumed from ``checkpoint``), wait until it has written a checkpoint,
    sleep a random time up to ``max_delay`` s, SIGKILL it; return the checkpoint it left.

    Should the run finish before the kill (a machine faster than the timing suggested), the
    checkpoint is put back as it was and the attempt repeated with a shorter delay.
    """
    previous = checkpoint.read_bytes() if checkpoint.exists() else None
    before = load_checkpoint(checkpoint).epoch if previous else 0
    mode = "resume" if previous else "fresh"
    old_inode = _inode(checkpoint)
    for _ in range(4):
        delay = moments.uniform(0.0, max_delay)
        # ready once this process has written a checkpoint of its own: every atomic write
        # renames a new file (a new inode) onto the name
        returncode = run_and_kill([script, mode, checkpoint, final, EPOCHS],
                                  lambda: _inode(checkpoint) not in (None, old_inode), delay)
        if returncode == -signal.SIGKILL:
            break
        assert returncode == 0
        final.unlink()
        if previous is None:
            checkpoint.unlink()
        else:
            checkpoint.write_bytes(previous)
        max_delay /= 4
    assert returncode == -signal.SIGKILL, "four runs ended before they could be killed"
    ckpt = load_checkpoint(checkpoint)     # the real name always holds a complete checkpoint
    assert before < ckpt.epoch <= EPOCHS, (before, ckpt.epoch, delay)
    return ckpt, delay


def test_killed_training_resumes_to_identical_weights(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    # the run that is never interrupted
    seconds = _run(script, "fresh", tmp_path / "straight.npz", tmp_path / "straight-final.npz",
                   EPOCHS)
    expected = load(tmp_path / "straight-final.npz").state_dict()

    # the same run killed twice at random moments, resumed each time
    per_epoch = seconds / EPOCHS
    moments = random.Random(os.urandom(8))
    checkpoint, final = tmp_path / "run.npz", tmp_path / "run-final.npz"
    first, delay1 = _kill_at_random(script, checkpoint, final, 0.4 * seconds, moments)
    remaining = (EPOCHS - first.epoch - 1) * per_epoch
    second, delay2 = _kill_at_random(script, checkpoint, final, 0.5 * remaining, moments)
    final.unlink(missing_ok=True)           # in case the kill came after the very last save
    _run(script, "resume", checkpoint, final, EPOCHS)

    resumed = load(final).state_dict()
    context = (f"killed {delay1:.4f} s and {delay2:.4f} s after a checkpoint, at epochs "
               f"{first.epoch} and {second.epoch} of {EPOCHS}")
    assert list(resumed) == list(expected)
    for name in expected:
        assert np.array_equal(resumed[name], expected[name]), f"{name} differs; {context}"
    # not trivially: the weights at the first kill were still far from the final ones
    assert not np.array_equal(first.model.state_dict()["0.weight"], expected["0.weight"])
    # leftovers of a write cut short are hidden temporary files, never the real name
    for leftover in set(os.listdir(tmp_path)) - {"train.py", "straight.npz", "straight-final.npz",
                                                 "run.npz", "run-final.npz"}:
        assert leftover.startswith(".run.npz.") and leftover.endswith(".tmp"), leftover


HANG_MID_WRITE = textwrap.dedent("""
    import sys, time
    import numpy as np
    from badak import nn
    from badak.persistence import save_checkpoint

    path = sys.argv[1]
    model = nn.MLP([4, 8, 1], rng=0)
    save_checkpoint(path, model, epoch=1)
    real_write_array, calls = np.lib.format.write_array, []

    def write_then_hang(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:                 # header and one parameter written: hang here
            fp.flush()
            print("writing", flush=True)
            time.sleep(60)
        return real_write_array(fp, array, *args, **kwargs)

    np.lib.format.write_array = write_then_hang
    save_checkpoint(path, nn.MLP([4, 8, 1], rng=1), epoch=2)
""")


def test_kill_in_the_middle_of_a_write_keeps_the_previous_checkpoint(tmp_path):
    script, path = tmp_path / "hang.py", tmp_path / "ckpt.npz"
    script.write_text(HANG_MID_WRITE)
    proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "writing\n", proc.stderr.read()
        before = path.read_bytes()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    leftovers = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".ckpt.npz.")
    assert 0 < (tmp_path / leftovers[0]).stat().st_size    # the half-written new file
    assert path.read_bytes() == before                      # the old one, untouched
    assert load_checkpoint(path).epoch == 1
