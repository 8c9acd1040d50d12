#!/bin/sh
# A fixer command: repairs mean() in place, like a codemod or `clang-tidy --fix` would.
set -e
sed -i 's/values.size() - 1)/values.size())/' mathlib/mathlib.cpp
echo "sed-fix: patched mathlib/mathlib.cpp"
