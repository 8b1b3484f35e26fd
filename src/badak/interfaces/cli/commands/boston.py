"""``badak boston``: the Boston housing notebook, K-fold cross-validation of an MLP."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from badak.i18n import N_, translator
from badak.interfaces.cli.arguments import (
    Phrase,
    UserError,
    output_dir,
    parse_int_list,
    parse_nonnegative_int,
    parse_positive_float,
    parse_positive_int,
    pictures_or_note,
)
from badak.lecture.reference import (
    CV_BATCH_SIZE,
    CV_EPOCHS,
    CV_FOLDS,
    FINAL_BATCH_SIZE,
    FINAL_EPOCHS,
    LEARNING_RATE,
)
from badak.optim import OPTIMIZERS

NAME = "boston"
HELP = N_("K-fold cross-validation of the Boston housing MLP (the Keras notebook)")
DESCRIPTION = N_("""The Keras notebook's regression on Boston housing (Chollet, Deep Learning with
Python, 4.3): 404 training houses, 13 standardized features, an MLP 13-64-64-1 trained on the
mean squared error, K-fold cross-validation on contiguous folds. Prints each fold's final
validation MAE (in $1000s) and their mean, and saves the averaged curves as boston_cv.png in
--out. With --final, also trains the book's final model on all 404 houses (80 epochs at batch
size 16) and prints its MAE on the 102 test houses. Note: the data set's feature B encodes a
racist assumption; badak ships it only to reproduce the lecture.""")
EPILOG = N_("""examples:
  badak boston                                   the notebook: 4 folds, 100 epochs, batch 1
  badak boston --epochs 20 --batch-size 16 --final
  badak boston --seeds 3                         the spread over three seeds""")


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--folds", type=parse_positive_int, default=CV_FOLDS,
                        help=_("number of folds K, at least 2 (default: {n})").format(n=CV_FOLDS))
    parser.add_argument("--epochs", type=parse_positive_int, default=CV_EPOCHS,
                        help=_("epochs per fold (default: {n})").format(n=CV_EPOCHS))
    parser.add_argument("--batch-size", type=parse_positive_int, default=CV_BATCH_SIZE,
                        help=_("samples per step (default: {n}, as in the notebook)").format(
                            n=CV_BATCH_SIZE))
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="rmsprop",
                        help=_("the optimizer (default: {name})").format(name="rmsprop"))
    parser.add_argument("--lr", type=parse_positive_float, default=LEARNING_RATE,
                        help=_("learning rate (default: {lr:g}, Keras' RMSprop default)").format(
                            lr=LEARNING_RATE))
    parser.add_argument("--hidden", type=parse_int_list, default=[64, 64], metavar="SIZES",
                        help=_("hidden layer sizes, comma-separated (default: 64,64)"))
    parser.add_argument("--seeds", type=parse_positive_int, default=1, metavar="N",
                        help=_("repeat the cross-validation with N seeds (default: 1)"))
    parser.add_argument("--seed", type=parse_nonnegative_int, default=0,
                        help=_("first seed (default: 0)"))
    parser.add_argument("--final", action="store_true",
                        help=_("also train the final model on all training houses and print "
                               "the test MAE"))
    parser.add_argument("--final-epochs", type=parse_positive_int, default=FINAL_EPOCHS,
                        metavar="N",
                        help=_("epochs of the final model (default: {n}, the book's)").format(
                            n=FINAL_EPOCHS))
    parser.add_argument("--final-batch-size", type=parse_positive_int, default=FINAL_BATCH_SIZE,
                        metavar="N",
                        help=_("batch size of the final model (default: {n}, the book's)").format(
                            n=FINAL_BATCH_SIZE))
    parser.add_argument("--out", default="badak-out", metavar="DIR",
                        help=_("folder for boston_cv.png (default: ./badak-out)"))


def run(args: argparse.Namespace) -> int:
    from badak.interfaces.cli.memory import mlp_training_bytes, require_memory
    from badak.lecture.tour import StepProgress, boston_housing

    if args.folds < 2:
        raise UserError(N_("--folds must be at least 2; received {n}"), n=args.folds)
    sizes = [13, *args.hidden, 1]                  # Boston's 13 features, one price
    batch = min(max(args.batch_size, args.final_batch_size), 404)   # 404 training houses
    require_memory(mlp_training_bytes(sizes, batch),
                   Phrase(N_("the network {sizes}"), sizes="-".join(map(str, sizes))),
                   Phrase(N_("choose smaller --hidden sizes")))
    out = output_dir(args.out)
    steps = args.folds * args.seeds + int(args.final)
    with StepProgress(steps, "badak boston", enabled=not args.quiet) as bar:
        section = boston_housing(out, folds=args.folds, epochs=args.epochs,
                                 batch_size=args.batch_size, optimizer=args.optimizer,
                                 lr=args.lr, seeds=args.seeds, final=args.final,
                                 final_epochs=args.final_epochs,
                                 final_batch_size=args.final_batch_size, hidden=args.hidden,
                                 rng=args.seed, progress=bar, lang=args.lang)
    _ = translator(args.lang)
    for line in section.summary:
        print(line)
    if pictures_or_note(args.lang):
        for name in section.files:
            print(_("curves: {path}").format(path=out / name))
    return 0
