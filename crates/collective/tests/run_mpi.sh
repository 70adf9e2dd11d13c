#!/usr/bin/env bash
# logreg-collective with MPI, as CI runs it: installs Open MPI and clang (for the bindings) when
# they are missing, then runs the crate's tests with the `mpi` feature (tests/mpi.rs launches
# `mpirun` with 1, 2 and 3 ranks, oversubscribed where cores are fewer) and clippy on that build.
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
cargo clippy -p logreg-collective --all-targets --features mpi -- -D warnings
echo "MPI section took $((SECONDS - start)) s"
