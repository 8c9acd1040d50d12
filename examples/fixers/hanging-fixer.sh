#!/bin/sh
# A fixer that never finishes: it changes a file, starts a helper in the background, and waits forever.
# The gate's --timeout ends its whole process group and rolls the tree back.
echo "// half-written fix" >> mathlib/mathlib.cpp
sleep 3600 &
echo "hanging-fixer: waiting forever"
wait
