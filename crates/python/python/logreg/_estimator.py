"""`logreg.LogisticRegression`: scikit-learn's estimator interface over the Rust library.

This layer does what scikit-learn's own estimators do before fitting (parameter and input
validation, label encoding, class weights, feature names) and hands the arrays to the Rust
extension `logreg._logreg`, which borrows them without a copy where the layout allows and fits
with the GIL released.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model._base import LinearClassifierMixin, SparseCoefMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _logreg

SOLVERS = ("auto", "gd", "sgd", "lbfgs", "newton", "newton-cg")


def _mixed_label_types(y):
    """The first string and the first number among the labels, if both occur (else None)."""
    if isinstance(y, (list, tuple)) or (
        isinstance(y, np.ndarray) and y.dtype == object
    ):
        first = {}
        for i, v in enumerate(np.asarray(y, dtype=object).ravel()):
            kind = (
                "string"
                if isinstance(v, (str, bytes))
                else ("number" if isinstance(v, numbers.Number) else None)
            )
            if kind is not None and kind not in first:
                first[kind] = (i, v)
            if len(first) == 2:
                return first["string"], first["number"]
    return None


def _shape(X):
    """The shape of an array-like without converting it when it says (None if unknown)."""
    if sp.issparse(X):
        return X.shape
    shape = getattr(X, "shape", None)
    if shape is not None:
        return tuple(shape)
    try:
        return np.asarray(X).shape
    except (TypeError, ValueError):
        return None  # ragged or odd input: scikit-learn's validation says what is wrong


def _describe(X):
    dtype = getattr(X, "dtype", None)
    shape = getattr(X, "shape", None)
    if dtype is not None and shape is not None:
        return f"{type(X).__name__} of dtype {dtype} and shape {shape}"
    return type(X).__name__


class LogisticRegression(LinearClassifierMixin, SparseCoefMixin, BaseEstimator):
    """Logistic regression fitted by the Rust library `logreg`, as a scikit-learn classifier.

    A linear classifier as scikit-learn's own (the same mixins: ``sparsify()``/``densify()``
    of ``coef_``, and scikit-learn's checks for linear classifiers apply); predictions come
    from the Rust model, which ``sparsify()`` leaves as it is.

    Two classes give a binary model, three or more a multinomial (softmax) one. The objective is
    scikit-learn's, ``C * sum(sample_weight * log_loss) + 0.5 * ||w||^2`` with an unpenalized
    intercept, minimized to a much tighter tolerance by default (gradient norm 1e-10 of the mean
    objective for lbfgs, newton and newton-cg).

    Parameters
    ----------
    penalty : {"l2"} or None, default="l2"
        ``None`` (or ``C=np.inf``) fits by maximum likelihood, which ``summary()`` needs.
    C : float, default=1.0
        Inverse regularization strength, > 0, as scikit-learn's.
    fit_intercept : bool, default=True
    solver : {"auto", "lbfgs", "newton", "newton-cg", "gd", "sgd"}, default="auto"
        ``auto`` picks Newton (Cholesky, scikit-learn's "newton-cholesky") for up to 64
        parameters and L-BFGS above, handing over to Newton when that is cheaper.
    max_iter : int or None, default=None
        Iteration budget (epochs for sgd); ``None`` keeps the solver's own (lbfgs, gd, sgd:
        1000; newton: 100; newton-cg: 200).
    tol : float or None, default=None
        Convergence tolerance; ``None`` keeps the solver's own.
    class_weight : dict, "balanced" or None, default=None
        As scikit-learn's: multiplies each sample's weight by its class's weight.
    warm_start : bool, default=False
        Start from the previous fit's coefficients when the shapes agree.
    random_state : int, RandomState or None, default=None
        Seeds sgd's shuffling; ``None`` means seed 0, so every fit is reproducible.
    learning_rate : float or None, default=None
        Step size of solver "gd" (default 0.1) or initial rate of "sgd".
    batch_size : int or None, default=None
        Mini-batch size of solver "sgd".
    cov_type : {"nonrobust", "HC0", "HC1"}, default="nonrobust"
        How ``summary()`` computes the standard errors (statsmodels' ``cov_type``): the inverse
        information, White's sandwich, or the sandwich times n / (n - p). Sample weights count
        as frequency weights.

    Attributes
    ----------
    classes_, coef_, intercept_, n_iter_, n_features_in_, feature_names_in_
        As scikit-learn's ``LogisticRegression``.
    solver_ : str
        The solver that ran (``auto`` resolved).
    objective_ : float
        The objective at the solution, in scikit-learn's scale.

    Examples
    --------
    >>> import numpy as np, logreg
    >>> X = np.array([[0.5], [1.0], [1.5], [3.0], [3.5], [4.0]])
    >>> model = logreg.LogisticRegression().fit(X, [0, 0, 1, 0, 1, 1])
    >>> model.predict([[0.0], [5.0]]).tolist()
    [0, 1]
    """

    _parameter_constraints = {
        "penalty": [StrOptions({"l2"}), None],
        "C": [Interval(numbers.Real, 0, None, closed="right")],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions(set(SOLVERS))],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left"), None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "cov_type": [StrOptions({"nonrobust", "HC0", "HC1"})],
    }

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        fit_intercept=True,
        solver="auto",
        max_iter=None,
        tol=None,
        class_weight=None,
        warm_start=False,
        random_state=None,
        learning_rate=None,
        batch_size=None,
        cov_type="nonrobust",
    ):
        self.penalty = penalty
        self.C = C
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.cov_type = cov_type

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ---- input --------------------------------------------------------------------------

    def _validate_X(self, X, y=None, reset=False):
        """X (and y) checked and converted the way the extension takes them: C-contiguous
        float64 or float32 (no copy when already so), or canonical CSR with float64 values.
        Finiteness is left to the library, whose error names the row and column."""
        shape = _shape(X)
        if shape is not None and len(shape) == 1:
            raise ValueError(
                f"X: expected a 2-D array of shape (n_samples, n_features), found a 1-D array "
                f"of shape {shape}. Reshape your data with X.reshape(-1, 1) if it has a single "
                f"feature or X.reshape(1, -1) if it is a single sample"
            )
        kwargs = dict(
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            ensure_all_finite=False,
            reset=reset,
        )
        try:
            if y is None:
                out = validate_data(self, X, **kwargs)
            else:
                out = validate_data(self, X, y, **kwargs)
        except (TypeError, ValueError) as e:
            dtype = getattr(X, "dtype", None)
            text = str(e)
            conversion = "convert" in text or "argument must be" in text
            if conversion or (dtype is not None and dtype.kind in "USV"):
                raise type(e)(
                    f"X: expected numbers (float64 or float32, or values numpy converts to "
                    f"them), found {_describe(X)}: {e}"
                ) from e
            raise
        Xv = out if y is None else out[0]
        if sp.issparse(Xv):
            # The kernels need float64 values and sorted, distinct column indices per row.
            if Xv.dtype != np.float64:
                Xv = Xv.astype(np.float64)
            if not Xv.has_canonical_format:
                Xv = Xv.copy()
                Xv.sum_duplicates()
        return Xv if y is None else (Xv, out[1])

    # ---- fit ----------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Fit on X (n_samples × n_features; numpy, scipy CSR, pandas) and labels y.

        Rows of sample weight 0 are left out; class weights multiply the sample weights.
        """
        self._validate_params()
        if y is None:
            raise ValueError(
                "y: requires y to be passed, but the target y is None; a classifier needs one "
                "label per row of X"
            )
        mixed = _mixed_label_types(y)
        if mixed is not None:
            (i, s), (j, v) = mixed
            raise ValueError(
                f"y: the labels mix strings and numbers ({s!r} at row {i}, {v!r} at row {j}); "
                f"use one type for every label"
            )
        X, y = self._validate_X(X, y, reset=True)
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"only one class in the labels ({classes[0]!r}); a classifier needs two"
            )
        sw = None
        if sample_weight is not None or self.class_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=np.float64, copy=True)
            if self.class_weight is not None:
                cw = compute_class_weight(
                    self.class_weight, classes=classes, y=y, sample_weight=sw
                )
                sw *= cw[codes]
            present = np.unique(codes[sw != 0])
            if len(present) < 2:
                only = classes[present[0]] if len(present) else None
                raise ValueError(
                    f"only one class in the labels ({only!r}) among the samples of positive "
                    f"weight; a classifier needs two"
                )
            if len(present) < len(classes):
                missing = [classes[c] for c in range(len(classes)) if c not in set(present)]
                raise ValueError(
                    f"class {missing[0]!r} has no sample of positive weight; remove its "
                    f"samples or give them weight"
                )

        warm = None
        if self.warm_start and getattr(self, "_model", None) is not None:
            prev_k, prev_d = self._model.coef.shape
            k = 1 if len(classes) == 2 else len(classes)
            if (prev_k, prev_d) != (k, X.shape[1]):
                raise ValueError(
                    f"warm_start: the previous fit has coefficients of shape "
                    f"{(prev_k, prev_d)}, this data needs {(k, X.shape[1])}; set "
                    f"warm_start=False to fit from zeros"
                )
            warm = self._model

        names = getattr(self, "feature_names_in_", None)
        seed = self.random_state
        if seed is None:
            seed = 0
        elif not isinstance(seed, numbers.Integral):
            seed = int(check_random_state(seed).randint(np.iinfo(np.int32).max))
        elif seed < 0:
            raise ValueError(f"random_state {seed}: expected an integer >= 0")

        model = _logreg.fit(
            X,
            codes.astype(np.int64, copy=False),
            len(classes),
            penalty=self.penalty,
            c=float(self.C),
            fit_intercept=bool(self.fit_intercept),
            solver=self.solver,
            max_iter=None if self.max_iter is None else int(self.max_iter),
            tol=None if self.tol is None else float(self.tol),
            seed=int(seed),
            learning_rate=None if self.learning_rate is None else float(self.learning_rate),
            batch_size=None if self.batch_size is None else int(self.batch_size),
            cov_type=self.cov_type,
            sample_weight=sw,
            warm_start=warm,
            feature_names=None if names is None else [str(n) for n in names],
        )
        self._model = model
        self.classes_ = classes
        self.coef_ = model.coef
        self.intercept_ = model.intercept
        self.n_iter_ = np.array([model.n_iter], dtype=np.int32)
        self.solver_ = model.solver
        self.objective_ = model.objective
        if model.warning is not None:
            warnings.warn(
                f"{model.warning} (solver {model.solver}, {model.n_iter} iterations)",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    # ---- predict ------------------------------------------------------------------------

    def decision_function(self, X):
        """Logits: shape (n_samples,) for two classes (positive = ``classes_[1]``), else
        (n_samples, n_classes)."""
        check_is_fitted(self)
        return self._model.decision_function(self._validate_X(X))

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), in the order of ``classes_``."""
        check_is_fitted(self)
        return self._model.predict_proba(self._validate_X(X))

    def predict_log_proba(self, X):
        """Log class probabilities, computed from the logits (exact where probabilities round
        to 0 or 1)."""
        check_is_fitted(self)
        return self._model.predict_log_proba(self._validate_X(X))

    def predict(self, X):
        """The most probable class of each row (for two classes: P(classes_[1]) > 0.5)."""
        check_is_fitted(self)
        return self.classes_[self._model.predict(self._validate_X(X))]

    def summary(self):
        """The statsmodels-style summary of an unpenalized fit (``print(model.summary())``).

        Two classes: a ``Summary`` as statsmodels' ``Logit`` results: the coefficient table
        (``names``, ``coef``, ``std_err``, ``z``, ``p_values``, ``ci_low``, ``ci_high``) and the
        model statistics (``llf``, ``llnull``, ``llr``, ``llr_pvalue``, ``aic``, ``bic``,
        ``prsquared``, ``deviance``, ``null_deviance``, ``nobs``, ``df_model``, ``cov_type``).
        Three or more: a ``MultinomialSummary`` as statsmodels' ``MNLogit``: the same statistics
        and ``tables``, one ``(class, Summary)`` per class after ``reference_class`` =
        ``classes_[0]``, with the log-odds against it. Sample weights count as frequency
        weights. Raises ``ValueError`` saying why for penalized or separated fits.
        """
        check_is_fitted(self)
        return self._model.summary(list(self.classes_))

    def to_onnx(self):
        """The fitted model as an ONNX graph (bytes; ai.onnx 19, ai.onnx.ml 3): input ``X``
        (double, [N, n_features]), outputs ``label`` (the class as text) and ``probabilities``
        ([N, n_classes], in the order of ``classes_``). Write it with
        ``open("model.onnx", "wb").write(model.to_onnx())``."""
        check_is_fitted(self)
        return self._model.to_onnx([str(c) for c in self.classes_])

    # ---- pickling -----------------------------------------------------------------------

    def __getstate__(self):
        state = dict(super().__getstate__())
        if state.get("_model") is not None:
            state["_model"] = state["_model"].to_json()
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("_model"), str):
            state["_model"] = _logreg.Fitted.from_json(state["_model"])
        super().__setstate__(state)
