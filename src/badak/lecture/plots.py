"""Plots of training and of models: curves, K-fold averages, decision boundaries, predictions.

matplotlib is an optional extra (``pip install badak[plot]``), imported only when a plot is made.
Figures are built with :class:`matplotlib.figure.Figure` directly rather than ``pyplot``, so no
global figure state is touched and no display is needed; each function returns its Figure and
saves it when given a ``path``.
"""

from __future__ import annotations

import os

import numpy as np

from badak.i18n import N_, hangul_aware

DEFAULT_UNITS = {"accuracy": N_("fraction, 0 to 1")}
"""The unit of a quantity whose unit never depends on the data (translated when drawn)."""

AXIS_NAMES = {"loss": N_("loss"), "accuracy": N_("accuracy"), "mae": N_("MAE"),
              "mse": N_("MSE")}
"""The y-axis name of the usual quantities of a history (other names are shown as they are)."""


def new_figure(nrows: int = 1, ncols: int = 1, figsize=(6.4, 4.8), **kwargs):
    """Return ``(fig, axes)``: a matplotlib Figure with a grid of axes, without pyplot."""
    try:
        from matplotlib.figure import Figure
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'badak[plot]'") from e
    fig = Figure(figsize=figsize)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def save_figure(fig, path: str | os.PathLike | None, dpi: int = 100) -> None:
    """Save ``fig`` to ``path`` (format from the extension) when a path is given.

    Texts with Hangul get a Hangul font first (:func:`badak.i18n.use_hangul_font`), so Korean
    labels never render as empty boxes.
    """
    if path is not None:
        from badak.i18n import use_hangul_font

        use_hangul_font(fig)
        fig.savefig(os.fspath(path), dpi=dpi)


def _curves_of(history) -> dict[str, list[float]]:
    curves = getattr(history, "history", history)
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"history must be a badak History or a non-empty dict of per-epoch "
                         f"lists; received {type(history).__name__}")
    return curves


def _bases(curves, metrics):
    bases = [k for k in curves if not k.startswith("val_")]
    if metrics is not None:
        unknown = [m for m in metrics if m not in bases]
        if unknown:
            raise ValueError(f"metrics must be among {bases}; received {unknown}")
        bases = list(metrics)
    return bases


def _words(lang: str):
    from badak.i18n import translator

    return translator(lang)


def _curve_name(key: str, _) -> str:
    """'loss' -> 'training loss', 'val_mae' -> 'validation mae' (translated)."""
    if key.startswith("val_"):
        return _("validation {name}").format(name=key[4:])
    return _("training {name}").format(name=key)


@hangul_aware
def plot_history(history, metrics=None, path=None, title: str | None = None,
                 lang: str = "en", units: dict | None = None):
    """Training curves: one panel per quantity (loss, mae, ...) with its ``val_`` twin.

    Parameters
    ----------
    history : History or dict
        ``History.history`` maps names such as 'loss', 'val_loss', 'mae' to per-epoch values.
    metrics : list of str, optional
        The quantities to show (default: all).
    path : str or PathLike, optional
        Where to save the picture.
    lang : {'en', 'ko'}, default='en'
        The language of the labels.
    units : dict, optional
        The unit of each quantity for its axis label, e.g. ``{'mae': '$1000s'}``; accuracy
        is a fraction from 0 to 1 unless this says otherwise (:data:`DEFAULT_UNITS`). The
        loss's unit depends on the loss and the data (cross-entropy in nats, MSE in the
        target's unit squared), so only the caller can give it.
    """
    _ = _words(lang)
    units = {**{k: _(v) for k, v in DEFAULT_UNITS.items()}, **(units or {})}
    curves = _curves_of(history)
    bases = _bases(curves, metrics)
    fig, axes = new_figure(1, len(bases), figsize=(4.2 * len(bases), 3.6))
    for ax, base in zip(axes[0], bases):
        epochs = np.arange(1, len(curves[base]) + 1)
        ax.plot(epochs, curves[base], label=_curve_name(base, _))
        if f"val_{base}" in curves:
            ax.plot(epochs, curves[f"val_{base}"], label=_curve_name(f"val_{base}", _))
        ax.set_xlabel(_("epoch (passes over the training data)"))
        name = _(AXIS_NAMES[base]) if base in AXIS_NAMES else base
        ax.set_ylabel(f"{name} ({units[base]})" if base in units else name)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    save_figure(fig, path)
    return fig


