"""logreg.LogisticRegression as a scikit-learn estimator: the estimator checks, agreement with
scikit-learn's LogisticRegression, zero-copy input, bad input, pickling, the GIL, summary()."""

import copy
import pickle
import re
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_estimator,
    check_sample_weight_equivalence_on_dense_data,
)

import logreg
from logreg import _logreg

ROOT = Path(__file__).resolve().parents[3]


def banknote():
    data = np.loadtxt(ROOT / "datasets" / "banknote.csv", delimiter=",", skiprows=1)
    X, y = data[:, :4], data[:, 4].astype(int)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def three_classes():
    X, y = banknote()
    return X, y + (X[:, 2] > 0.5)


def sklearn_fit(X, y, **kw):
    return SkLogisticRegression(tol=1e-12, max_iter=10_000, **kw).fit(X, y)


# ---- scikit-learn's estimator checks --------------------------------------------------------


def test_passes_every_estimator_check():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(logreg.LogisticRegression(), on_fail=None)
    failed = [(r["check_name"], repr(r["exception"])) for r in results if r["status"] == "failed"]
    assert failed == []
    passed = sum(r["status"] == "passed" for r in results)
    # Skipped: only the array-API checks (this estimator takes numpy and scipy input).
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert skipped <= {"check_array_api_input"}, skipped
    # Every check scikit-learn runs on its own LogisticRegression (69 on 1.9.1, four of them
    # the dense sample-weight check again with other solvers: see the next test) runs here too.
    names = {r["check_name"] for r in results}
    assert {"check_class_weight_balanced_linear_classifier", "check_sparsify_coefficients",
            "check_sample_weight_equivalence_on_dense_data",
            "check_sample_weight_equivalence_on_sparse_data"} <= names
    assert passed >= 65


@pytest.mark.parametrize(
    "params",
    [dict(solver="lbfgs"), dict(solver="newton"), dict(solver="newton-cg"),
     dict(solver="newton", class_weight="balanced")],
    ids=str,
)
def test_sample_weights_equal_repeated_rows_for_every_solver(params):
    # scikit-learn runs this check on its own LogisticRegression once per solver.
    check_sample_weight_equivalence_on_dense_data(
        "LogisticRegression", logreg.LogisticRegression(**params)
    )


def test_works_in_pipelines_grid_search_and_cross_validation():
    X, y = banknote()
    pipe = make_pipeline(StandardScaler(), logreg.LogisticRegression())
    scores = cross_val_score(pipe, X, y, cv=5)
    assert scores.mean() > 0.97
    grid = GridSearchCV(logreg.LogisticRegression(), {"C": [0.01, 1.0, 100.0]}, cv=3).fit(X, y)
    assert grid.best_params_["C"] in (0.01, 1.0, 100.0)
    assert grid.best_estimator_.score(X, y) > 0.97


# ---- agreement with scikit-learn -------------------------------------------------------------


@pytest.mark.parametrize("solver", ["auto", "lbfgs", "newton", "newton-cg"])
def test_binary_equals_scikit_learn(solver):
    X, y = banknote()
    ours = logreg.LogisticRegression(solver=solver).fit(X, y)
    ref = sklearn_fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-7)
    assert ours.coef_.shape == (1, 4) and ours.intercept_.shape == (1,)
    assert ours.n_iter_.shape == (1,) and ours.n_iter_[0] >= 1
    assert ours.decision_function(X).shape == (len(y),)


def test_multinomial_equals_scikit_learn():
    X, y3 = three_classes()
    ours = logreg.LogisticRegression().fit(X, y3)
    ref = sklearn_fit(X, y3)
    assert list(ours.classes_) == [0, 1, 2]
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(
        np.exp(ours.predict_log_proba(X)), ours.predict_proba(X), rtol=1e-12
    )
    assert ours.decision_function(X).shape == (len(y3), 3)


def test_weights_and_class_weights_equal_scikit_learn():
    X, y = banknote()
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.1, 3.0, size=len(y))
    sw[:50] = 0.0  # rows of weight 0 are left out, as they contribute nothing
    for cw in (None, "balanced", {0: 2.0, 1: 0.5}):
        ours = logreg.LogisticRegression(class_weight=cw).fit(X, y, sample_weight=sw)
        ref = sklearn_fit(X, y, class_weight=cw).fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6, err_msg=str(cw))


