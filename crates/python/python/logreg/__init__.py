"""logreg: logistic regression from first principles, in Rust, as a scikit-learn estimator.

>>> import numpy as np, logreg
>>> X = np.array([[0.5], [1.0], [1.5], [3.0], [3.5], [4.0]])
>>> model = logreg.LogisticRegression(penalty=None).fit(X, [0, 0, 1, 0, 1, 1])
>>> print(model.summary())  # doctest: +SKIP
"""

from ._estimator import LogisticRegression
from ._logreg import MultinomialSummary, Summary

__all__ = ["LogisticRegression", "MultinomialSummary", "Summary"]
