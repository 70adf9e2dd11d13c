#!/usr/bin/env bash
# The Python package as CI tests it: a virtual environment under the Cargo target directory with
# pinned versions of maturin, numpy, scipy, scikit-learn (1.9.1: the estimator checks change
# between releases), pandas (the checks' DataFrame cases), onnx and onnxruntime (the ONNX export
# tests) and pytest; the extension built in release mode (`maturin develop`), then the pytest
# suite. Reuses the environment when it already has these versions.
set -euo pipefail
cd "$(dirname "$0")/../../.."
start=$SECONDS
target="${CARGO_TARGET_DIR:-$PWD/target}"
venv="$target/python-venv"
requirements=(maturin==1.16.0 numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1 pandas==3.1.1
              onnx==1.23.2 onnxruntime==1.32.0 pytest==9.2.0)
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
stamp="$venv/requirements.txt"
if ! cmp -s "$stamp" <(printf '%s\n' "${requirements[@]}"); then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}"
    printf '%s\n' "${requirements[@]}" > "$stamp"
fi
(cd crates/python && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" CARGO_TARGET_DIR="$target" \
    maturin develop --release --quiet)
# The ONNX tests call the `logreg` binary for reference predictions.
cargo build --release --quiet -p logreg-cli
LOGREG_BIN="$target/release/logreg" "$venv/bin/python" -m pytest -q crates/python/tests
echo "python package: built and tested in $((SECONDS - start)) s"
