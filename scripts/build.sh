#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds AutofixGate (and its tests) in BUILD_DIR (default: build/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
launcher=()
# ccache, when a developer has it, makes rebuilds in several work trees cheap; CI does not need it.
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs"
