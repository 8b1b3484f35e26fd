"""badak.optim.lr_scheduler beyond the PyTorch numbers (in test_pytorch_idioms_nn_optim.py):
the fit contract (``requires_metric``), state dicts, resuming, and every bad argument."""

import numpy as np
import pytest

import badak
from badak.optim import SGD, AdamW, Optimizer
from badak.optim import lr_scheduler as S


def _opt(groups=1, **kwargs):
    params = [badak.tensor(np.zeros(2), requires_grad=True) for _ in range(groups)]
    return SGD([{"params": [p]} for p in params], lr=0.1, **kwargs)


def test_requires_metric_is_the_fit_contract():
    assert S.LRScheduler.requires_metric is False
    for cls in (S.StepLR, S.MultiStepLR, S.ExponentialLR, S.CosineAnnealingLR, S.LambdaLR,
                S.OneCycleLR):
        assert cls.requires_metric is False
    assert S.ReduceLROnPlateau.requires_metric is True


def test_state_dict_round_trip_and_resume():
    opt = _opt()
    sched = S.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        sched.step()
    sd = sched.state_dict()
    assert sd["last_epoch"] == 3 and sd["base_lrs"] == [0.1] and "optimizer" not in sd
    twin_opt = _opt()
    twin_opt.load_state_dict(opt.state_dict())    # carries the groups' initial_lr
    assert twin_opt.param_groups[0]["initial_lr"] == 0.1
    twin = S.StepLR(twin_opt, step_size=2, gamma=0.5, last_epoch=2)
    assert twin.get_last_lr() == sched.get_last_lr() == [0.05]
    twin.load_state_dict(sd)
    twin.step()
    sched.step()
    assert twin.get_last_lr() == sched.get_last_lr() == [0.025]
    plateau = S.ReduceLROnPlateau(_opt(), patience=0)
    plateau.step(1.0)
    plateau.step(2.0)
    assert plateau.get_last_lr() == [pytest.approx(0.01)] and plateau.state_dict()["best"] == 1.0
    plateau.step(float("nan"))  # never an improvement, as in PyTorch
    assert plateau.num_bad_epochs == 0 and plateau.get_last_lr() == [pytest.approx(0.001)]


def test_lambda_lr_state_dict_leaves_the_functions_out():
    sched = S.LambdaLR(_opt(2), [lambda e: 1.0, lambda e: 0.5 ** e])
    sched.step()
    assert "lr_lambdas" not in sched.state_dict()
    assert sched.get_last_lr() == [0.1, 0.05]


def test_one_cycle_cycles_adamw_betas():
    w = badak.tensor(np.zeros(2), requires_grad=True)
    opt = AdamW([w], lr=0.1, betas=(0.9, 0.99))
    S.OneCycleLR(opt, max_lr=0.5, total_steps=4)
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)


