"""Diagnostics of a network: gradient norms per layer, dead ReLU units, saturated units.

Three things go wrong with the activations of the lecture, and each can be measured:

- **Vanishing gradients.** Backpropagation multiplies the upstream gradient by each layer's
  local gradient. The sigmoid's derivative is at most 0.25, so through L sigmoid layers the
  gradient reaching the first layer is scaled by roughly 0.25^L: in a 10-layer sigmoid network
  the first layer's weights get gradients orders of magnitude smaller than the last layer's,
  and learn almost nothing. ReLU's derivative is 1 for positive inputs, and with He
  initialisation the same network keeps its gradient norms of one order of magnitude.
  :func:`gradient_norms` reads ‖∂L/∂W‖ of every layer after a backward pass;
  :func:`vanishing_gradients` runs the experiment.
- **Dead ReLUs.** A ReLU unit whose input is negative for every sample outputs 0 and passes
  back a gradient of 0, so its weights never change again (a large negative bias, or one big
  update, can do this). :func:`dead_units` counts them on a batch.
- **Saturation.** A sigmoid unit whose output is near 0 or 1 (a tanh unit near ±1) sits on the
  flat part of its curve, where the local gradient σ(1 - σ) or 1 - tanh² is about 0.01 or
  less. :func:`saturated_units` counts them.

The diagnostics only read the model: activations are recorded by running the layers of a
:class:`~badak.nn.Sequential` one after another (no hooks, no global state), in evaluation mode
and without a graph.

Sources: S. Saito, *Deep Learning from Scratch* (2016), §6.2 (activation distributions and
initial weights); X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
feedforward neural networks" (AISTATS 2010); K. He et al., "Delving Deep into Rectifiers"
(ICCV 2015).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from badak._validation import check_number, check_positive_int
from badak.engine.autograd import no_grad
from badak.engine.tensor import Tensor
from badak.i18n import hangul_aware
from badak.nn.activation import ReLU, Sigmoid, Tanh
from badak.nn.container import Sequential
from badak.nn.module import Module

__all__ = [
    "LayerHealth", "UnitReport", "dead_units", "gradient_norms", "layer_outputs",
    "plot_gradient_norms", "plot_unit_health", "saturated_units", "vanishing_gradients",
]


# ---------------------------------------------------------------------------- gradient norms
def _weighted_layers(model: Module) -> list[tuple[str, Module]]:
    """The layers that own a weight matrix (Linear, Maxout, ...), in order, with their names."""
    if not isinstance(model, Module):
        raise TypeError(f"model must be a badak.nn.Module; received {type(model).__name__}")
    layers = []
    for name, m in model.named_modules():
        w = m._parameters.get("weight")
        if w is not None and hasattr(m, "in_features"):
            layers.append((f"{name or '(model)'} ({type(m).__name__})", m))
    return layers


def gradient_norms(model: Module) -> list[tuple[str, float]]:
    """The L2 norm of each layer's weight gradient, ‖∂L/∂W‖, from the input side to the output.

    Call it after ``loss.backward()``. Layers are those that own a weight matrix (Linear,
    Maxout); each is named by its position in the model and its class, e.g. ``'0 (Linear)'``.

    Parameters
    ----------
    model : Module

    Returns
    -------
    list of (str, float)
        ``(layer name, norm)`` per layer, first layer first.

    Raises
    ------
    ValueError
        If the model has no weight layers, or a layer has no gradient yet (no backward pass
        since the last ``zero_grad``).
    """
    layers = _weighted_layers(model)
    if not layers:
        raise ValueError(f"model has no layers with a weight matrix (Linear, Maxout); received "
                         f"{type(model).__name__}")
    norms = []
    for name, layer in layers:
        g = layer.weight.grad
        if g is None:
            raise ValueError(f"layer {name} has no gradient yet: compute a loss and call "
                             f"loss.backward() before gradient_norms(model)")
        norms.append((name, float(np.linalg.norm(np.asarray(g.data, dtype=np.float64)))))
    return norms


def vanishing_gradients(activation: str = "sigmoid", depth: int = 10, width: int = 100,
                        batch: int = 64, init: str | None = None,
                        rng=0) -> list[tuple[str, float]]:
    """Per-layer gradient norms of a deep MLP after one backward pass on random data.

    Builds ``MLP([width] * depth + [1], activation)`` (``depth`` Linear layers), feeds a batch
    of standard-normal inputs, takes the mean squared error against standard-normal targets and
    backpropagates once. With ``'sigmoid'`` the norms shrink by orders of magnitude toward the
    input (each layer multiplies the gradient by σ' ≤ 0.25 and by Wᵀ); with ``'relu'`` they stay
    of one order of magnitude.

    Parameters
    ----------
    activation : str, default='sigmoid'
        A hidden activation of :class:`~badak.nn.MLP` ('sigmoid', 'tanh', 'relu', ...).
    depth : int, default=10
        The number of Linear layers.
    width : int, default=100
        Units per hidden layer (and input features).
    batch : int, default=64
        Samples in the random batch.
    init : str, optional
        Weight initialisation (default: the MLP's, He for ReLU-like and Xavier otherwise).
    rng : None, int or numpy.random.Generator, default=0
        Source of the weights and the data.

    Returns
    -------
    list of (str, float)
        As :func:`gradient_norms`: first layer first.
    """
    from badak.engine.functional import mse_loss
    from badak.engine.random import as_generator
    from badak.nn.mlp import MLP

    depth = check_positive_int("depth", depth)
    width = check_positive_int("width", width)
    batch = check_positive_int("batch", batch)
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (a hidden layer and an output layer); "
                         f"received depth={depth}")
    gen = as_generator(rng)
    model = MLP([width] * depth + [1], activation=activation, init=init, rng=gen)
    x = gen.standard_normal((batch, width)).astype(np.float32)
    y = gen.standard_normal((batch, 1)).astype(np.float32)
    loss = mse_loss(model(x), Tensor._make(y, False))
    loss.backward()
    return gradient_norms(model)


# ---------------------------------------------------------------------------- unit health
def layer_outputs(model: Sequential, x) -> list[tuple[str, Module, np.ndarray]]:
    """Run ``x`` through a Sequential layer by layer and keep every layer's output.

    Nested Sequentials (an MLP inside a Sequential) are walked into, so every leaf layer
    appears once. The model runs in evaluation mode (dropout off) and without a graph; its mode
    is restored afterwards.

    Returns
    -------
    list of (str, Module, ndarray)
        ``(name, layer, output)`` in order; the name is the layer's dotted position and class,
        e.g. ``'1 (ReLU)'``.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a badak.nn.Sequential (or MLP), a chain of layers whose "
                        f"outputs can be read one by one; received {type(model).__name__}")
    leaves: list[tuple[str, Module]] = []

    def walk(seq: Sequential, prefix: str) -> None:
        for key, layer in seq.named_children():
            name = f"{prefix}{key}"
            if isinstance(layer, Sequential):
                walk(layer, name + ".")
            else:
                leaves.append((f"{name} ({type(layer).__name__})", layer))

    walk(model, "")
    was_training = model.training
    model.eval()
    outputs = []
    try:
        with no_grad():
            h = x
            for name, layer in leaves:
                h = layer(h)
                outputs.append((name, layer, np.asarray(h.data)))
    finally:
        model.train(was_training)
    return outputs


@dataclass(frozen=True)
class LayerHealth:
    """One activation layer of a :class:`UnitReport`.

    Attributes
    ----------
    name : str
        The layer's position and class, e.g. ``'3 (ReLU)'``.
    units : int
        Units (features) of the layer.
    flagged : int
        Units that are dead / saturated for every sample of the batch.
    unit_fraction : float
        ``flagged / units``.
    output_fraction : float
        The share of all (sample, unit) outputs that are zero / saturated.
    """

    name: str
    units: int
    flagged: int
    unit_fraction: float
    output_fraction: float


@dataclass(frozen=True)
class UnitReport:
    """Dead or saturated units per layer on one batch, and overall.

    Attributes
    ----------
    kind : str
        'dead' or 'saturated'.
    criterion : str
        What counts, in words.
    layers : list of LayerHealth
    samples : int
        The batch size the report was measured on.
    """

    kind: str
    criterion: str
    layers: list[LayerHealth]
    samples: int

    @property
    def units(self) -> int:
        """All units of the inspected layers."""
        return sum(layer.units for layer in self.layers)

    @property
    def flagged(self) -> int:
        """Units flagged in all inspected layers."""
        return sum(layer.flagged for layer in self.layers)

    @property
    def overall(self) -> float:
        """The fraction of all inspected units that are flagged (0.0 when there are none)."""
        return self.flagged / self.units if self.units else 0.0

    @property
    def output_fraction(self) -> float:
        """The share of all outputs of the inspected layers that are zero / saturated."""
        if not self.units:
            return 0.0
        return sum(layer.output_fraction * layer.units for layer in self.layers) / self.units

    def _rows(self) -> list[tuple[str, ...]]:
        rows = [(layer.name, layer.units, layer.flagged, layer.unit_fraction,
                 layer.output_fraction) for layer in self.layers]
        rows.append(("overall", self.units, self.flagged, self.overall, self.output_fraction))
        return [(name, str(units), str(flagged), f"{100 * uf:.1f}%", f"{100 * of:.1f}%")
                for name, units, flagged, uf, of in rows]

    def _header(self) -> tuple[str, ...]:
        return ("layer", "units", self.kind, f"{self.kind} units",
                "outputs " + ("= 0" if self.kind == "dead" else "saturated"))

    def to_text(self) -> str:
        """An aligned text table with the criterion on top."""
        header, rows = self._header(), self._rows()
        widths = [max(len(c) for c in col) for col in zip(header, *rows)]
        fmt = "  ".join("{:<" + str(w) + "}" for w in widths)
        lines = [f"{self.kind} units on {self.samples} samples: {self.criterion}",
                 fmt.format(*header), fmt.format(*("-" * w for w in widths))]
        return "\n".join(line.rstrip() for line in lines + [fmt.format(*r) for r in rows])

    def to_markdown(self) -> str:
        """A Markdown table (the criterion is left to the surrounding text)."""
        header = self._header()
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in self._rows()])

    def __str__(self) -> str:
        return self.to_text()


