#!/bin/sh
# A fixer that applies the correct fix to mathlib/mathlib.cpp, then waits until the file named by $1
# exists (at most 60 s): while it waits, the tree holds a fix half way through an attempt.
sed -i 's/values.size() - 1)/values.size())/' mathlib/mathlib.cpp
i=0
while [ ! -e "$1" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
echo "waiting-fixer: done"
