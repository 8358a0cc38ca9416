#!/usr/bin/env bash
# Opt-in (`make argon2-native`; `make install` never runs it): rebuilds the Argon2 library
# (argon2-cffi-bindings) in .venv for this machine's CPU.
#
# Why: PyPI's wheel is built for any x86-64 CPU (SSE2), and Argon2id at our setting took
# 15 ms of CPU a hash here; built with the CPU's own vector instructions (AVX2, AVX-512)
# the same hash takes 6.6 ms. Same algorithm, same parameters, same hashes: only the
# machine code differs. Every registration, login and password change pays one hash.
#
# The trap: the build only runs on CPUs with the same instructions. A venv or image built
# with it and moved to an older CPU (another node of a cluster) dies with "illegal
# instruction". Build on the machine that runs it, or pick a baseline every machine has
# with ARGON2_CFLAGS (e.g. "-O3 -march=x86-64-v3" for any AVX2 CPU). Without a C compiler,
# or if the build fails its known-answer test, the portable wheel stays. `make install`
# keeps whichever build is installed; back to the wheel: remove .venv and `make install`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

case "$(uname -m)" in
  x86_64 | amd64) ;;
  *)
    echo "native_argon2: vector code exists for x86-64 only; keeping the portable wheel" >&2
    exit 0
    ;;
esac
if ! command -v cc >/dev/null 2>&1; then
  echo "native_argon2: no C compiler; keeping the portable Argon2 wheel" >&2
  exit 0
fi

version=$($PY -c "import importlib.metadata as m; print(m.version('argon2-cffi-bindings'))")
portable() {
  echo "native_argon2: $1; keeping the portable Argon2 wheel" >&2
  $PY -m pip install --quiet --force-reinstall --no-deps "argon2-cffi-bindings==$version"
}
# --no-cache-dir: a wheel built for this CPU must not land in pip's shared cache.
if ! ARGON2_CFFI_USE_SSE2=1 CFLAGS="${ARGON2_CFLAGS:--O3 -march=native}" \
  $PY -m pip install --quiet --force-reinstall --no-deps --no-cache-dir \
  --no-binary argon2-cffi-bindings "argon2-cffi-bindings==$version"; then
  portable "the build failed"
  exit 0
fi
# A known-answer check at our own setting (contentum/accounts/hashers.py), so a
# miscompiled library never hashes or verifies a password.
if ! $PY -c "from contentum.accounts.hashers import computes_the_known_answer as ok; raise SystemExit(not ok())"; then
  portable "the native build failed its known-answer test"
fi
