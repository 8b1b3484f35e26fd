"""``badak predict``: run a saved model on the rows of a CSV file."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from badak.cli.arguments import UserError, existing_file, output_file

NAME = "predict"
HELP = "predict the rows of a CSV file with a model saved by 'badak train'"
DESCRIPTION = """Load a model file (saved by 'badak train' or badak.save) and predict every row
of a CSV file (a header row, then rows of numbers). For a model from 'badak train' the columns
are matched by name (extra columns, such as the target, are ignored) and the saved
preprocessing is applied; predicted classes are given in the original labels, with the
probability of each class. For any other model the CSV must have exactly as many columns as
the model has inputs. If the CSV holds the target column, the accuracy or MAE is reported.
Without --output the predictions are printed as CSV."""
EPILOG = """examples:
  badak predict badak-out/model.npz --data new_houses.csv --output preds.csv"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL.npz", help="a model file")
    parser.add_argument("--data", required=True, metavar="FILE.csv",
                        help="the rows to predict")
    parser.add_argument("--output", metavar="PATH",
                        help="write the predictions to this CSV file (default: print them)")


def _in_features(model) -> int | None:
    from badak.training._inputs import first_layer

    layer = first_layer(model)
    return None if layer is None else int(layer.in_features)


def _select_columns(names: list[str], table: np.ndarray, meta: dict, n_in: int | None,
                    path: str) -> np.ndarray:
    features = meta.get("features")
    if features:
        missing = [f for f in features if f not in names]
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise UserError(f"{path} lacks {len(missing)} of the model's {len(features)} "
                            f"feature columns: {shown}")
        return table[:, [names.index(f) for f in features]]
    if n_in is not None and table.shape[1] != n_in:
        raise UserError(f"the model takes {n_in} features but {path} has {table.shape[1]} "
                        f"columns ({', '.join(names)})")
    return table


def run(args: argparse.Namespace) -> int:
    from badak.cli.csvfile import read_csv, write_csv
    from badak.cli.trainingdata import METADATA_KEY, preprocess
    from badak.persistence import load_checkpoint
    from badak.training import predict

    model_path = existing_file(args.model, "the model file")
    output = None if args.output is None else output_file(args.output)
    names, table = read_csv(args.data)
    checkpoint = load_checkpoint(model_path)
    model = checkpoint.model
    meta = checkpoint.metadata.get(METADATA_KEY) or {}
    n_in = _in_features(model)
    x = preprocess(meta, _select_columns(names, table, meta, n_in, args.data))
    out = predict(model, x)                                   # (N, outputs)
    out = out.reshape(len(out), -1)
    target = meta.get("target")
    classes = meta.get("classes")
    if meta.get("task") == "classification" and classes:
        z = out - out.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # softmax of the logits
        index = p.argmax(axis=1)
        labels = np.asarray(classes)[index]
        header = ["prediction"] + [f"p_{c:g}" for c in classes]
        rows = [[_label(v), *row] for v, row in zip(labels, p)]
        score = None
        if target in names:
            truth = table[:, names.index(target)]
            score = f"accuracy on {args.data}: {float(np.mean(labels == truth)):.4f}"
    else:
        header = ["prediction"] if out.shape[1] == 1 else \
            [f"output{i}" for i in range(out.shape[1])]
        rows = out.tolist()
        score = None
        if target in names and out.shape[1] == 1:
            truth = table[:, names.index(target)]
            score = f"MAE on {args.data}: {float(np.mean(np.abs(out[:, 0] - truth))):.4f}"
    write_csv(output, header, rows, stream=sys.stdout)
    info = sys.stdout if output is not None else sys.stderr  # keep printed CSV clean
    if output is not None:
        print(f"predictions for {len(rows)} rows: {output}", file=info)
    if score is not None:
        print(score, file=info)
    return 0


def _label(v: float):
    return int(v) if float(v).is_integer() else float(v)
