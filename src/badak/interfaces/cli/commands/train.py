"""``badak train``: train an MLP on a built-in data set or a CSV file, save it and its pictures."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from badak.i18n import N_, translator
from badak.interfaces.cli.arguments import (
    Phrase,
    not_an_input,
    output_dir,
    output_file,
    parse_int_list,
    parse_name_list,
    parse_nonnegative_float,
    parse_nonnegative_int,
    parse_positive_float,
    parse_positive_int,
    pictures_or_note,
)
from badak.interfaces.cli.trainingdata import BUILTIN, METADATA_KEY
from badak.nn import ACTIVATIONS
from badak.optim import OPTIMIZERS
from badak.training import Callback

NAME = "train"
HELP = N_("train an MLP on a built-in data set or a CSV file and save it")
DESCRIPTION = N_("""Train a multi-layer perceptron and save it with its pictures.

--data is one of {datasets}
or a CSV file (a header row of column names, then rows of values) with --target naming the
column to predict. 20% of the rows are held out for
validation (the test split for boston and mnist5k). A target of words (cat, dog) or of whole
numbers with at most 20 distinct values is a classification (cross-entropy, accuracy),
anything else a regression (mean squared error, MAE); --task overrides. The features are every
other column, or those named by --features, less those named by --drop; they must hold
numbers (a column of words is refused: leave it out with --drop). CSV features are
standardized with the training rows' statistics, which are saved with the model, as are the
feature names and the class labels, so that 'badak predict' applies them too.

Writes into --out: the training curves, the decision boundary (2 features) or predicted
against actual (regression), and the model (model.npz unless --save says otherwise). Neither
may overwrite the data file. Sizes whose arrays would not fit in the available memory are
refused before anything is allocated.""")
EPILOG = N_("""examples:
  badak train --data moons --hidden 16,16 --epochs 50
  badak train --data boston --optimizer rmsprop --epochs 100 --batch-size 16
  badak train --data houses.csv --target price --save houses.npz
  badak train --data pets.csv --target species --drop name""")

WORDS = (N_("validation"), N_("test"), N_("classification"), N_("regression"))
"""Words of the data's description, translated where they are printed."""


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    datasets = ", ".join(BUILTIN)
    parser.description = parser.description.format(datasets=datasets)
    parser.add_argument("--data", required=True, metavar="NAME|FILE.csv",
                        help=_("{datasets}, or a CSV file").format(datasets=datasets))
    parser.add_argument("--target", metavar="COLUMN",
                        help=_("the column to predict (CSV files only)"))
    parser.add_argument("--features", type=parse_name_list, metavar="COLUMNS",
                        help=_("the columns to learn from, comma-separated (CSV files only; "
                               "default: every column but the target)"))
    parser.add_argument("--drop", type=parse_name_list, metavar="COLUMNS",
                        help=_("columns to leave out, comma-separated (CSV files only)"))
    parser.add_argument("--task", choices=("auto", "classification", "regression"),
                        default="auto", help=_("(default: auto, from the target's values)"))
    parser.add_argument("--hidden", type=parse_int_list, default=[64, 64], metavar="SIZES",
                        help=_("hidden layer sizes, comma-separated (default: 64,64)"))
    parser.add_argument("--activation", choices=[a for a in ACTIVATIONS
                                                 if a not in ("softmax", "step")],
                        default="relu", help=_("hidden activation (default: relu)"))
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam",
                        help=_("the optimizer (default: {name})").format(name="adam"))
    parser.add_argument("--lr", type=parse_positive_float,
                        help=_("learning rate (default: the optimizer's, 1e-3 for adam)"))
    parser.add_argument("--epochs", type=parse_positive_int, default=50,
                        help=_("passes over the training data (default: {n})").format(n=50))
    parser.add_argument("--batch-size", type=parse_positive_int, default=32,
                        help=_("samples per step (default: {n})").format(n=32))
    parser.add_argument("--samples", type=parse_positive_int, default=400,
                        help=_("points of a 2-D toy data set (default: 400)"))
    parser.add_argument("--noise", type=parse_nonnegative_float, default=0.1,
                        help=_("noise of a 2-D toy data set (default: 0.1)"))
    parser.add_argument("--seed", type=parse_nonnegative_int, default=0,
                        help=_("seed of the data, the split, the weights and the batches "
                               "(default: 0)"))
    parser.add_argument("--save", metavar="PATH",
                        help=_("where to save the model (default: OUT/model.npz)"))
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help=_("folder for the pictures (default: ./badak-out)"))


class EpochProgress(Callback):
    """Advance a progress display after each epoch, showing the loss."""

    def __init__(self, progress, lang: str = "en") -> None:
        self.progress = progress
        self._ = translator(lang)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        shown = ", ".join(f"{k} {v:.4g}" for k, v in logs.items())
        self.progress.advance(self._("epoch {n}: {logs}").format(
            n=epoch + 1, logs=shown))   # hooks count from 0 (Keras)


