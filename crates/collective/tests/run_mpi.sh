#!/usr/bin/env bash
# The MPI tests, as CI runs them: installs Open MPI and clang (for the bindings) when they are
# missing, then runs, each launching `mpirun` with 1, 2 and 3 ranks (oversubscribed where cores
# are fewer): logreg-collective's tests (tests/mpi.rs), the library's distributed fits against
# the single-process fits (tests/mpi_fit.rs), and `logreg train --distributed` against the
# single-process `logreg train`, with its bad-shard errors (crates/cli/tests/mpi.rs); then clippy
# on the `mpi` build, and `--distributed` in a build without it under mpirun.
set -euo pipefail
cd "$(dirname "$0")/../../.."
start=$SECONDS

packages=(openmpi-bin libopenmpi-dev libclang-dev clang)
missing=()
if command -v dpkg-query >/dev/null; then
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
elif ! command -v mpirun >/dev/null || ! command -v mpicc >/dev/null; then
    echo "error: the MPI tests need an MPI library with its headers (mpirun, mpicc) and libclang;" \
         "install them (Debian/Ubuntu: apt-get install ${packages[*]})" >&2
    exit 1
fi
if ((${#missing[@]})); then
    if [ "$(id -u)" != 0 ]; then
        echo "error: the MPI tests need ${missing[*]}: run as root, or install them first" >&2
        exit 1
    fi
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
mpirun --version | head -n 1

cargo test -p logreg-collective --features mpi
cargo test -p logreg --features mpi --test mpi_fit
cargo test -p logreg-cli --features mpi --test mpi
cargo clippy -p logreg-collective -p logreg -p logreg-cli --all-targets --features mpi -- -D warnings

# A build without the feature under mpirun: every rank says how to get one, and the job ends at
# once with a non-zero status (built last: it replaces the `mpi` build of target/debug/logreg).
cargo build -p logreg-cli
bin="${CARGO_TARGET_DIR:-target}/debug/logreg"
flags=(--oversubscribe)
if [ "$(id -u)" = 0 ]; then flags+=(--allow-run-as-root); fi
set +e
out=$(timeout 60 mpirun "${flags[@]}" -n 2 "$bin" train --distributed 2>&1)
status=$?
set -e
count=$(grep -c '^error: --distributed: this build has no MPI support; to run distributed, install an MPI library' <<<"$out" || true)
if [ "$status" = 0 ] || [ "$status" = 124 ] || [ "$count" != 2 ]; then
    echo "FAIL  --distributed without the mpi feature: status $status, $count of 2 ranks said why:" >&2
    echo "$out" >&2
    exit 1
fi
echo "ok    --distributed without the mpi feature: 2 of 2 ranks said how to build with MPI (status $status)"
echo "MPI section took $((SECONDS - start)) s"