def _report(kind: str, criterion: str, model, x, layer_types, flag) -> UnitReport:
    layers = []
    samples = 0
    outputs = layer_outputs(model, x)
    for name, layer, out in outputs:
        if not isinstance(layer, layer_types):
            continue
        out = out.reshape(len(out), -1) if out.ndim > 1 else out.reshape(-1, 1)
        samples = len(out)
        hit = flag(layer, out)  # (N, units) bool
        units = out.shape[1]
        flagged = int(hit.all(axis=0).sum())
        layers.append(LayerHealth(name, units, flagged, flagged / units,
                                  float(hit.mean()) if hit.size else 0.0))
    if not layers:
        names = ", ".join(t.__name__ for t in layer_types)
        raise ValueError(f"model has no {names} layers to inspect for {kind} units; received "
                         f"a model with layers "
                         f"{[type(m).__name__ for _, m, _ in outputs]}")
    return UnitReport(kind, criterion, layers, samples)


def dead_units(model: Sequential, x) -> UnitReport:
    """The ReLU units that output 0 for every sample of the batch ``x``.

    Such a unit passes back a zero gradient for every sample, so the weights feeding it stop
    learning. A few percent is normal; a large fraction (after a too-large learning rate or a
    large negative bias) means part of the network is dead.

    Parameters
    ----------
    model : Sequential
        E.g. an :class:`~badak.nn.MLP` with ReLU activations.
    x : array-like or Tensor, shape (N, features)
        A batch of inputs (the more samples, the more reliable "for every sample" is).

    Returns
    -------
    UnitReport
        Per ReLU layer: units, dead units, their fraction, and the share of zero outputs;
        ``.overall`` over all ReLU layers.
    """
    return _report("dead", "a ReLU unit is dead when it outputs 0 for every sample",
                   model, x, (ReLU,), lambda layer, out: out <= 0)