def test_multinomial_weights_and_class_weights_equal_scikit_learn():
    X, y3 = three_classes()
    sw = np.random.default_rng(1).uniform(0.1, 3.0, size=len(y3))
    sw[:30] = 0.0
    for cw in (None, "balanced", {0: 2.0, 1: 0.5, 2: 1.0}):
        ours = logreg.LogisticRegression(class_weight=cw).fit(X, y3, sample_weight=sw)
        ref = sklearn_fit(X, y3, class_weight=cw).fit(X, y3, sample_weight=sw)
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5, err_msg=str(cw))
        np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5, err_msg=str(cw))
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


def test_no_penalty_and_infinite_c_are_maximum_likelihood():
    X, y = three_classes()
    X = X[:, :2]
    y = (y > 0).astype(int)
    a = logreg.LogisticRegression(penalty=None).fit(X, y)
    b = logreg.LogisticRegression(C=np.inf).fit(X, y)
    ref = sklearn_fit(X, y, C=np.inf)
    np.testing.assert_allclose(a.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_labels_of_any_type_and_string_classes():
    X, y = banknote()
    labels = np.where(y == 1, "forged", "genuine")
    m = logreg.LogisticRegression().fit(X, labels)
    assert list(m.classes_) == ["forged", "genuine"]
    # The positive class is classes_[1], as scikit-learn's.
    ref = sklearn_fit(X, labels)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-6)
    assert set(m.predict(X)) == {"forged", "genuine"}


def test_warm_start_resumes_from_the_previous_fit():
    X, y = banknote()
    m = logreg.LogisticRegression(warm_start=True, solver="lbfgs")
    first = m.fit(X, y).n_iter_[0]
    coef = m.coef_.copy()
    second = m.fit(X, y).n_iter_[0]
    assert second < first
    np.testing.assert_allclose(m.coef_, coef, atol=1e-7)
    X3, y3 = three_classes()
    with pytest.raises(ValueError, match=r"warm_start: the previous fit has coefficients of shape \(1, 4\), this data needs \(3, 4\)"):
        m.fit(X3, y3)
    mm = logreg.LogisticRegression(warm_start=True, solver="lbfgs").fit(X3, y3)
    before = mm.n_iter_[0]
    assert mm.fit(X3, y3).n_iter_[0] < before