def run(args: argparse.Namespace) -> int:
    import badak
    from badak.interfaces.cli.memory import mlp_training_bytes, require_memory
    from badak.interfaces.cli.trainingdata import load_training_data
    from badak.lecture.tour import StepProgress

    _ = translator(args.lang)
    inputs = {} if args.data in BUILTIN else {N_("the data file"): Path(args.data)}
    if args.save:
        save_path = not_an_input(output_file(args.save), "--save", inputs)
    else:
        save_path = not_an_input(Path(args.out) / "model.npz", "--out", inputs)
    out = output_dir(args.out)
    data = load_training_data(args.data, args.target, args.task, args.samples, args.noise,
                              args.seed, args.features, args.drop)
    n_features = data.x_train.shape[1]
    sizes = [n_features, *args.hidden, data.n_outputs]
    require_memory(mlp_training_bytes(sizes, min(args.batch_size, len(data.x_train))),
                   Phrase(N_("the network {sizes}"), sizes="-".join(map(str, sizes))),
                   Phrase(N_("choose smaller --hidden sizes (or --batch-size)")))
    model = badak.nn.MLP(sizes, activation=args.activation, rng=args.seed)
    classify = data.task == "classification"
    loss, metrics = ("cross_entropy", ("accuracy",)) if classify else ("mse", ("mae",))
    print(_("training MLP {sizes} ({activation}) on {data}: {n_train} training and {n_val} "
            "{val_name} rows, {task}, {optimizer}, {epochs} epochs at batch size "
            "{batch_size}").format(sizes="-".join(map(str, sizes)), activation=args.activation,
                                   data=data.name, n_train=len(data.x_train),
                                   n_val=len(data.x_val), val_name=_(data.val_name),
                                   task=_(data.task), optimizer=args.optimizer,
                                   epochs=args.epochs, batch_size=args.batch_size))
    every = max(1, args.epochs // 10)
    with StepProgress(args.epochs, "badak train", enabled=not args.quiet,
                      every=every) as bar:
        history = badak.fit(model, data.x_train, data.y_train, loss=loss,
                            optimizer=args.optimizer, lr=args.lr, epochs=args.epochs,
                            batch_size=args.batch_size,
                            validation_data=(data.x_val, data.y_val), metrics=metrics,
                            rng=args.seed, verbose=0,
                            callbacks=[EpochProgress(bar, args.lang)])
    last = history.last()
    print(_("final: {logs}").format(logs=", ".join(
        f"{k.replace('val_', data.val_name + '_')} {v:.4f}" for k, v in last.items())))
    badak.save(model, save_path, metadata={METADATA_KEY: data.describe()})
    print(_("model: {path}").format(path=save_path))
    if pictures_or_note(args.lang):
        outputs = {N_("the model file"): save_path, **inputs}
        for path in _pictures(model, data, history, out, outputs, args.lang):
            print(_("picture: {path}").format(path=path))
    return 0


def _pictures(model, data, history, out, keep: dict, lang: str = "en") -> list:
    """Draw the pictures into ``out`` in ``lang``; none may overwrite a file of ``keep``
    ({what: path})."""
    import numpy as np

    from badak.lecture.plots import (
        plot_decision_boundary,
        plot_history,
        plot_predictions,
        predict_numpy,
    )

    _ = translator(lang)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(data.name).stem)
    paths = [not_an_input(out / f"{stem}_curves.png", "--out", keep)]
    # the units of the axes: Boston's prices are in $1000s; a CSV target's unit is its own
    unit = _("$1000s") if data.name == "boston" else _("unit of {target}").format(
        target=data.target)
    units = {"loss": _("cross-entropy, nats")} if data.task == "classification" else \
        {"loss": _("MSE, ({unit})²").format(unit=unit), "mae": unit}
    points = _("{data}: {val_name} points").format(data=data.name, val_name=_(data.val_name))
    plot_history(history, path=paths[0], title=_("MLP on {data}").format(data=data.name),
                 lang=lang, units=units)
    if data.task == "classification" and data.x_train.shape[1] == 2:
        paths.append(not_an_input(out / f"{stem}_boundary.png", "--out", keep))
        if data.mean is None:
            plot_decision_boundary(model, data.x_val, data.y_val, path=paths[-1],
                                   title=points, lang=lang)
        else:  # draw the boundary in the data's own units: standardize inside
            mean = data.mean.astype(np.float32)
            scale = data.scale.astype(np.float32)

            def on_raw_inputs(t):
                return model((t - mean) / scale)

            plot_decision_boundary(on_raw_inputs, data.x_val * data.scale + data.mean,
                                   data.y_val, path=paths[-1], title=points, lang=lang)
    elif data.task == "regression":
        paths.append(not_an_input(out / f"{stem}_predictions.png", "--out", keep))
        plot_predictions(data.y_val, predict_numpy(model, data.x_val), path=paths[-1],
                         title=None, lang=lang, unit=unit)
    return paths