BAD = [
    ("not an optimizer", lambda: S.StepLR("sgd", 3), TypeError,
     r"optimizer must be a badak.optim.Optimizer; received str"),
    ("step_size 0", lambda: S.StepLR(_opt(), 0), ValueError,
     r"step_size must be a positive integer; received step_size=0"),
    ("gamma 0", lambda: S.ExponentialLR(_opt(), 0.0), ValueError,
     r"gamma must be > 0\.0; received gamma=0\.0"),
    ("last_epoch -2", lambda: S.StepLR(_opt(), 3, last_epoch=-2), ValueError,
     r"last_epoch must be an integer >= -1 \(-1: start a new schedule\); received "
     r"last_epoch=-2"),
    ("resume without initial_lr", lambda: S.StepLR(_opt(), 3, last_epoch=4), KeyError,
     r"param 'initial_lr' is not specified in param_groups\[0\] when resuming an optimizer"),
    ("milestones an int", lambda: S.MultiStepLR(_opt(), 3), TypeError,
     r"milestones must be a list of epochs \(integers >= 0\); received milestones=3"),
    ("negative milestone", lambda: S.MultiStepLR(_opt(), [2, -1]), ValueError,
     r"milestones\[1\] must be a non-negative integer; received milestones\[1\]=-1"),
    ("T_max 0", lambda: S.CosineAnnealingLR(_opt(), 0), ValueError,
     r"T_max must be a positive integer; received T_max=0"),
    ("eta_min negative", lambda: S.CosineAnnealingLR(_opt(), 5, eta_min=-1), ValueError,
     r"eta_min must be >= 0\.0; received eta_min=-1\.0"),
    ("lambda not callable", lambda: S.LambdaLR(_opt(), 0.5), TypeError,
     r"lr_lambda must be a function of the epoch \(or a list of them\); received float for "
     r"group 0"),
    ("lambdas per group", lambda: S.LambdaLR(_opt(2), [lambda e: 1.0]), ValueError,
     r"lr_lambda must be one function or a list of 2 \(one per parameter group\); received a "
     r"list of 1"),
    ("lambda returns a string", lambda: S.LambdaLR(_opt(), lambda e: "1"), ValueError,
     r"lr_lambda must return a finite number; group 0's function returned '1' at epoch 0"),
    ("one cycle without length", lambda: S.OneCycleLR(_opt(), 1.0), ValueError,
     r"You must define either total_steps OR \(epochs AND steps_per_epoch\); received "
     r"total_steps=None, epochs=None, steps_per_epoch=None"),
    ("one cycle pct_start", lambda: S.OneCycleLR(_opt(), 1.0, 10, pct_start=1.5), ValueError,
     r"pct_start must be in the range \[0\.0, 1\.0\]; received pct_start=1\.5"),
    ("one cycle anneal", lambda: S.OneCycleLR(_opt(), 1.0, 10, anneal_strategy="cosine"),
     ValueError, r"anneal_strategy must be one of \{'cos', 'linear'\}; received "
     r"anneal_strategy='cosine'"),
    ("one cycle max_lr list", lambda: S.OneCycleLR(_opt(), [1.0, 2.0], 10), ValueError,
     r"max_lr must be one number or a list of 1 \(one per parameter group\); received a "
     r"list of 2"),
    ("one cycle no momentum", lambda: S.OneCycleLR(_NoMomentum(), 1.0, 10), ValueError,
     r"optimizer must support momentum or beta1 with the cycle_momentum option enabled"),
    ("plateau mode", lambda: S.ReduceLROnPlateau(_opt(), mode="down"), ValueError,
     r"mode must be one of \{'min', 'max'\}; received mode='down'"),
    ("plateau factor 1", lambda: S.ReduceLROnPlateau(_opt(), factor=1.0), ValueError,
     r"factor must be in the range \(0\.0, 1\.0\); received factor=1\.0"),
    ("plateau patience", lambda: S.ReduceLROnPlateau(_opt(), patience=-1), ValueError,
     r"patience must be a non-negative integer; received patience=-1"),
    ("plateau threshold_mode", lambda: S.ReduceLROnPlateau(_opt(), threshold_mode="percent"),
     ValueError, r"threshold_mode must be one of \{'rel', 'abs'\}; received "
     r"threshold_mode='percent'"),
    ("plateau metric a string", lambda: S.ReduceLROnPlateau(_opt()).step("low"), TypeError,
     r"metrics must be a real number \(e.g. the validation loss\); received metrics='low'"),
    ("plateau without metric", lambda: S.ReduceLROnPlateau(_opt()).step(), TypeError,
     r"missing 1 required positional argument: 'metrics'"),
    ("state_dict not a dict", lambda: S.StepLR(_opt(), 3).load_state_dict([]), TypeError,
     r"state_dict must be a dict made by StepLR.state_dict\(\); received list"),
    ("state_dict keys", lambda: S.StepLR(_opt(), 3).load_state_dict({"last_epoch": 1}),
     ValueError, r"state_dict does not match StepLR: missing \[.*'base_lrs'.*\], unexpected \[\]"),
    ("one cycle past the end", lambda: [s.step() for s in [S.OneCycleLR(_opt(), 1.0, 2)]
                                        for _ in range(3)], ValueError,
     r"Tried to step 3 times. The specified number of total steps is 2"),
]


class _NoMomentum(Optimizer):
    def __init__(self):
        super().__init__([badak.tensor(np.zeros(1), requires_grad=True)],
                         {"lr": 0.1, "clipnorm": None, "clipvalue": None})


@pytest.mark.parametrize(("case", "make", "exc", "match"), BAD, ids=[c[0] for c in BAD])
def test_bad_scheduler_arguments_are_refused(case, make, exc, match):
    with pytest.raises(exc, match=match):
        make()
