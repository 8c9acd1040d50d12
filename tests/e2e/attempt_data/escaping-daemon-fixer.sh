#!/bin/sh
# A fixer that leaves a daemon behind which escapes its process group: a double fork into a session of
# its own (setsid), so that ending the fixer's group does not reach it. The daemon writes into the tree
# every 0.1 s for 30 s: a line to "daemon output.txt" and a comment to mathlib/mathlib.cpp. Its pid goes
# to the file named by $1.
#   $2 = break: the fixer also breaks the build, then exits 0 (the attempt is rejected and rolled back)
#   $2 = hang:  the fixer waits forever after starting the daemon (a test kills the gate meanwhile)
set -e
pids=$1
( setsid sh -c 'echo $$ >> "$1"; i=0; while [ $i -lt 300 ]; do echo "tick $i" >> "daemon output.txt";
    echo "// daemon tick $i" >> mathlib/mathlib.cpp; i=$((i+1)); sleep 0.1; done' daemon "$pids" \
    </dev/null >/dev/null 2>&1 & )
while [ ! -s "$pids" ]; do sleep 0.02; done
sleep 0.3  # let it write a few times
case "$2" in
  break) echo "this does not compile;" >> mathlib/mathlib.cpp ;;
  hang) sleep 3600 ;;
esac
echo "escaping-daemon-fixer: left a daemon writing into the tree"