def saturated_units(model: Sequential, x, threshold: float = 0.99) -> UnitReport:
    """The sigmoid and tanh units that sit on the flat part of their curve.

    An output counts as saturated when a sigmoid's is below ``1 - threshold`` or above
    ``threshold`` (local gradient σ(1 - σ) < 0.0099 for 0.99), or a tanh's ``|y|`` is above
    ``threshold`` (1 - tanh² < 0.02). A unit counts as saturated when all its outputs on the
    batch are.

    Parameters
    ----------
    model : Sequential
    x : array-like or Tensor, shape (N, features)
    threshold : float in (0.5, 1), default=0.99

    Returns
    -------
    UnitReport
        Per sigmoid/tanh layer: units, saturated units, their fraction, and the share of
        saturated outputs.
    """
    t = check_number("threshold", threshold, low=0.5, high=1.0, low_inclusive=False,
                     high_inclusive=False)

    def flag(layer, out):
        if isinstance(layer, Sigmoid):
            return (out < 1 - t) | (out > t)
        return np.abs(out) > t

    criterion = (f"sigmoid output < {1 - t:.3g} or > {t:g}, |tanh output| > {t:g}, for every "
                 f"sample")
    return _report("saturated", criterion, model, x, (Sigmoid, Tanh), flag)