@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_first_order_solvers_take_their_settings(solver):
    X, y = banknote()
    kw = {"learning_rate": 0.5}
    if solver == "sgd":
        kw["batch_size"] = 32
    m = logreg.LogisticRegression(solver=solver, max_iter=500, random_state=3, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(X, y)
    assert m.solver_ == solver and m.score(X, y) > 0.95
    with pytest.raises(ValueError, match=r"^batch_size applies to solver 'sgd', not 'lbfgs'$"):
        logreg.LogisticRegression(solver="lbfgs", batch_size=8).fit(X, y)


def test_sparse_input_gives_the_dense_answer():
    X, y = banknote()
    X[np.abs(X) < 0.5] = 0.0
    dense = logreg.LogisticRegression().fit(X, y)
    for fmt in (sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.coo_matrix):
        m = logreg.LogisticRegression().fit(fmt(X), y)
        np.testing.assert_allclose(m.coef_, dense.coef_, atol=1e-8)
        np.testing.assert_allclose(m.predict_proba(fmt(X)), dense.predict_proba(X), atol=1e-10)
    # Unsorted and duplicate column indices are summed into canonical form (in a copy).
    S = sp.csr_matrix((np.array([1.0, 2.0, 0.5]), np.array([2, 0, 2]), np.array([0, 3])), shape=(1, 3))
    assert not S.has_canonical_format
    np.testing.assert_allclose(dense.decision_function(np.zeros((1, 4)))[0], dense.intercept_[0])
    m3 = logreg.LogisticRegression().fit(sp.vstack([S, sp.csr_matrix([[0.0, 1.0, 0.0]])]), [0, 1])
    assert m3.coef_.shape == (1, 3)


# ---- what is borrowed ----------------------------------------------------------------------


def test_numpy_and_scipy_arrays_are_borrowed_without_a_copy():
    X = np.random.default_rng(1).normal(size=(100, 5))
    assert _logreg._design_info(X) == (100, 5, "dense-f64", True)
    assert _logreg._design_info(X.astype(np.float32)) == (100, 5, "dense-f32", True)
    # Fortran order cannot be read row by row in place: copied.
    assert _logreg._design_info(np.asfortranarray(X)) == (100, 5, "dense-f64", False)
    S = sp.random(100, 50, density=0.1, format="csr", random_state=0)
    assert S.indices.dtype == np.int32
    assert _logreg._design_info(S) == (100, 50, "sparse", False)  # int32 indptr: copied
    S64 = S.copy()
    S64.indptr = S64.indptr.astype(np.int64)
    assert _logreg._design_info(S64) == (100, 50, "sparse", True)  # values, indices, indptr borrowed
    # Read-only memory (a memmap opened read-only) is fine: the library only reads.
    ro = X.copy()
    ro.flags.writeable = False
    assert _logreg._design_info(ro)[3]


def test_estimator_passes_c_contiguous_float_arrays_through_untouched():
    X, y = banknote()
    X = np.ascontiguousarray(X)
    m = logreg.LogisticRegression()
    checked, _ = m._validate_X(X, y, reset=True)
    assert checked is X
    X32 = X.astype(np.float32)
    assert m._validate_X(X32) is X32
    m.fit(X32, y)
    np.testing.assert_allclose(m.coef_, logreg.LogisticRegression().fit(X32.astype(np.float64), y).coef_, atol=1e-6)


# ---- bad input -----------------------------------------------------------------------------


def test_bad_input_raises_the_expected_errors_with_our_messages():
    X, y = banknote()
    m = logreg.LogisticRegression()
    bad = X.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"^feature value at row 2, column 1 is NaN, expected a finite number$"):
        m.fit(bad, y)
    bad[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"^feature value at row 2, column 1 is inf, expected a finite number$"):
        m.fit(bad, y)
    with pytest.raises(ValueError, match=r"^X: expected a 2-D array of shape \(n_samples, n_features\), found a 1-D array of shape \(1372,\)\. Reshape your data"):
        m.fit(X[:, 0], y)
    with pytest.raises(ValueError, match=r"^X: expected numbers \(float64 or float32, or values numpy converts to them\), found ndarray of dtype <U1 and shape \(3, 2\): could not convert string to float"):
        m.fit(np.array([["a", "b"], ["c", "d"], ["e", "f"]]), [0, 1, 0])
    with pytest.raises(ValueError, match=r"^y: the labels mix strings and numbers \('yes' at row 1, 0 at row 0\); use one type for every label$"):
        m.fit(X[:3], [0, "yes", 1])
    with pytest.raises(ValueError, match=r"^only one class in the labels \(np.int64\(0\)\); a classifier needs two$|^only one class in the labels \(0\); a classifier needs two$"):
        m.fit(X[:3], [0, 0, 0])
    with pytest.raises(ValueError, match=r"^sample weight at row 4 is -1, expected a finite number > 0$"):
        sw = np.ones(len(y))
        sw[4] = -1
        m.fit(X, y, sample_weight=sw)
    m.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but LogisticRegression is expecting 4 features as input"):
        m.predict(X[:, :3])
    bad = X.copy()
    bad[7, 3] = -np.inf
    with pytest.raises(ValueError, match=r"^feature value at row 7, column 3 is -inf, expected a finite number$"):
        m.predict_proba(bad)
    with pytest.raises(ValueError, match=r"feature value at row 1, column 0 is 1e300; values this large overflow the fit"):
        m.fit(np.array([[0.0], [1e300], [2.0]]), [0, 1, 0])
    with pytest.raises(ValueError, match=r"^solver 'adam': expected 'auto'"):
        logreg._logreg.fit(X, y.astype(np.int64), 2, penalty="l2", c=1.0, fit_intercept=True, solver="adam", max_iter=None, tol=None, seed=0)
    with pytest.raises(TypeError, match=r"^X: expected a 2-D float64 or float32 numpy array or a scipy CSR matrix, found ndarray of dtype int64"):
        logreg._logreg.fit(np.ones((3, 2), dtype=np.int64), np.array([0, 1, 0]), 2, penalty="l2", c=1.0, fit_intercept=True, solver="auto", max_iter=None, tol=None, seed=0)
    sparse_nan = sp.csr_matrix(np.array([[0.0, np.nan], [1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"^feature value at row 0, column 1 is NaN, expected a finite number$"):
        m.fit(sparse_nan, [0, 1])


def test_parameters_out_of_range_are_named():
    X, y = banknote()
    for params, name in [({"C": 0.0}, "C"), ({"max_iter": 0}, "max_iter"), ({"tol": -1.0}, "tol"), ({"solver": "adam"}, "solver")]:
        with pytest.raises(ValueError, match=f"The '{name}' parameter of LogisticRegression must be"):
            logreg.LogisticRegression(**params).fit(X, y)


# ---- pickling, threads, summary ------------------------------------------------------------


def test_pickle_round_trip_predicts_identically():
    X, y = banknote()
    X3, y3 = three_classes()
    for m in (logreg.LogisticRegression().fit(X, y), logreg.LogisticRegression().fit(X3, y3)):
        back = pickle.loads(pickle.dumps(m))
        Z = X if m.coef_.shape[0] == 1 else X3
        np.testing.assert_array_equal(back.predict_proba(Z), m.predict_proba(Z))
        np.testing.assert_array_equal(back.predict(Z), m.predict(Z))
        np.testing.assert_array_equal(back.coef_, m.coef_)
        deep = copy.deepcopy(m)
        np.testing.assert_array_equal(deep.decision_function(Z), m.decision_function(Z))
    with pytest.raises(ValueError, match=r"model file holds a `binary_logistic_regression`, expected a `logreg_python_model`"):
        _logreg.Fitted.from_json('{"format_version": 2, "kind": "binary_logistic_regression", "content": {}}')


def test_fit_releases_the_gil():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200_000, 40))
    y = (X @ rng.normal(size=40) + rng.logistic(size=200_000) > 0).astype(int)
    m = logreg.LogisticRegression(solver="lbfgs")
    ticks = 0
    t = threading.Thread(target=m.fit, args=(X, y))
    start = time.perf_counter()
    t.start()
    while t.is_alive():
        ticks += 1  # runs only while the fitting thread does not hold the GIL
        time.sleep(0.001)
    elapsed = time.perf_counter() - start
    t.join()
    assert hasattr(m, "coef_")
    # With the GIL held for the whole fit this loop would run once or twice.
    assert ticks >= max(5, int(elapsed * 1000 * 0.2)), (ticks, elapsed)


def test_summary_is_the_statsmodels_table_with_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = banknote()
    df = pd.DataFrame(X, columns=["variance", "skewness", "curtosis", "entropy"])
    m = logreg.LogisticRegression(penalty=None).fit(df.iloc[:, :2], y)
    assert list(m.feature_names_in_) == ["variance", "skewness"]
    s = m.summary()
    assert s.names == ["variance", "skewness", "intercept"]
    text = str(s)
    assert re.search(r"coef\s+std err\s+z\s+P>\|z\|\s+\[0\.025\s+0\.975\]", text)
    # The standard errors are the inverse Fisher information's diagonal (statsmodels' Logit).
    Xi = np.column_stack([X[:, :2], np.ones(len(y))])
    p = m.predict_proba(df.iloc[:, :2])[:, 1]
    cov = np.linalg.inv(Xi.T @ (Xi * (p * (1 - p))[:, None]))
    np.testing.assert_allclose(s.std_err, np.sqrt(np.diag(cov)), rtol=1e-8)
    np.testing.assert_allclose(s.coef, list(m.coef_[0]) + [m.intercept_[0]], rtol=1e-12)
    with pytest.raises(ValueError, match=r"^inference unavailable: standard errors and model statistics need an unpenalized fit \(penalty none\)$"):
        logreg.LogisticRegression().fit(X, y).summary()


def test_summary_statistics_are_the_likelihoods_of_the_fit():
    X, y = banknote()
    X = X[:, :2]
    sw = np.random.default_rng(2).integers(1, 4, size=len(y)).astype(float)
    m = logreg.LogisticRegression(penalty=None).fit(X, y, sample_weight=sw)
    s = m.summary()
    p = m.predict_proba(X)[np.arange(len(y)), y]
    llf = np.sum(sw * np.log(p))
    # The null model predicts the weighted share of the positive class for every row.
    q = np.sum(sw * y) / np.sum(sw)
    llnull = np.sum(sw * np.where(y == 1, np.log(q), np.log(1 - q)))
    n_params, nobs = 3, np.sum(sw)  # weights are frequency weights
    np.testing.assert_allclose(s.llf, llf, rtol=1e-10)
    np.testing.assert_allclose(s.llnull, llnull, rtol=1e-10)
    np.testing.assert_allclose(s.llr, 2 * (llf - llnull), rtol=1e-8)
    np.testing.assert_allclose(s.aic, -2 * llf + 2 * n_params, rtol=1e-10)
    np.testing.assert_allclose(s.bic, -2 * llf + np.log(nobs) * n_params, rtol=1e-10)
    np.testing.assert_allclose(s.prsquared, 1 - llf / llnull, rtol=1e-10)
    np.testing.assert_allclose(s.deviance, -2 * llf, rtol=1e-10)
    assert s.nobs == nobs and s.df_model == 2 and s.cov_type == "nonrobust"
    assert 0 <= s.llr_pvalue < 1e-100
    text = str(s)
    assert "Log-Likelihood:" in text and text.index("Log-Likelihood:") < text.index("std err")


def test_robust_covariances_are_the_sandwich():
    X, y = banknote()
    X = X[:, :2]
    Xi = np.column_stack([X, np.ones(len(y))])
    for cov_type in ("HC0", "HC1"):
        m = logreg.LogisticRegression(penalty=None, cov_type=cov_type).fit(X, y)
        s = m.summary()
        p = m.predict_proba(X)[:, 1]
        bread = np.linalg.inv(Xi.T @ (Xi * (p * (1 - p))[:, None]))
        meat = Xi.T @ (Xi * ((p - y) ** 2)[:, None])
        cov = bread @ meat @ bread
        if cov_type == "HC1":
            cov *= len(y) / (len(y) - Xi.shape[1])
        np.testing.assert_allclose(s.std_err, np.sqrt(np.diag(cov)), rtol=1e-7)
        assert s.cov_type == cov_type.lower()
    with pytest.raises(ValueError, match="The 'cov_type' parameter of LogisticRegression must be"):
        logreg.LogisticRegression(cov_type="HC3").fit(X, y)


def test_multinomial_summary_is_against_the_first_class():
    X, y3 = three_classes()
    X = X[:, :2]
    labels = np.array(["a", "b", "c"])[y3]
    m = logreg.LogisticRegression(penalty=None).fit(X, labels)
    s = m.summary()
    assert isinstance(s, logreg.MultinomialSummary)
    assert s.reference_class == "a"
    assert [c for c, _ in s.tables] == ["b", "c"]
    # Standard errors: the inverse information of the log-likelihood in the parameters of
    # classes b and c against a (statsmodels' MNLogit).
    P = m.predict_proba(X)
    Xi = np.column_stack([X, np.ones(len(y3))])
    p = Xi.shape[1]
    info = np.zeros((2 * p, 2 * p))
    for a in (1, 2):
        for b in (1, 2):
            w = P[:, a] * ((a == b) - P[:, b])
            info[(a - 1) * p:a * p, (b - 1) * p:b * p] = Xi.T @ (Xi * w[:, None])
    se = np.sqrt(np.diag(np.linalg.inv(info))).reshape(2, p)
    full = np.column_stack([m.coef_, m.intercept_])
    for k, (cls, table) in enumerate(s.tables, start=1):
        assert table.names == ["x1", "x2", "intercept"]
        np.testing.assert_allclose(table.coef, full[k] - full[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(table.std_err, se[k - 1], rtol=1e-6)
    llf = np.sum(np.log(P[np.arange(len(y3)), y3]))
    shares = np.bincount(y3) / len(y3)
    np.testing.assert_allclose(s.llf, llf, rtol=1e-10)
    np.testing.assert_allclose(s.llnull, np.sum(np.bincount(y3) * np.log(shares)), rtol=1e-10)
    assert s.df_model == 4  # (K - 1)(p - 1)
    text = str(s)
    assert "class b against a" in text and "class c against a" in text, text
    with pytest.raises(ValueError, match="^inference unavailable"):
        logreg.LogisticRegression().fit(X, labels).summary()


def test_not_converged_warns():
    X, y = banknote()
    with pytest.warns(Warning, match=r"iteration budget|max_iter|budget"):
        logreg.LogisticRegression(solver="lbfgs", max_iter=2).fit(X, y)


def test_readme_example_runs():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- python-example -->\s*```python\n(.*?)```", readme, re.S)
    assert block, "README has no python example block"
    code = block.group(1)
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
