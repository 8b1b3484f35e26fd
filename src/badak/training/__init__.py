"""Training: the loop that fits a model to data, what it records, and what can steer it.

- :func:`fit`: mini-batch training of a ``badak.nn`` model with a ``badak.optim`` optimizer,
  returning a :class:`History` of per-epoch losses and metrics (Keras' ``model.fit``).
- :func:`cross_validate`: K-fold cross-validation, the Boston housing notebook's protocol
  (``n_jobs`` trains the folds in parallel; :func:`dask_client` connects to a Dask cluster).
- :func:`predict`, :func:`evaluate`: use a trained model on new data.
- Callbacks: :class:`EarlyStopping`, :class:`ModelCheckpoint`, or your own :class:`Callback`.
- :class:`DivergenceError`: raised when the loss becomes NaN or infinite.
"""

from badak.training.callbacks import Callback, EarlyStopping, FitLoop, ModelCheckpoint
from badak.training.cross_validation import CVResult, cross_validate
from badak.training.evaluate import evaluate, predict
from badak.training.fit import DivergenceError, fit
from badak.training.history import History
from badak.training.parallel import dask_client

__all__ = ["CVResult", "Callback", "DivergenceError", "EarlyStopping", "FitLoop", "History",
           "ModelCheckpoint", "cross_validate", "dask_client", "evaluate", "fit", "predict"]
