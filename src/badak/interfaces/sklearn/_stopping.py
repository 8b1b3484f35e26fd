"""scikit-learn's end of an epoch, as a :class:`badak.training.Callback`.

After every epoch scikit-learn's ``_fit_stochastic`` (``_multilayer_perceptron.py``):

1. counts the samples seen (``t_``) and, for ``solver='sgd'`` with
   ``learning_rate='invscaling'``, sets the step size to ``learning_rate_init / (t_ + 1) **
   power_t``;
2. with ``early_stopping``, scores the held-out part (accuracy, or R² for a regressor), appends
   it to ``validation_scores_`` and keeps the weights of the best score; otherwise tracks
   ``best_loss_``. An epoch "does not improve" when the score is below the best + ``tol`` (the
   loss above the best - ``tol``);
3. after more than ``n_iter_no_change`` such epochs in a row stops, except that
   ``learning_rate='adaptive'`` with ``solver='sgd'`` first divides the step size by 5 (and stops
   only once it is below 1e-6).

:class:`SklearnEpochEnd` does exactly that on a :class:`~badak.interfaces.sklearn._base.BaseMLP`'s
fitted attributes, so that ``n_iter_``, ``loss_curve_``, ``best_loss_`` and ``validation_scores_``
mean what they mean in scikit-learn.
"""

from __future__ import annotations

from badak.training import Callback

__all__ = ["SklearnEpochEnd"]


class SklearnEpochEnd(Callback):
    """Update ``est``'s curves and counters after each epoch and stop as scikit-learn does."""

    def __init__(self, est, n_samples: int, validation=None, incremental: bool = False):
        self.est = est
        self.n_samples = n_samples
        self.validation = validation      # (X_val, y_val) with early stopping, else None
        self.incremental = incremental

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        est = self.est
        est.t_ += self.n_samples
        est.loss_curve_.append(float(logs["loss"]))
        sgd = est._solver_name() == "sgd"
        optimizer = self.loop.optimizer
        if sgd and est.learning_rate == "invscaling":
            optimizer.lr = est._lr() / (est.t_ + 1) ** est.power_t
        if self.validation is not None:
            model = self.loop.model
            model.eval()
            score = est._validation_score(*self.validation)
            model.train()
            est.validation_scores_.append(score)
            if score < est.best_validation_score_ + est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                est._best_weights = [p.data.copy() for p in model.parameters()]
        else:
            loss = est.loss_curve_[-1]
            if loss > est.best_loss_ - est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            est.best_loss_ = min(est.best_loss_, loss)
        if self.incremental or est._no_improvement_count <= est.n_iter_no_change:
            return
        if sgd and est.learning_rate == "adaptive" and optimizer.lr > 1e-6:
            optimizer.lr = optimizer.lr / 5.0
            est._no_improvement_count = 0
            return
        est._converged = True
        self.loop.stop_training = True
