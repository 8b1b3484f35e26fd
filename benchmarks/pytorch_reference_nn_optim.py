"""Print the PyTorch numbers that ``tests/test_pytorch_idioms_nn_optim.py`` holds as literals.

    python benchmarks/pytorch_reference_nn_optim.py      # needs torch (2.13.0 was used)

Not a test and not run by the suite (torch is not a test dependency): rerun it after changing a
case, and paste its output over the ``TORCH`` dict of the test module. Every case is computed in
float64. PyTorch's ``nn.Linear`` keeps its weight as (out, in); badak's as (in, out), so the
weights below are given in badak's layout and transposed for torch.
"""

from __future__ import annotations

import math
import pprint

import torch
import torch.nn.functional as F  # noqa: N812

torch.set_default_dtype(torch.float64)

W = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]          # badak layout (in=3, out=2)
B = [0.1, -0.2]
X = [[1.0, 2.0, -1.0], [0.5, -1.5, 2.0], [-0.3, 0.7, 0.2], [1.2, 0.0, -0.8]]
Y = [[1.0, 0.0], [0.0, 1.0], [0.5, -0.5], [-1.0, 2.0]]


def _r(values):
    """Numbers (nested lists too) rounded to 15 digits."""
    if isinstance(values, (list, tuple)):
        return [_r(v) for v in values]
    return round(float(values), 15)


def _lrs(make, steps, metrics=None, momentum=False, groups=1):
    params = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    opt = torch.optim.SGD([{"params": [p], "lr": 0.1 * (k + 1)} for k, p in enumerate(params)],
                          lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs, moms = [], []
    for i in range(steps):
        lrs.append(_r(sched.get_last_lr()))
        moms.append(round(opt.param_groups[0]["momentum"], 15))
        opt.step()
        sched.step(metrics[i]) if metrics else sched.step()
    return {"lrs": lrs, "momentum": moms} if momentum else lrs


def schedulers():
    S = torch.optim.lr_scheduler  # noqa: N806
    return {
        "StepLR": _lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 8, groups=2),
        "MultiStepLR": _lrs(lambda o: S.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1), 8),
        "ExponentialLR": _lrs(lambda o: S.ExponentialLR(o, gamma=0.9), 6),
        "CosineAnnealingLR": _lrs(lambda o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.01), 10),
        "LambdaLR": _lrs(lambda o: S.LambdaLR(o, lambda e: 1.0 / (e + 1)), 5),
        "OneCycleLR": _lrs(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10), 10,
                           momentum=True),
        "OneCycleLR3": _lrs(lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=12,
                                                   anneal_strategy="linear", three_phase=True),
                            12, momentum=True, groups=2),
        "ReduceLROnPlateau": _lrs(lambda o: S.ReduceLROnPlateau(o, patience=1, cooldown=1,
                                                               factor=0.5, min_lr=0.02),
                                  10, metrics=[5, 4, 4, 4, 4, 3, 3, 3, 3, 3]),
        "ReduceLROnPlateauMaxAbs": _lrs(lambda o: S.ReduceLROnPlateau(
            o, mode="max", patience=0, threshold=0.1, threshold_mode="abs"), 6,
            metrics=[1.0, 1.05, 1.2, 1.25, 1.5, 1.5]),
    }


def _model(frozen_bias=False):
    w = torch.tensor(W).T.clone().requires_grad_(True)           # torch layout (out, in)
    b = torch.tensor(B).clone().requires_grad_(not frozen_bias)
    return w, b


def _train(make_opt, steps=3, frozen_bias=False):
    w, b = _model(frozen_bias)
    opt = make_opt(w, b)
    x, y = torch.tensor(X), torch.tensor(Y)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.mse_loss(x @ w.T + b, y)
        loss.backward()
        opt.step()
    return {"W": [_r(row) for row in w.detach().T.tolist()], "b": _r(b.detach().tolist())}


def optimizers():
    O = torch.optim  # noqa: N806
    return {
        "sgd_momentum_wd": _train(lambda w, b: O.SGD([w, b], lr=0.1, momentum=0.9,
                                                     weight_decay=0.01)),
        "sgd_nesterov": _train(lambda w, b: O.SGD([w, b], lr=0.1, momentum=0.9, nesterov=True,
                                                  weight_decay=0.05)),
        "sgd_groups": _train(lambda w, b: O.SGD([{"params": [w], "lr": 0.2},
                                                 {"params": [b], "momentum": 0.5}],
                                                lr=0.01, momentum=0.9)),
        "sgd_frozen_bias": _train(lambda w, b: O.SGD([w, b], lr=0.1), frozen_bias=True),
        "adamw": _train(lambda w, b: O.AdamW([w, b], lr=0.05)),
        "adamw_groups": _train(lambda w, b: O.AdamW([{"params": [w], "weight_decay": 0.5},
                                                     {"params": [b], "lr": 0.01}],
                                                    lr=0.05, betas=(0.8, 0.99))),
        "adam_wd": _train(lambda w, b: O.Adam([w, b], lr=0.05, weight_decay=0.1, eps=1e-8)),
        "adagrad_wd": _train(lambda w, b: O.Adagrad([w, b], lr=0.1, weight_decay=0.1,
                                                    eps=1e-10)),
    }


