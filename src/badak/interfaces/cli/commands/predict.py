"""``badak predict``: run a saved model on the rows of a CSV file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import numpy as np

from badak.i18n import N_, translator
from badak.interfaces.cli.arguments import UserError, existing_file, not_an_input, output_file

NAME = "predict"
HELP = N_("predict the rows of a CSV file with a model saved by 'badak train'")
DESCRIPTION = N_("""Load a model file (saved by 'badak train' or badak.save) and predict every row
of a CSV file (a header row, then rows of values). For a model from 'badak train' the columns
are matched by name (extra columns, such as the target or columns of words, are ignored) and
the saved preprocessing is applied; predicted classes are given in the original labels
(numbers or words), with the probability of each class. The description 'badak train' saved
with the model is checked against the model first: a malformed or edited one is an error. For
any other model the CSV must have exactly as many columns as the model has inputs, all
numbers. If the CSV holds the target column, the accuracy or MAE is reported. Without
--output the predictions are printed as CSV; --output may not be the model or the data.""")
EPILOG = N_("""examples:
  badak predict badak-out/model.npz --data new_houses.csv --output preds.csv""")


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("model", metavar="MODEL.npz", help=_("a model file"))
    parser.add_argument("--data", required=True, metavar="FILE.csv",
                        help=_("the rows to predict"))
    parser.add_argument("--output", metavar="PATH",
                        help=_("write the predictions to this CSV file (default: print them)"))


def _select_columns(table, meta: dict, n_in: int | None) -> np.ndarray:
    """The model's input columns as numbers: by name (a name -> index map) for a model from
    'badak train', all of them for any other model."""
    features = meta.get("features")
    if features:
        missing = [f for f in features if f not in table.index]
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise UserError(N_("{path} lacks {n} of the model's {total} feature columns: "
                               "{shown}"), path=table.path, n=len(missing),
                            total=len(features), shown=shown)
        return table.numbers(features)
    names = table.names
    if n_in is not None and len(names) != n_in:
        shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
        raise UserError(N_("the model takes {n} features but {path} has {columns} columns "
                           "({shown})"), n=n_in, path=table.path, columns=len(names),
                        shown=shown)
    return table.numbers(names)


def run(args: argparse.Namespace) -> int:
    from badak.interfaces.cli.csvfile import read_table, write_csv
    from badak.interfaces.cli.trainingdata import preprocess
    from badak.persistence import load_checkpoint, validated_cli_metadata
    from badak.persistence.cli_metadata import model_io_sizes
    from badak.training import predict

    _ = translator(args.lang)
    model_path = existing_file(args.model, N_("the model file"))
    data_path = existing_file(args.data, N_("the CSV file"))
    output = None
    if args.output is not None:
        output = not_an_input(output_file(args.output), "--output",
                              {N_("the model file"): model_path, N_("the data file"): data_path})
    table = read_table(data_path)
    checkpoint = load_checkpoint(model_path)
    model = checkpoint.model
    # a malformed 'badak_cli' entry is a ModelFileError, which main() prints as one line
    # 'badak: error: ...' with exit code 2, like every other fault of the file
    meta = validated_cli_metadata(model, checkpoint.metadata, model_path)
    n_in, _n_out = model_io_sizes(model)
    x = preprocess(meta, _select_columns(table, meta, n_in))
    out = predict(model, x)                                   # (N, outputs)
    out = out.reshape(len(out), -1)
    target = meta.get("target")
    classes = meta.get("classes")
    score = None
    if meta.get("task") == "classification":
        z = out - out.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # softmax of the logits
        index = p.argmax(axis=1)
        labels = [_label(classes[i]) for i in index]
        header = ["prediction"] + [f"p_{_label(c)}" for c in classes]
        rows = [[label, *row] for label, row in zip(labels, p)]
        if target in table.index:
            if isinstance(classes[0], str):
                truth = table.words(target)
                right = np.mean([a == b for a, b in zip(labels, truth)])
            else:
                right = np.mean(np.asarray(classes)[index] == table.numbers([target])[:, 0])
            score = _("accuracy on {data}: {value:.4f}").format(data=args.data,
                                                                value=float(right))
    else:
        header = ["prediction"] if out.shape[1] == 1 else \
            [f"output{i}" for i in range(out.shape[1])]
        rows = out.tolist()
        if target in table.index and out.shape[1] == 1:
            truth = table.numbers([target])[:, 0]
            score = _("MAE on {data}: {value:.4f}").format(
                data=args.data, value=float(np.mean(np.abs(out[:, 0] - truth))))
    write_csv(output, header, rows, stream=sys.stdout)
    info = sys.stdout if output is not None else sys.stderr  # keep printed CSV clean
    if output is not None:
        print(_("predictions for {n} rows: {path}").format(n=len(rows), path=output), file=info)
    if score is not None:
        print(score, file=info)
    return 0


def _label(v):
    """A class label as printed: a word as it is, a whole number without '.0'."""
    if isinstance(v, str):
        return v
    return int(v) if float(v).is_integer() else float(v)