@hangul_aware
def plot_cv(result, metrics=None, path=None, skip: int = 0, lang: str = "en",
            units: dict | None = None, mark_best: bool = False):
    """Averaged K-fold curves (bold) over the per-fold curves (thin), as in the notebook.

    Parameters
    ----------
    result : CVResult
        From :func:`badak.cross_validate` (``.histories`` and ``.mean_curves``).
    skip : int
        Leave out the first ``skip`` epochs (the notebook drops the first 10 to see the scale).
    lang : {'en', 'ko'}, default='en'
    units : dict, optional
        The unit of each quantity for its axis label, e.g. ``{'mae': '$1000s'}`` (accuracy:
        see :func:`plot_history`).
    mark_best : bool, default=False
        Mark the epoch of the lowest mean validation value: after it the model overfits.
    """
    _ = _words(lang)
    units = {**{k: _(v) for k, v in DEFAULT_UNITS.items()}, **(units or {})}
    mean = _curves_of(getattr(result, "mean_curves", None))
    bases = _bases(mean, metrics)
    fig, axes = new_figure(1, len(bases), figsize=(6.4 * len(bases), 4.6))
    for ax, base in zip(axes[0], bases):
        for key, style in ((base, "-"), (f"val_{base}", "--")):
            if key not in mean:
                continue
            epochs = np.arange(1, len(mean[key]) + 1)[skip:]
            for h in getattr(result, "histories", []):
                ax.plot(epochs, _curves_of(h)[key][skip:], style, color="0.8", lw=0.8)
            ax.plot(epochs, mean[key][skip:], style, lw=2,
                    label=_("mean {curve} over the folds").format(curve=_curve_name(key, _)))
        val = mean.get(f"val_{base}")
        if mark_best and val is not None:
            best = int(np.argmin(val))
            ax.axvline(best + 1, color="tab:red", ls=":", lw=1.2,
                       label=_("lowest validation {name} (epoch {e}): overfitting after").format(
                           name=base, e=best + 1))
        ax.set_xlabel(_("epoch (passes over the training data)"))
        name = _("MAE (mean absolute error)") if base == "mae" else base
        ax.set_ylabel(f"{name}, {units[base]}" if base in units else name)
        ax.legend(fontsize="small")
    fig.suptitle(_("{k}-fold cross-validation").format(
        k=len(getattr(result, "histories", []))))
    fig.tight_layout()
    save_figure(fig, path)
    return fig


def predict_numpy(model, x) -> np.ndarray:
    """Run ``model`` (a badak Module or any callable) on ``x`` in eval mode, without a graph."""
    from badak.engine.autograd import no_grad
    from badak.engine.tensor import Tensor

    was_training = getattr(model, "training", None)
    if was_training is not None:
        model.eval()
    try:
        with no_grad():
            out = model(Tensor._make(np.asarray(x, dtype=_dtype_of(model)), False))
    finally:
        if was_training:
            model.train()
    return np.asarray(out.data if isinstance(out, Tensor) else out)


def _dtype_of(model):
    params = getattr(model, "parameters", None)
    if params is not None:
        for p in params():
            return p.dtype
    return np.float32


def _classes(scores: np.ndarray) -> np.ndarray:
    if scores.ndim == 2 and scores.shape[1] > 1:
        return scores.argmax(axis=1)
    return (scores.reshape(len(scores)) > 0).astype(int)


@hangul_aware
def plot_decision_boundary(model, x, y, path=None, resolution: int = 200, ax=None,
                           title: str | None = None, lang: str = "en"):
    """The regions a 2-D classifier assigns to each class, with the samples on top.

    ``model`` maps (N, 2) inputs to logits (N, C) (argmax) or to one score (N, 1) (> 0).
    Red regions and points are class 1, blue class 0 (the legend says so).
    """
    _ = _words(lang)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2) for a decision boundary; received "
                         f"{x.shape}")
    if len(y) != len(x):
        raise ValueError(f"y must have one label per row of x ({len(x)}); received {len(y)}")
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-9
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    regions = _classes(predict_numpy(model, grid)).reshape(gx.shape)
    if ax is None:
        fig, axes = new_figure(figsize=(5, 4.5))
        ax = axes[0, 0]
    else:
        fig = ax.figure
    ax.contourf(gx, gy, regions, alpha=0.3, cmap="coolwarm")
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=18)
    from matplotlib.patches import Patch

    cmap = __import__("matplotlib").colormaps["coolwarm"]
    classes = np.unique(y)
    if len(classes) <= 6:
        span = max(classes.max() - classes.min(), 1)
        ax.legend(handles=[Patch(color=cmap(float((c - classes.min()) / span)), alpha=0.6,
                                 label=_("class {c} (region and points)").format(c=c))
                           for c in classes], fontsize="x-small", loc="upper right")
    ax.set_xlabel(_("input x1 (no unit)"))
    ax.set_ylabel(_("input x2 (no unit)"))
    if title:
        ax.set_title(title)
    save_figure(fig, path)
    return fig


@hangul_aware
def plot_predictions(y_true, y_pred, path=None, title: str | None = None, lang: str = "en",
                     unit: str | None = None):
    """Predicted against actual values of a regression, with the line of perfect prediction.

    Parameters
    ----------
    unit : str, optional
        The unit of the target (e.g. ``'$1000s'``), shown on both axes and with the MAE.
    lang : {'en', 'ko'}, default='en'
        The language of the labels.
    """
    _ = _words(lang)
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_pred must have one value per y_true ({y_true.size}); received "
                         f"{y_pred.size}")
    fig, axes = new_figure(figsize=(4.8, 4.6))
    ax = axes[0, 0]
    ax.scatter(y_true, y_pred, s=12, alpha=0.7)
    lo, hi = min(y_true.min(), y_pred.min()), max(y_true.max(), y_pred.max())
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label=_("perfect prediction"))
    shown = _("no unit") if unit is None else unit
    ax.set_xlabel(_("actual value ({unit})").format(unit=shown))
    ax.set_ylabel(_("predicted value ({unit})").format(unit=shown))
    mae = float(np.abs(y_true - y_pred).mean())
    mae_text = f"{mae:.2f}" if unit is None else f"{mae:.2f} {unit}"
    ax.set_title(title or _("predicted vs actual (MAE {mae})").format(mae=mae_text))
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
    return fig