# ---------------------------------------------------------------------------- plots
def _norm_values(norms) -> np.ndarray:
    values = [v[1] if isinstance(v, tuple) else v for v in norms]
    return np.asarray(values, dtype=np.float64)


@hangul_aware
def plot_gradient_norms(reports: Mapping[str, Sequence], path=None, ax=None,
                        title: str | None = None, lang: str = "en"):
    """Gradient norm per layer on a log scale, one line per network.

    Parameters
    ----------
    reports : dict
        Label -> norms (the list of :func:`gradient_norms`, or plain numbers), e.g.
        ``{'sigmoid': vanishing_gradients('sigmoid'), 'relu': vanishing_gradients('relu')}``.
    path : str or PathLike, optional
        Where to save the picture.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from badak.i18n import translator
    from badak.lecture.plots import new_figure, save_figure

    _ = translator(lang)
    if not isinstance(reports, Mapping) or not reports:
        raise ValueError(f"reports must be a non-empty dict label -> per-layer norms; received "
                         f"{type(reports).__name__}")
    if ax is None:
        fig, axes = new_figure(figsize=(6.4, 4.2))
        ax = axes[0, 0]
    else:
        fig = ax.figure
    for label, norms in reports.items():
        values = _norm_values(norms)
        if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"reports[{label!r}] must be finite non-negative norms; received "
                             f"{values.tolist()}")
        ax.semilogy(np.arange(1, len(values) + 1), np.maximum(values, 1e-300), "o-",
                    label=str(label))
    ax.set_xlabel(_("layer (1 = next to the input)"))
    ax.set_ylabel(_("‖∂L/∂W‖ (no unit, log scale)"))
    ax.set_title(title or _("Gradient norm per layer after one backward pass"))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
    return fig


@hangul_aware
def plot_unit_health(reports: Mapping[str, UnitReport] | UnitReport, path=None,
                     title: str | None = None, lang: str = "en"):
    """Bar chart of the fraction of dead / saturated units per layer, one panel per report.

    Parameters
    ----------
    reports : UnitReport or dict label -> UnitReport
        From :func:`dead_units` or :func:`saturated_units`.
    path : str or PathLike, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from badak.i18n import translator
    from badak.lecture.plots import new_figure, save_figure

    _ = translator(lang)
    if isinstance(reports, UnitReport):
        reports = {reports.kind: reports}
    if not isinstance(reports, Mapping) or not reports or \
            not all(isinstance(r, UnitReport) for r in reports.values()):
        raise ValueError("reports must be a UnitReport or a non-empty dict label -> UnitReport")
    fig, axes = new_figure(1, len(reports), figsize=(4.8 * len(reports), 3.8))
    for ax, (label, rep) in zip(axes[0], reports.items()):
        idx = np.arange(len(rep.layers))
        dead = rep.kind == "dead"
        ax.bar(idx - 0.2, [100 * h.unit_fraction for h in rep.layers], 0.4,
               label=_("dead units (on every sample)") if dead else
               _("saturated units (on every sample)"))
        ax.bar(idx + 0.2, [100 * h.output_fraction for h in rep.layers], 0.4,
               label=_("outputs = 0") if dead else _("outputs saturated"))
        ax.set_xticks(idx)
        # hidden layers numbered from the input as the lecture numbers them (은닉층 1, 2, ...)
        ax.set_xticklabels([_("hidden layer {k}").format(k=k) + f"\n{h.name}"
                            for k, h in enumerate(rep.layers, start=1)], fontsize=8)
        ax.set_ylim(0, 105)
        ax.set_ylabel(_("% of the layer"))
        words = (_("{units:.1f}% of units dead on every sample, {outputs:.1f}% of outputs zero")
                 if dead else _("{units:.1f}% of units saturated on every sample, "
                                "{outputs:.1f}% of outputs saturated"))
        ax.set_title(label + "\n" + words.format(units=100 * rep.overall,
                                                 outputs=100 * rep.output_fraction), fontsize=9)
        ax.set_xlabel(_("hidden layer (its position in the Sequential and its kind)"))
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)
    return fig