LOGITS = [[0.3, -1.2, 2.0], [1.5, -0.7, 0.1], [-0.4, 0.9, 0.0], [2.2, 0.1, -1.0]]
LABELS = [2, 0, 1, 1]


def _loss_case(fn, x, *args, **kwargs):
    xt = torch.tensor(x, requires_grad=True)
    out = fn(xt, *args, **kwargs)
    out.sum().backward()
    return {"loss": _r(out.detach().tolist()), "grad": _r(xt.grad.tolist())}


def losses():
    lab = torch.tensor(LABELS)
    wgt = torch.tensor([1.0, 2.0, 0.5])
    soft = [[1.0, 0.5, 1.0], [0.0, 0.0, 0.0]]
    probs = [[0.2, 0.7], [0.9, 0.4]]
    tgt01 = torch.tensor([[0.0, 1.0], [1.0, 0.5]])
    pred = [[0.5, -1.0, 2.5], [3.0, 0.2, -0.1]]
    tgt = torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.5]])
    out = {}
    for red in ("mean", "sum", "none"):
        out[f"ce_{red}"] = _loss_case(F.cross_entropy, LOGITS, lab, reduction=red)
        out[f"ce_weight_{red}"] = _loss_case(F.cross_entropy, LOGITS, lab, weight=wgt,
                                             reduction=red)
        out[f"nll_weight_{red}"] = _loss_case(F.nll_loss, LOGITS, lab, weight=wgt, reduction=red)
        out[f"bce_{red}"] = _loss_case(F.binary_cross_entropy, probs, tgt01, reduction=red)
        out[f"huber_{red}"] = _loss_case(F.huber_loss, pred, tgt, reduction=red, delta=1.5)
        out[f"smoothl1_{red}"] = _loss_case(F.smooth_l1_loss, pred, tgt, reduction=red, beta=0.5)
        out[f"mse_{red}"] = _loss_case(F.mse_loss, pred, tgt, reduction=red)
        out[f"l1_{red}"] = _loss_case(F.l1_loss, pred, tgt, reduction=red)
        out[f"bcelogits_{red}"] = _loss_case(F.binary_cross_entropy_with_logits, pred, tgt,
                                             reduction=red)
    out["ce_ignore_index"] = _loss_case(F.cross_entropy, LOGITS, torch.tensor([2, -100, 1, 0]))
    out["ce_ignore_index_1"] = _loss_case(F.cross_entropy, LOGITS, lab, ignore_index=1,
                                          weight=wgt)
    out["ce_label_smoothing"] = _loss_case(F.cross_entropy, LOGITS, lab, label_smoothing=0.1)
    out["ce_label_smoothing_weight"] = _loss_case(F.cross_entropy, LOGITS, lab, weight=wgt,
                                                  label_smoothing=0.2)
    out["ce_label_smoothing_ignore"] = _loss_case(F.cross_entropy, LOGITS, lab, ignore_index=0,
                                                  label_smoothing=0.3)
    out["ce_soft_rows_not_summing_to_1"] = _loss_case(F.cross_entropy, LOGITS[:1] + LOGITS[1:2],
                                                      torch.tensor(soft))
    out["ce_soft_smoothing"] = _loss_case(F.cross_entropy, LOGITS[:2], torch.tensor(soft),
                                          label_smoothing=0.2)
    out["ce_soft_weight"] = _loss_case(F.cross_entropy, LOGITS[:2], torch.tensor(soft),
                                       weight=wgt)
    out["bcelogits_pos_weight"] = _loss_case(F.binary_cross_entropy_with_logits, pred, tgt,
                                             pos_weight=torch.tensor([1.0, 2.0, 3.0]))
    out["bce_weight"] = _loss_case(F.binary_cross_entropy, probs, tgt01,
                                   weight=torch.tensor([2.0, 0.5]))
    return out


def init_bounds():
    w = torch.empty(5, 3)  # torch (out=5, in=3): badak (in=3, out=5)
    fan_in, fan_out = 3, 5
    return {
        "xavier_uniform_bound": math.sqrt(6.0 / (fan_in + fan_out)),
        "kaiming_uniform_bound_relu": torch.nn.init.calculate_gain("relu") *
        math.sqrt(3.0 / fan_in),
        "kaiming_normal_std_fan_out": torch.nn.init.calculate_gain("leaky_relu", 0.2) /
        math.sqrt(fan_out),
        "xavier_normal_std_gain2": 2.0 * math.sqrt(2.0 / (fan_in + fan_out)),
        "fans": list(torch.nn.init._calculate_fan_in_and_fan_out(w)),
    }


def containers():
    nn = torch.nn
    from collections import OrderedDict

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)])
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 2)})
            self.seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
            self.register_buffer("running", torch.zeros(2))
            self.register_buffer("scratch", torch.zeros(1), persistent=False)

    net = Net()
    return {
        "state_dict_keys": list(net.state_dict()),
        "named_modules": [n for n, _ in net.named_modules()],
        "named_children": [n for n, _ in net.named_children()],
        "named_buffers": [n for n, _ in net.named_buffers()],
        "num_parameters": sum(p.numel() for p in net.parameters()),
    }


if __name__ == "__main__":
    print(f"# torch {torch.__version__}")
    pprint.pprint({"schedulers": schedulers(), "optimizers": optimizers(), "losses": losses(),
                   "init": init_bounds(), "containers": containers()}, width=100,
                  sort_dicts=False)
