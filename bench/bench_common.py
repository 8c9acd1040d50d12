# SPDX-License-Identifier: MIT
"""Shared by the benchmarks: an isolated environment for git and autofix-gate, and exit descriptions."""
from __future__ import annotations

import os
import signal
from pathlib import Path


def isolated_env(workdir: Path, dropped_prefixes: tuple[str, ...] = ("GIT_",),
                 dropped: frozenset[str] = frozenset({"XDG_CONFIG_HOME"})) -> dict[str, str]:
    """A fixed environment: no user or system git configuration, a fixed identity and dates."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped_prefixes) and k not in dropped}
    home = workdir / "home"  # empty: no ~/.gitconfig or ~/.config/git/attributes for libgit2 either
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        LC_ALL="C",  # autofix-gate runs its builds with LC_ALL=C; bare commands do the same
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="AutofixGate Bench",
        GIT_AUTHOR_EMAIL="bench@autofix-gate.invalid",
        GIT_AUTHOR_DATE="2024-01-01T00:00:00Z",
        GIT_COMMITTER_NAME="AutofixGate Bench",
        GIT_COMMITTER_EMAIL="bench@autofix-gate.invalid",
        GIT_COMMITTER_DATE="2024-01-01T00:00:00Z",
        GIT_TERMINAL_PROMPT="0",
    )
    return env


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"killed by {name}"
    return f"exit {returncode}"
