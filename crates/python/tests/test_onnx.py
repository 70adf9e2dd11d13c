"""ONNX export: `logreg export --onnx` graphs run in onnxruntime and agree with
`logreg predict --proba` on every row of bank and banknote; `LogisticRegression.to_onnx()` agrees
with `predict_proba` (binary and multinomial)."""

import csv
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import logreg

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[3]


def logreg_bin():
    """The CLI binary: $LOGREG_BIN (set by tests/run.sh), else target/release/logreg."""
    path = os.environ.get("LOGREG_BIN") or str(
        Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "logreg"
    )
    if not Path(path).exists():
        pytest.skip(f"{path} not built (cargo build --release -p logreg-cli)")
    return path


def run(*args):
    done = subprocess.run([logreg_bin(), *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    return done


def read_columns(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def feeds(session, path):
    """One [N, 1] array per graph input, from the CSV's column of that name: doubles (empty =
    NaN) or strings (empty = missing)."""
    header, rows = read_columns(path)
    out = {}
    for inp in session.get_inputs():
        j = header.index(inp.name)
        values = [r[j] for r in rows]
        if inp.type == "tensor(double)":
            out[inp.name] = np.array([float(v) if v != "" else np.nan for v in values]).reshape(-1, 1)
        else:
            assert inp.type == "tensor(string)", inp.type
            out[inp.name] = np.array(values, dtype=object).reshape(-1, 1)
    return out


def session_of(path):
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert {o.domain: o.version for o in model.opset_import} == {"": 19, "ai.onnx.ml": 3}
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


CASES = {
    "banknote": ("datasets/banknote.csv", ["--target", "class", "--standardize"]),
    "bank": (
        "datasets/bank.csv",
        ["--target", "deposit", "--one-hot", "auto", "--drop-first", "--standardize"],
    ),
    "bank-binned": (
        "datasets/bank.csv",
        ["--target", "deposit", "--drop", "day", "--bin", "age:17,25,35,45,55,65,100",
         "--one-hot", "auto", "--drop-first", "--standardize", "--penalty", "none"],
    ),
    "banknote-unscaled": ("datasets/banknote.csv", ["--target", "class", "--c", "0.5"]),
    # An offset column: one more graph input, added to the logit.
    "claims-offset": (
        "datasets/claims.csv",
        ["--target", "claim", "--offset", "log_exposure", "--sample-weight", "policies",
         "--standardize"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_onnx_agrees_with_logreg_predict_on_every_row(case, tmp_path):
    data, flags = CASES[case]
    model_json, model_onnx, preds = tmp_path / "m.json", tmp_path / "m.onnx", tmp_path / "p.csv"
    done = run("train", data, *flags, "--test-size", "0", "--out", model_json, "--quiet")
    assert done.returncode == 0, done.stderr
    done = run("export", "--onnx", model_onnx, "--model", model_json)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {model_onnx} (")
    done = run("predict", "--model", model_json, data, "--proba", "--output", preds)
    assert done.returncode == 0, done.stderr
    header, rows = read_columns(preds)
    want_label = [r[header.index("prediction")] for r in rows]
    want_p = np.array([float(r[header.index("probability")]) for r in rows])

    session = session_of(model_onnx)
    label, proba = session.run(["label", "probabilities"], feeds(session, ROOT / data))
    assert proba.shape == (len(rows), 2)
    np.testing.assert_allclose(proba[:, 1], want_p, rtol=0, atol=1e-6)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert list(label) == want_label
    # In fact the graph computes in double precision throughout.
    assert np.max(np.abs(proba[:, 1] - want_p)) < 1e-12


def test_onnx_of_a_libsvm_model_agrees_with_logreg_predict(tmp_path):
    """A model fitted on libsvm rows: the graph's input X holds the features densely."""
    data = np.loadtxt(ROOT / "datasets" / "banknote.csv", delimiter=",", skiprows=1)
    X, y = data[:, :4], data[:, 4].astype(int)
    X[np.abs(X) < 1.0] = 0.0  # entries a libsvm row leaves out
    svm = tmp_path / "banknote.svm"
    with open(svm, "w") as f:
        for row, label in zip(X, y):
            pairs = " ".join(f"{j + 1}:{float(v)!r}" for j, v in enumerate(row) if v != 0.0)
            f.write(f"{label} {pairs}\n")
    model_json, model_onnx, preds = tmp_path / "m.json", tmp_path / "m.onnx", tmp_path / "p.csv"
    done = run("train", svm, "--test-size", "0", "--out", model_json, "--quiet")
    assert done.returncode == 0, done.stderr
    assert run("export", "--onnx", model_onnx, "--model", model_json).returncode == 0
    done = run("predict", "--model", model_json, svm, "--proba", "--output", preds)
    assert done.returncode == 0, done.stderr
    header, rows = read_columns(preds)
    want_p = np.array([float(r[header.index("probability")]) for r in rows])
    session = session_of(model_onnx)
    assert [i.name for i in session.get_inputs()] == ["X"]
    label, proba = session.run(["label", "probabilities"], {"X": X})
    np.testing.assert_allclose(proba[:, 1], want_p, rtol=0, atol=1e-12)
    assert list(label) == [r[header.index("prediction")] for r in rows]


def test_unseen_category_is_an_error_in_both(tmp_path):
    model_json, model_onnx = tmp_path / "m.json", tmp_path / "m.onnx"
    data, flags = CASES["bank"]
    assert run("train", data, *flags, "--test-size", "0", "--out", model_json, "--quiet").returncode == 0
    assert run("export", "--onnx", model_onnx, "--model", model_json).returncode == 0
    header, rows = read_columns(ROOT / data)
    rows = rows[:5]
    rows[3][header.index("job")] = "astronaut"
    new = tmp_path / "new.csv"
    with open(new, "w", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    done = run("predict", "--model", model_json, new)
    assert done.returncode == 1
    assert 'data row 4, column "job": expected one of the categories seen in fit' in done.stderr
    assert 'found "astronaut"' in done.stderr
    session = session_of(model_onnx)
    with pytest.raises(Exception, match="astronaut|not in|unknown|Unknown|category"):
        session.run(None, feeds(session, new))


def test_export_refuses_to_overwrite_and_names_bad_models(tmp_path):
    model_json, model_onnx = tmp_path / "m.json", tmp_path / "m.onnx"
    data, flags = CASES["banknote"]
    assert run("train", data, *flags, "--test-size", "0", "--out", model_json, "--quiet").returncode == 0
    model_onnx.write_bytes(b"keep me")
    done = run("export", "--onnx", model_onnx, "--model", model_json)
    assert done.returncode == 1
    assert done.stderr == f"error: {model_onnx} already exists; pass --force to overwrite it (or choose another --onnx)\n"
    assert model_onnx.read_bytes() == b"keep me"
    assert run("export", "--onnx", model_onnx, "--model", model_json, "--force").returncode == 0
    session_of(model_onnx)
    done = run("export", "--onnx", tmp_path / "x.onnx", "--model", tmp_path / "none.json")
    assert done.returncode == 1 and "none.json" in done.stderr


def test_estimator_to_onnx_binary_and_multinomial(tmp_path):
    data = np.loadtxt(ROOT / "datasets" / "banknote.csv", delimiter=",", skiprows=1)
    X, y = data[:, :4], data[:, 4].astype(int)
    y3 = y + (X[:, 2] > 0.5)
    for labels in (y, y3, np.where(y == 1, "forged", "genuine")):
        m = logreg.LogisticRegression().fit(X, labels)
        path = tmp_path / "est.onnx"
        path.write_bytes(m.to_onnx())
        session = session_of(path)
        label, proba = session.run(["label", "probabilities"], {"X": X})
        np.testing.assert_allclose(proba, m.predict_proba(X), rtol=0, atol=1e-12)
        assert list(label) == [str(c) for c in m.predict(X)]
