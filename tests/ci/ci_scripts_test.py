#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Tests of the CI scripts in examples/ci/scripts against a bare repository on disk acting as the remote.

    ci_scripts_test.py --root SOURCE_DIR [--gate AUTOFIX_GATE] [unittest arguments, e.g. StageScriptsTest]

StageScriptsTest  accept.sh, review.sh, revert.sh given a verdict file (no autofix-gate needed).
GateScriptTest    gate.sh and merge-shards.sh against a stand-in autofix-gate (verify/merge contract).
FlowTest          the whole flow with the real autofix-gate: gate.sh on a consumer project, then the
                  stage script; needs `autofix-gate verify` (exit 77, skipped, when the binary lacks it).

Everything runs under a temporary directory whose name has spaces; the scripts are copied there too.
No network: the remote is a bare repository on disk.
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

ARGS = None
SKIP = 77


def run(cmd, cwd=None, env=None, check=True, input=None):
    proc = subprocess.run(cmd, cwd=cwd, env=env, input=input, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Sandbox:
    """A temporary directory with spaces holding: the scripts, a bare remote, a developer clone that
    pushes (the bot), and fresh CI checkouts that run the scripts (the runner)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="autofix ci test ")
        self.home = os.path.join(self.dir, "home dir")
        os.makedirs(self.home)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AUTOFIX_"))}
        self.env.update(HOME=self.home, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C", TMPDIR=self.dir)
        self.scripts = os.path.join(self.dir, "ci scripts")
        shutil.copytree(os.path.join(ARGS.root, "examples", "ci", "scripts"), self.scripts)
        self.remote = os.path.join(self.dir, "remote repo.git")
        run(["git", "init", "--quiet", "--bare", "-b", "main", self.remote], env=self.env)
        self.dev = os.path.join(self.dir, "dev clone")
        run(["git", "clone", "--quiet", self.remote, self.dev], env=self.env)
        self.git_dev("config", "user.name", "Fix Bot")
        self.git_dev("config", "user.email", "bot@example.invalid")
        self.ci_count = 0

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def git(self, cwd, *args, check=True):
        return run(["git", *args], cwd=cwd, env=self.env, check=check).stdout.strip()

    def git_dev(self, *args, check=True):
        return self.git(self.dev, *args, check=check)

    def commit(self, files, message, delete=()):
        """Writes files in the developer clone and commits them; returns the commit id."""
        for name, text in files.items():
            write(os.path.join(self.dev, name), text)
        for name in delete:
            self.git_dev("rm", "--quiet", name)
        self.git_dev("add", "--all")
        self.git_dev("commit", "--quiet", "-m", message)
        return self.git_dev("rev-parse", "HEAD")

    def remote_branches(self):
        """{branch: commit} as `git ls-remote` sees the remote."""
        out = run(["git", "ls-remote", "--heads", self.remote], env=self.env).stdout
        heads = {}
        for line in out.splitlines():
            sha, ref = line.split("\t")
            heads[ref[len("refs/heads/"):]] = sha
        return heads

    def remote_git(self, *args):
        return self.git(self.remote, *args)

    def ci_checkout(self, commit):
        """A fresh clone at COMMIT (detached, as CI runners check out), without a git identity."""
        self.ci_count += 1
        path = os.path.join(self.dir, f"ci checkout {self.ci_count}")
        run(["git", "clone", "--quiet", self.remote, path], env=self.env)
        self.git(path, "checkout", "--quiet", "--detach", commit)
        return path

    def script(self, name, cwd, *args, env=None):
        full = dict(self.env)
        full.update(env or {})
        return run([os.path.join(self.scripts, name), *args], cwd=cwd, env=full, check=False)


def verdict_env(path, verdict, base, head, branch, reason="because"):
    write(path, textwrap.dedent(f"""\
        AUTOFIX_VERDICT={verdict}
        AUTOFIX_EXIT_CODE={dict(accepted=0, rejected=1, needs_review=3).get(verdict, 4)}
        AUTOFIX_REASON={reason}
        AUTOFIX_BASE={base}
        AUTOFIX_HEAD={head}
        AUTOFIX_BRANCH={branch}
        """))


class ScriptTestCase(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox()
        self.addCleanup(self.sb.cleanup)

    def assertExit(self, proc, code, *needles):
        self.assertEqual(proc.returncode, code, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        for needle in needles:
            self.assertIn(needle, proc.stderr)
        for line in proc.stderr.splitlines():  # the scripts' own messages carry the prefix
            if "autofix-ci" in line:
                self.assertTrue(line.startswith("autofix-ci: "), line)
        return proc


# ----------------------------------------------------------------------------------------------------
class StageScriptsTest(ScriptTestCase):
    """accept.sh, review.sh and revert.sh with a verdict file written by the test."""

    def setUp(self):
        super().setUp()
        self.base = self.sb.commit({"src/calc.cpp": "int add(int a, int b) { return a + b; }\n",
                                    "src/other.cpp": "int one() { return 1; }\n",
                                    "README.md": "calc\n"}, "base")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.artifacts = os.path.join(self.sb.dir, "autofix artifacts")
        self.verdict = os.path.join(self.artifacts, "verdict.env")
        self.env = {"AUTOFIX_CI_ARTIFACTS_DIR": self.artifacts}

    def fix_branch(self, name, files, message="fix"):
        self.sb.git_dev("checkout", "--quiet", "-b", name, self.base)
        head = self.sb.commit(files, message)
        self.sb.git_dev("push", "--quiet", "origin", name)
        self.sb.git_dev("checkout", "--quiet", "main")
        return head

    def move_main(self, files, message="main moved"):
        self.sb.git_dev("checkout", "--quiet", "main")
        self.sb.git_dev("pull", "--quiet", "--ff-only", "origin", "main")
        sha = self.sb.commit(files, message)
        self.sb.git_dev("push", "--quiet", "origin", "main")
        return sha

    # --- accept ---------------------------------------------------------------------------------------
    def test_accept_fast_forwards_main_and_deletes_the_branch(self):
        head = self.fix_branch("autofix/ff", {"src/calc.cpp": "int add(int a, int b) { return b + a; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "accepted", self.base, head, "autofix/ff")
        self.assertExit(self.sb.script("accept.sh", ci, env={**self.env, "AUTOFIX_CI_DELETE_BRANCH": "1"}),
                        0, "autofix-ci: fast-forwarding main")
        self.assertEqual(self.sb.remote_branches(), {"main": head})

    def test_accept_merges_when_main_moved(self):
        head = self.fix_branch("autofix/merge", {"src/calc.cpp": "int add(int a, int b) { return b + a; }\n"})
        moved = self.move_main({"src/other.cpp": "int one() { return 2 - 1; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "accepted", self.base, head, "autofix/merge")
        self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 0, "merging")
        branches = self.sb.remote_branches()
        self.assertEqual(branches["autofix/merge"], head)  # kept without AUTOFIX_CI_DELETE_BRANCH
        main = branches["main"]
        self.assertEqual(self.sb.remote_git("rev-list", "--parents", "-n1", main).split()[1:], [moved, head])
        self.assertIn("b + a", self.sb.remote_git("show", f"{main}:src/calc.cpp"))
        self.assertIn("2 - 1", self.sb.remote_git("show", f"{main}:src/other.cpp"))
        self.assertIn("Autofix-Head: " + head, self.sb.remote_git("log", "-1", "--format=%B", main))
        # Running it again changes nothing.
        self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 0, "already in main")
        self.assertEqual(self.sb.remote_branches()["main"], main)

    def test_accept_fast_forward_only_refuses_a_moved_main(self):
        head = self.fix_branch("autofix/ffonly", {"src/calc.cpp": "int add(int a, int b) { return b + a; }\n"})
        moved = self.move_main({"src/other.cpp": "int one() { return 2 - 1; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "accepted", self.base, head, "autofix/ffonly")
        self.assertExit(self.sb.script("accept.sh", ci, env={**self.env, "AUTOFIX_CI_FAST_FORWARD_ONLY": "1"}),
                        1, "AUTOFIX_CI_FAST_FORWARD_ONLY")
        self.assertEqual(self.sb.remote_branches()["main"], moved)

    def test_accept_conflict_fails_clearly_and_pushes_nothing(self):
        head = self.fix_branch("autofix/conflict", {"src/calc.cpp": "int add(int a, int b) { return b + a; }\n"})
        moved = self.move_main({"src/calc.cpp": "long add(long a, long b) { return a + b; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "accepted", self.base, head, "autofix/conflict")
        self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 1, "conflicts in: src/calc.cpp",
                        "nothing was pushed")
        self.assertEqual(self.sb.remote_branches(), {"main": moved, "autofix/conflict": head})
        self.assertEqual(self.sb.git(ci, "worktree", "list").count("\n"), 0)  # temporary worktree gone

    def test_accept_refuses_without_an_accepted_verdict(self):
        head = self.fix_branch("autofix/refuse", {"src/calc.cpp": "int add(int a, int b) { return b + a; }\n"})
        ci = self.sb.ci_checkout(head)
        before = self.sb.remote_branches()
        self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 2, "no verdict file")
        for verdict in ("rejected", "needs_review", "error"):
            verdict_env(self.verdict, verdict, self.base, head, "autofix/refuse")
            self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 2, f"verdict is {verdict}, not accepted")
            self.assertExit(self.sb.script("accept.sh", ci, "--skip-other-verdicts", env=self.env), 0,
                            "nothing to do")
        write(self.verdict, "AUTOFIX_VERDICT=maybe\n")
        self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 2, "no valid AUTOFIX_VERDICT")
        self.assertExit(self.sb.script("accept.sh", ci, "--bogus", env=self.env), 2, "unknown argument")
        self.assertEqual(self.sb.remote_branches(), before)

    def test_accept_refuses_a_branch_that_moved_after_the_gate(self):
        head = self.fix_branch("autofix/moved", {"src/calc.cpp": "int add(int a, int b) { return b + a; }\n"})
        ci = self.sb.ci_checkout(head)
        self.sb.git_dev("checkout", "--quiet", "autofix/moved")
        later = self.sb.commit({"src/other.cpp": "int one() { return 0; }\n"}, "unjudged")
        self.sb.git_dev("push", "--quiet", "origin", "autofix/moved")
        verdict_env(self.verdict, "accepted", self.base, head, "autofix/moved")
        self.assertExit(self.sb.script("accept.sh", ci, env=self.env), 2, "but the gate judged " + head)
        self.assertEqual(self.sb.remote_branches(), {"main": self.base, "autofix/moved": later})

    # --- review ---------------------------------------------------------------------------------------
    def test_review_calls_the_hook_with_the_branch_and_leaves_everything_alone(self):
        branch = "autofix/review$(touch${IFS}pwned);x"  # a legal branch name that must stay data
        head = self.fix_branch(branch, {".github/workflows/build.yml": "on: push\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "needs_review", self.base, head, branch, reason="critical path .github/**")
        before = self.sb.remote_branches()
        calls = os.path.join(self.sb.dir, "hook calls.txt")
        hook = 'printf "%s|%s|%s|%s\\n" "$1" "$2" "$AUTOFIX_REASON" "$(basename "$3")" >> "$HOOK_LOG"'
        proc = self.sb.script("review.sh", ci, env={**self.env, "AUTOFIX_REVIEW_COMMAND": hook, "HOOK_LOG": calls})
        self.assertExit(proc, 0, "review hook done")
        self.assertEqual(read(calls), f"{branch}|{head}|critical path .github/**|summary.md\n")
        self.assertFalse(os.path.exists(os.path.join(ci, "pwned")))
        self.assertEqual(self.sb.remote_branches(), before)

    def test_review_without_a_hook_prints_what_it_would_do(self):
        head = self.fix_branch("autofix/review-default", {".github/x.yml": "x\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "needs_review", self.base, head, "autofix/review-default")
        self.assertExit(self.sb.script("review.sh", ci, env=self.env), 0, "would label", "autofix/review-default")

    def test_review_fails_when_the_hook_fails_and_refuses_other_verdicts(self):
        head = self.fix_branch("autofix/review-fail", {".github/x.yml": "x\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "needs_review", self.base, head, "autofix/review-fail")
        self.assertExit(self.sb.script("review.sh", ci, env={**self.env, "AUTOFIX_REVIEW_COMMAND": "exit 5"}),
                        1, "exited 5")
        verdict_env(self.verdict, "accepted", self.base, head, "autofix/review-fail")
        self.assertExit(self.sb.script("review.sh", ci, env=self.env), 2, "not needs_review")
        os.remove(self.verdict)
        self.assertExit(self.sb.script("review.sh", ci, env=self.env), 2, "no verdict file")

    # --- revert ---------------------------------------------------------------------------------------
    def land_on_main(self, *changes):
        self.sb.git_dev("checkout", "--quiet", "main")
        heads = [self.sb.commit(files, f"fix part {i}") for i, files in enumerate(changes)]
        self.sb.git_dev("push", "--quiet", "origin", "main")
        return heads[-1]

    def test_revert_restores_main_once(self):
        head = self.land_on_main({"src/calc.cpp": "int add(int a, int b) { return a - b; }\n"},
                                 {"src/new.cpp": "int two() { return 2; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "rejected", self.base, head, "main", reason="calc_test passed at baseline")
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 0, "pushed revert")
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("rev-parse", f"{main}^"), head)
        self.assertEqual(self.sb.remote_git("rev-parse", f"{main}^{{tree}}"),
                         self.sb.remote_git("rev-parse", f"{self.base}^{{tree}}"))
        message = self.sb.remote_git("log", "-1", "--format=%B", main)
        self.assertIn(f"Autofix-Reverts: {self.base}..{head}", message)
        self.assertIn(f"This reverts commit {head}.", message)
        self.assertIn("calc_test passed at baseline", message)
        # Idempotent: a second run, from a fresh checkout, and after main moved on, adds nothing.
        self.assertExit(self.sb.script("revert.sh", self.sb.ci_checkout(head), env=self.env), 0, "already reverts")
        later = self.move_main({"README.md": "calc, reverted\n"})
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 0, "already reverts")
        self.assertEqual(self.sb.remote_branches(), {"main": later})

    def test_revert_keeps_later_commits(self):
        head = self.land_on_main({"src/calc.cpp": "int add(int a, int b) { return a - b; }\n"})
        later = self.move_main({"README.md": "calc 2\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "rejected", self.base, head, "main")
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 0, "pushed revert")
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("rev-parse", f"{main}^"), later)
        self.assertEqual(self.sb.remote_git("show", f"{main}:src/calc.cpp"), "int add(int a, int b) { return a + b; }")
        self.assertEqual(self.sb.remote_git("show", f"{main}:README.md"), "calc 2")

    def test_revert_recognises_a_manual_git_revert(self):
        head = self.land_on_main({"src/calc.cpp": "int add(int a, int b) { return a - b; }\n"})
        self.sb.git_dev("revert", "--no-edit", head)
        self.sb.git_dev("push", "--quiet", "origin", "main")
        manual = self.sb.git_dev("rev-parse", "HEAD")
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "rejected", self.base, head, "main")
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 0, "already reverted")
        self.assertEqual(self.sb.remote_branches(), {"main": manual})

    def test_revert_conflict_fails_and_pushes_nothing(self):
        head = self.land_on_main({"src/calc.cpp": "int add(int a, int b) { return a - b; }\n"})
        later = self.move_main({"src/calc.cpp": "int add(int a, int b) { return a - b - 0; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "rejected", self.base, head, "main")
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 1, "conflicts", "src/calc.cpp",
                        "nothing was pushed")
        self.assertEqual(self.sb.remote_branches(), {"main": later})

    def test_revert_leaves_a_fix_that_never_landed(self):
        head = self.fix_branch("autofix/rejected", {"src/calc.cpp": "int add(int a, int b) { return a - b; }\n"})
        ci = self.sb.ci_checkout(head)
        verdict_env(self.verdict, "rejected", self.base, head, "autofix/rejected")
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 0, "is not on main; nothing to revert")
        self.assertEqual(self.sb.remote_branches(), {"main": self.base, "autofix/rejected": head})

    def test_revert_refuses_without_a_rejected_verdict(self):
        head = self.land_on_main({"src/calc.cpp": "int add(int a, int b) { return a - b; }\n"})
        ci = self.sb.ci_checkout(head)
        self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 2, "no verdict file")
        for verdict in ("accepted", "needs_review", "error"):
            verdict_env(self.verdict, verdict, self.base, head, "main")
            self.assertExit(self.sb.script("revert.sh", ci, env=self.env), 2, "not rejected")
        self.assertEqual(self.sb.remote_branches(), {"main": head})


# ----------------------------------------------------------------------------------------------------
FAKE_GATE = r'''#!/usr/bin/python3
"""Stand-in for autofix-gate verify/merge: verdict from FAKE_VERDICT; logs its arguments."""
import json, os, sys
args = sys.argv[1:]
if args[:2] == ["history", "sync"]:  # logged apart: the tests read the verify/merge calls
    with open(os.environ["FAKE_LOG"] + ".sync", "a") as log:
        log.write(json.dumps(args) + "\n")
    sys.exit(int(os.environ.get("FAKE_SYNC_EXIT", "0")))
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
codes = {"accepted": 0, "rejected": 1, "needs_review": 3, "error": 4}
verdict = os.environ.get("FAKE_VERDICT", "accepted")
code = int(os.environ.get("FAKE_EXIT", codes[verdict]))
def opt(name):
    return args[args.index(name) + 1] if name in args else None
def reports(out, verdict):
    os.makedirs(out, exist_ok=True)
    if os.environ.get("FAKE_NO_REPORT"):
        return
    json.dump({"verdict": verdict, "reason": "fake reason\nsecond line", "tiers": [{"verdict": "x"}]},
              open(os.path.join(out, "report.json"), "w"))
    for name in ("junit.xml", "autofix-tiers.xml", "summary.md", "autofix.sarif"):
        open(os.path.join(out, name), "w").write(name)
if args[0] == "verify":
    out = opt("--report-dir") or os.path.join(opt("--build-dir") or "build", "autofix")
    if opt("--shard"):
        os.makedirs(out, exist_ok=True)
        json.dump({"shard": opt("--shard"), "verdict": verdict}, open(os.path.join(out, "partial.json"), "w"))
    else:
        reports(out, verdict)
    sys.exit(code)
if args[0] == "merge":
    verdicts = [json.load(open(p))["verdict"] for p in args[1:args.index("--out")]]
    worst = next((v for v in ("error", "rejected", "needs_review") if v in verdicts), "accepted")
    reports(opt("--out"), worst)
    sys.exit(codes[worst])
sys.exit(2)
'''


class GateScriptTest(ScriptTestCase):
    """gate.sh and merge-shards.sh against a stand-in autofix-gate that follows the verify/merge contract."""

    def setUp(self):
        super().setUp()
        self.base = self.sb.commit({"CMakeLists.txt": "cmake_minimum_required(VERSION 3.25)\nproject(C NONE)\n",
                                    "a.txt": "a\n"}, "base")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.sb.git_dev("checkout", "--quiet", "-b", "autofix/x")
        self.head = self.sb.commit({"a.txt": "b\n"}, "fix")
        self.sb.git_dev("push", "--quiet", "origin", "autofix/x")
        self.fake = os.path.join(self.sb.dir, "fake bin", "autofix-gate")
        write(self.fake, FAKE_GATE, mode=0o755)
        self.log = os.path.join(self.sb.dir, "fake log.jsonl")
        self.artifacts = os.path.join(self.sb.dir, "autofix artifacts")
        self.env = {"AUTOFIX_GATE": self.fake, "FAKE_LOG": self.log, "AUTOFIX_CI_ARTIFACTS_DIR": self.artifacts,
                    "AUTOFIX_CI_BRANCH": "autofix/x", "AUTOFIX_CI_BUILD_DIR": "build dir"}
        self.ci = self.sb.ci_checkout(self.head)

    def calls(self):
        with open(self.log) as f:
            return [__import__("json").loads(line) for line in f]

    def env_file(self):
        return dict(line.split("=", 1) for line in read(os.path.join(self.artifacts, "verdict.env")).splitlines())

    def test_verdicts_exit_zero_and_are_written_for_later_stages(self):
        for verdict in ("accepted", "rejected", "needs_review"):
            proc = self.assertExit(self.sb.script("gate.sh", self.ci, env={**self.env, "FAKE_VERDICT": verdict}),
                                   0, f"verdict: {verdict}")
            self.assertEqual(read(os.path.join(self.artifacts, "verdict.txt")), verdict + "\n")
            env = self.env_file()
            self.assertEqual(env["AUTOFIX_VERDICT"], verdict)
            self.assertEqual(env["AUTOFIX_BASE"], self.base)  # merge base with origin/main
            self.assertEqual(env["AUTOFIX_HEAD"], self.head)
            self.assertEqual(env["AUTOFIX_BRANCH"], "autofix/x")
            self.assertEqual(env["AUTOFIX_REASON"], "fake reason second line")
            for name in ("report.json", "junit.xml", "summary.md", "autofix.sarif"):
                self.assertTrue(os.path.isfile(os.path.join(self.artifacts, "report", name)), name)
        # Each run shares the history with the remote; a sync that fails is a warning, the verdict stands.
        syncs = [__import__("json").loads(line) for line in read(self.log + ".sync").splitlines()]
        self.assertEqual(syncs, [["history", "sync", "-C", self.ci, "origin"]] * 3)
        self.assertExit(self.sb.script("gate.sh", self.ci, env={**self.env, "FAKE_SYNC_EXIT": "4"}), 0,
                        "warning: the history could not be synced with origin (the verdict stands",
                        "verdict: accepted")
        build = os.path.join(self.ci, "build dir")
        self.assertEqual(self.calls()[-1], ["verify", "-C", self.ci, "--build-dir", build,
                                            "--report-dir", os.path.join(build, "autofix"),
                                            "--base", self.base, "--head", self.head])
        # The artifacts and build directories do not show up as untracked files.
        self.assertEqual(self.sb.git(self.ci, "status", "--porcelain"), "")
        self.assertExit(self.sb.script("gate.sh", self.ci, env={**self.env, "FAKE_VERDICT": "rejected",
                                                                "AUTOFIX_CI_EXIT_WITH_VERDICT": "1"}), 1)
        self.assertExit(self.sb.script("gate.sh", self.ci, env={**self.env, "FAKE_VERDICT": "needs_review",
                                                                "AUTOFIX_CI_EXIT_WITH_VERDICT": "1"}), 3)

    def test_gate_errors_fail_the_job(self):
        cases = [({"FAKE_VERDICT": "error"}, "verdict: error"),
                 ({"FAKE_EXIT": "2"}, "exited 2 but report.json says 'accepted'"),
                 ({"FAKE_VERDICT": "rejected", "FAKE_EXIT": "0"}, "exited 0 but report.json says 'rejected'"),
                 ({"FAKE_NO_REPORT": "1"}, "left no report.json"),
                 ({"AUTOFIX_GATE": os.path.join(self.sb.dir, "missing", "autofix-gate")}, "autofix-gate not found")]
        for extra, message in cases:
            with self.subTest(extra=extra):
                self.assertExit(self.sb.script("gate.sh", self.ci, env={**self.env, **extra}), 4, message)
        self.assertEqual(read(os.path.join(self.artifacts, "verdict.txt")), "error\n")
        self.assertExit(self.sb.script("gate.sh", self.ci, "--shard", "3/2", env=self.env), 2, "bad shard")

    def test_base_from_ci_and_the_zero_sha(self):
        env = {**self.env, "AUTOFIX_CI_BASE": "0" * 40}  # a new branch: GitHub's "before"
        self.assertExit(self.sb.script("gate.sh", self.ci, env=env), 0)
        self.assertEqual(self.env_file()["AUTOFIX_BASE"], self.base)
        self.assertExit(self.sb.script("gate.sh", self.ci, env={**self.env, "AUTOFIX_CI_BASE": self.head}), 0)
        self.assertEqual(self.calls()[-1][self.calls()[-1].index("--base") + 1], self.head)

    def test_shards_then_merge(self):
        for k in (1, 2):
            self.assertExit(self.sb.script("gate.sh", self.ci, "--shard", f"{k}/2",
                                           env={**self.env, "FAKE_VERDICT": "needs_review" if k == 2 else "accepted"}),
                            0, f"shard {k}/2 done")
            self.assertIn("--shard", self.calls()[-1])
            self.assertTrue(os.path.isfile(os.path.join(self.artifacts, f"shard-{k}-of-2", "partial.json")))
        self.assertFalse(os.path.exists(os.path.join(self.artifacts, "verdict.env")))
        proc = self.sb.script("merge-shards.sh", self.ci, env={**self.env, "AUTOFIX_CI_SHARDS": "2"})
        self.assertExit(proc, 0, "verdict: needs_review")
        merge = self.calls()[-1]
        self.assertEqual(merge[0], "merge")
        self.assertEqual(merge[-2:], ["--out", os.path.join(self.artifacts, "report")])
        self.assertEqual(self.env_file()["AUTOFIX_HEAD"], self.head)
        self.assertExit(self.sb.script("merge-shards.sh", self.ci, env={**self.env, "AUTOFIX_CI_SHARDS": "3"}),
                        4, "a shard is missing")

    def test_a_base_that_moved_on_is_replaced_by_the_merge_base(self):
        # What a pull request's base.sha is: the target branch's tip, which moved on after the fix branched.
        self.sb.git_dev("checkout", "--quiet", "main")
        moved = self.sb.commit({"a.txt": "main fixed something meanwhile\n"}, "main moved on")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        ci = self.sb.ci_checkout(self.head)
        self.assertExit(self.sb.script("gate.sh", ci, env={**self.env, "AUTOFIX_CI_BASE": moved}), 0,
                        f"the base {moved} is not an ancestor of the head; judging against their merge base")
        verify = self.calls()[-1]
        self.assertEqual(verify[verify.index("--base") + 1], self.base)
        self.assertEqual(self.env_file()["AUTOFIX_BASE"], self.base)

    def test_for_each_target_runs_a_stage_per_change_with_its_own_artifacts(self):
        self.sb.git_dev("checkout", "--quiet", "autofix/x")
        second = self.sb.commit({"a.txt": "c\n"}, "second fix")
        self.sb.git_dev("push", "--quiet", "origin", "autofix/x")
        ci = self.sb.ci_checkout(second)
        targets = f"{self.base}..{self.head} {self.head}..{second}"
        env = {**self.env, "AUTOFIX_CI_TARGETS": targets, "FAKE_VERDICT": "rejected"}
        for k in (1, 2):
            self.assertExit(self.sb.script("for-each-target.sh", ci, "gate.sh", "--shard", f"{k}/2", env=env), 0,
                            f"change 2 of 2: {self.head}..{second}: gate.sh --shard {k}/2")
        self.assertEqual([(c[c.index("--base") + 1], c[c.index("--head") + 1], c[c.index("--shard") + 1])
                          for c in self.calls()],
                         [(self.base, self.head, "1/2"), (self.head, second, "1/2"),
                          (self.base, self.head, "2/2"), (self.head, second, "2/2")])
        self.assertFalse(os.path.exists(os.path.join(self.artifacts, "verdicts.env")))  # no verdict yet
        # The shards of both changes lie under one directory, as after a download of every shard.
        proc = self.sb.script("for-each-target.sh", ci, "merge-shards.sh", self.artifacts, env=env)
        self.assertExit(proc, 0, "verdicts: rejected rejected")
        for n, (base, head) in enumerate(((self.base, self.head), (self.head, second)), 1):
            env_file = read(os.path.join(self.artifacts, "targets", str(n), "verdict.env"))
            self.assertIn(f"AUTOFIX_BASE={base}\nAUTOFIX_HEAD={head}\n", env_file)
        self.assertEqual(read(os.path.join(self.artifacts, "verdicts.env")), "AUTOFIX_VERDICTS=rejected rejected\n")
        summary = read(os.path.join(self.artifacts, "summary.md"))
        self.assertIn(f"## {self.base}..{self.head}: rejected\n", summary)
        self.assertIn(f"## {self.head}..{second}: rejected\n", summary)
        # Nothing to judge, and a list that is not BASE..HEAD words.
        self.assertExit(self.sb.script("for-each-target.sh", ci, "gate.sh", env={**env, "AUTOFIX_CI_TARGETS": ""}),
                        0, "nothing to judge")
        self.assertExit(self.sb.script("for-each-target.sh", ci, "gate.sh", env={**env, "AUTOFIX_CI_TARGETS": "main..$(x)"}),
                        2, "is not a change BASE..HEAD")
        self.assertExit(self.sb.script("for-each-target.sh", ci, "rm", env=env), 2, "is not a stage script")

    def test_ctest_mode_reads_the_report_dir_of_the_module_configuration(self):
        # A build that registers an `autofix` test, as the CMake module's autofix_gate_enable() does.
        report_dir = os.path.join(self.sb.dir, "module reports")
        lists = textwrap.dedent(f"""\
            cmake_minimum_required(VERSION 3.25)
            project(C NONE)
            enable_testing()
            file(WRITE "${{CMAKE_BINARY_DIR}}/autofix-gate.json" [=[{{"version": 1, "report_dir": "{report_dir}"}}]=])
            add_test(NAME autofix.verdict COMMAND "{self.fake}" verify -C "${{CMAKE_SOURCE_DIR}}" --report-dir "{report_dir}")
            set_tests_properties(autofix.verdict PROPERTIES LABELS autofix ENVIRONMENT "FAKE_LOG={self.log}")
            """)
        write(os.path.join(self.ci, "CMakeLists.txt"), lists)
        self.sb.git(self.ci, "-c", "user.name=T", "-c", "user.email=t@e.invalid", "commit", "--quiet", "-am", "module")
        env = self.env
        proc = self.assertExit(self.sb.script("gate.sh", self.ci, env={**env, "FAKE_VERDICT": "rejected"}),
                               0, "running: ctest -L autofix", "verdict: rejected")
        self.assertTrue(os.path.isfile(os.path.join(self.artifacts, "report", "junit.xml")))
        self.assertExit(self.sb.script("gate.sh", self.ci, env={**env, "AUTOFIX_CI_MODE": "verify"}),
                        0, "running: " + self.fake)


# ----------------------------------------------------------------------------------------------------
def fix_message(subject, n=1):
    return f"autofix: {subject}\n\nAutofix-Attempt: attempt-{n}\nTests-Run: 3\n"


class PlanScriptTest(ScriptTestCase):
    """plan.sh: which changes an event asks the gate to judge."""

    def setUp(self):
        super().setUp()
        self.base = self.sb.commit({"a.txt": "a\n"}, "base")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.artifacts = os.path.join(self.sb.dir, "autofix artifacts")

    def plan(self, head, code=0, *needles, **env):
        ci = self.sb.ci_checkout(head)
        env = {"AUTOFIX_CI_ARTIFACTS_DIR": self.artifacts, "AUTOFIX_CI_HEAD": head, **env}
        proc = self.assertExit(self.sb.script("plan.sh", ci, env=env), code, *needles)
        if code:
            return None
        lines = proc.stdout.splitlines()
        self.assertEqual(read(os.path.join(self.artifacts, "plan.env")), proc.stdout)
        targets = lines[0].split("=", 1)[1].split()
        self.assertEqual(lines[1], f"AUTOFIX_TARGET_COUNT={len(targets)}")
        return targets

    def test_a_push_to_main_judges_each_fix_commit_against_its_parent(self):
        c1 = self.sb.commit({"a.txt": "1\n"}, fix_message("one", 1))
        human = self.sb.commit({"b.txt": "by hand\n"}, "a human change")
        c2 = self.sb.commit({"a.txt": "2\n"}, fix_message("two", 2))
        ours = self.sb.commit({"a.txt": "1\n"}, "Revert rejected autofix\n\nAutofix-Verdict: rejected\nAutofix-Reverts: x..y\n")
        c3 = self.sb.commit({"c.txt": "3\n"}, fix_message("three", 3))
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.assertEqual(self.plan(c3, 0, "5 commit(s) pushed, 3 of them fix commit(s)",
                                   AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="main", AUTOFIX_CI_BEFORE=self.base),
                         [f"{self.base}..{c1}", f"{human}..{c2}", f"{ours}..{c3}"])
        # More fix commits than AUTOFIX_CI_MAX_TARGETS: the whole push as one change.
        self.assertEqual(self.plan(c3, 0, "judging them as one change", AUTOFIX_CI_EVENT="push",
                                   AUTOFIX_CI_BRANCH="main", AUTOFIX_CI_BEFORE=self.base, AUTOFIX_CI_MAX_TARGETS="2"),
                         [f"{self.base}..{c3}"])
        # A push of only a human change: nothing to judge.
        self.assertEqual(self.plan(human, 0, "nothing to judge", AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="main",
                                   AUTOFIX_CI_BEFORE=c1), [])
        # A new branch (before is all zeros) or a pipeline run by hand: the head commit alone.
        self.assertEqual(self.plan(c2, 0, AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="main", AUTOFIX_CI_BEFORE="0" * 40),
                         [f"{human}..{c2}"])
        # A fixed base (the GitLab component's `base` input): the head against it, one change; one that
        # cannot be resolved fails.
        self.assertEqual(self.plan(c3, 0, f"AUTOFIX_CI_BASE_COMMIT is '{c1}': judging one change, {c1}..{c3}",
                                   AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="main", AUTOFIX_CI_BEFORE=self.base,
                                   AUTOFIX_CI_BASE_COMMIT=c1), [f"{c1}..{c3}"])
        self.plan(c3, 4, "cannot resolve the base 'no-such-ref'", AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="main",
                  AUTOFIX_CI_BEFORE=self.base, AUTOFIX_CI_BASE_COMMIT="no-such-ref")

    def test_a_force_push_to_main_judges_from_the_common_history(self):
        gone = self.sb.commit({"a.txt": "gone\n"}, fix_message("gone"))
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.sb.git_dev("reset", "--quiet", "--hard", self.base)
        c1 = self.sb.commit({"a.txt": "new\n"}, fix_message("new"))
        self.sb.git_dev("push", "--quiet", "--force", "origin", "main")
        self.assertEqual(self.plan(c1, 0, AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="main", AUTOFIX_CI_BEFORE=gone),
                         [f"{self.base}..{c1}"])

    def test_a_fix_branch_is_judged_against_its_merge_base(self):
        self.sb.git_dev("checkout", "--quiet", "-b", "autofix/x")
        head = self.sb.commit({"a.txt": "fix\n"}, fix_message("x"))
        self.sb.git_dev("push", "--quiet", "origin", "autofix/x")
        self.sb.git_dev("checkout", "--quiet", "main")
        moved = self.sb.commit({"b.txt": "main moved on\n"}, "main moved on")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.assertEqual(self.plan(head, 0, AUTOFIX_CI_EVENT="push", AUTOFIX_CI_BRANCH="autofix/x",
                                   AUTOFIX_CI_BEFORE="0" * 40), [f"{self.base}..{head}"])
        # A pull request names the target's tip (GitHub's base.sha): judged against the merge base.
        self.assertEqual(self.plan(head, 0, AUTOFIX_CI_EVENT="pull_request", AUTOFIX_CI_BRANCH="autofix/x",
                                   AUTOFIX_CI_BASE=moved, AUTOFIX_CI_REPOSITORY="acme/calc",
                                   AUTOFIX_CI_HEAD_REPOSITORY="acme/calc"), [f"{self.base}..{head}"])
        # GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA is the merge base already.
        self.assertEqual(self.plan(head, 0, AUTOFIX_CI_EVENT="merge_request", AUTOFIX_CI_BASE=self.base),
                         [f"{self.base}..{head}"])
        # From a fork, or from a fork that was deleted: refused, saying why.
        self.plan(head, 2, "this pull_request comes from stranger/calc, not from acme/calc",
                  AUTOFIX_CI_EVENT="pull_request", AUTOFIX_CI_BASE=moved, AUTOFIX_CI_REPOSITORY="acme/calc",
                  AUTOFIX_CI_HEAD_REPOSITORY="stranger/calc")
        self.plan(head, 2, "comes from a repository that no longer exists", AUTOFIX_CI_EVENT="pull_request",
                  AUTOFIX_CI_REPOSITORY="acme/calc", AUTOFIX_CI_HEAD_REPOSITORY="")
        self.plan(head, 2, "AUTOFIX_CI_EVENT is 'tag'", AUTOFIX_CI_EVENT="tag")


# ----------------------------------------------------------------------------------------------------
CONSUMER = {
    "CMakeLists.txt": textwrap.dedent("""\
        cmake_minimum_required(VERSION 3.25)
        project(Consumer CXX)
        enable_testing()
        add_library(calc STATIC src/calc.cpp)
        target_include_directories(calc PUBLIC src)
        add_executable(calc_test tests/calc_test.cpp)
        target_link_libraries(calc_test PRIVATE calc)
        add_test(NAME calc_test COMMAND calc_test)
        set_tests_properties(calc_test PROPERTIES LABELS unit)
        """),
    "src/calc.h": "#pragma once\nint add(int a, int b);\nint mul(int a, int b);\n",
    "src/calc.cpp": '#include "calc.h"\nint add(int a, int b) { return a + b; }\nint mul(int a, int b) { return a * b; }\n',
    "tests/calc_test.cpp": textwrap.dedent("""\
        #include "calc.h"
        #include <cstdio>
        int main() {
          if (add(2, 3) != 5) { std::puts("add failed"); return 1; }
          if (mul(2, 3) != 6) { std::puts("mul failed"); return 1; }
          return 0;
        }
        """),
    ".gitignore": "build/\n",
}


class FlowTest(ScriptTestCase):
    """The whole flow with the real autofix-gate on a small consumer project."""

    @classmethod
    def setUpClass(cls):
        if not ARGS.gate:
            raise unittest.SkipTest("no --gate given")
        help_text = run([ARGS.gate, "verify", "--help"], check=False)
        if help_text.returncode != 0 or "--head" not in help_text.stdout:
            raise unittest.SkipTest(f"{ARGS.gate} has no `verify` command yet")
        cls.has_merge = run([ARGS.gate, "merge", "--help"], check=False).returncode == 0

    def setUp(self):
        super().setUp()
        self.base = self.sb.commit(CONSUMER, "consumer project")
        self.sb.git_dev("push", "--quiet", "origin", "main")

    def gate(self, commit, branch, *args, base=None, name="artifacts"):
        ci = self.sb.ci_checkout(commit)
        artifacts = os.path.join(self.sb.dir, f"{name} {commit[:7]}")
        env = {"AUTOFIX_GATE": ARGS.gate, "AUTOFIX_CI_ARTIFACTS_DIR": artifacts, "AUTOFIX_CI_BRANCH": branch,
               "AUTOFIX_CI_CMAKE_ARGS": "-G Ninja", "AUTOFIX_CI_JOBS": "2"}
        if base:
            env["AUTOFIX_CI_BASE"] = base
        proc = self.sb.script("gate.sh", ci, *args, env=env)
        return ci, env, proc

    def verdict(self, env):
        return read(os.path.join(env["AUTOFIX_CI_ARTIFACTS_DIR"], "verdict.txt")).strip()

    def assertReports(self, env):
        for name in ("report.json", "junit.xml", "summary.md", "autofix.sarif"):
            self.assertTrue(os.path.isfile(os.path.join(env["AUTOFIX_CI_ARTIFACTS_DIR"], "report", name)), name)

    def push_branch(self, name, files, delete=()):
        self.sb.git_dev("checkout", "--quiet", "-b", name, self.base)
        head = self.sb.commit(files, f"autofix: {name}", delete=delete)
        self.sb.git_dev("push", "--quiet", "origin", name)
        self.sb.git_dev("checkout", "--quiet", "main")
        return head

    def test_accepted_fix_is_merged(self):
        head = self.push_branch("autofix/mul", {"src/calc.cpp": CONSUMER["src/calc.cpp"].replace("a * b", "b * a")})
        ci, env, proc = self.gate(head, "autofix/mul")
        self.assertExit(proc, 0, "verdict: accepted")
        self.assertEqual(self.verdict(env), "accepted")
        # gate.sh shared the verify's history record with the remote (history sync).
        self.assertRegex(self.sb.remote_git("rev-parse", "--verify", "-q", "refs/autofix/history"), "^[0-9a-f]{40}$")
        self.assertIn(" verify accepted", self.sb.remote_git("log", "--format=%s", "refs/autofix/history"))
        self.assertReports(env)
        self.assertExit(self.sb.script("accept.sh", ci, env=env), 0)
        self.assertEqual(self.sb.remote_branches(), {"main": head, "autofix/mul": head})

    def test_rejected_fix_on_main_is_reverted(self):
        self.sb.git_dev("checkout", "--quiet", "main")
        head = self.sb.commit({"src/calc.cpp": CONSUMER["src/calc.cpp"].replace("a + b", "a - b")}, "autofix: add")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        ci, env, proc = self.gate(head, "main", base=self.base)  # base: CI's "before" commit
        self.assertExit(proc, 0, "verdict: rejected")
        self.assertReports(env)
        self.assertExit(self.sb.script("revert.sh", ci, env=env), 0, "pushed revert")
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("rev-parse", f"{main}^"), head)
        self.assertEqual(self.sb.remote_git("rev-parse", f"{main}^{{tree}}"),
                         self.sb.remote_git("rev-parse", f"{self.base}^{{tree}}"))
        self.assertExit(self.sb.script("revert.sh", ci, env=env), 0, "already reverts")
        self.assertEqual(self.sb.remote_branches(), {"main": main})

    def test_needs_review_fix_is_left_alone(self):
        head = self.push_branch("autofix/ci-tweak", {".github/workflows/build.yml": "on: push\n",
                                                     "src/calc.cpp": CONSUMER["src/calc.cpp"] + "// tidy\n"})
        ci, env, proc = self.gate(head, "autofix/ci-tweak")
        self.assertExit(proc, 0, "verdict: needs_review")
        calls = os.path.join(self.sb.dir, "review calls.txt")
        hook = {"AUTOFIX_REVIEW_COMMAND": 'printf "%s\\n" "$1" >> "$HOOK_LOG"', "HOOK_LOG": calls}
        self.assertExit(self.sb.script("review.sh", ci, env={**env, **hook}), 0)
        self.assertEqual(read(calls), "autofix/ci-tweak\n")
        self.assertEqual(self.sb.script("accept.sh", ci, env=env).returncode, 2)
        self.assertEqual(self.sb.remote_branches(), {"main": self.base, "autofix/ci-tweak": head})

    def test_comment_only_fix_on_a_branch_whose_base_moved_is_accepted(self):
        # main breaks mul (B); a fix branch from B only edits a comment; then main repairs mul (M). Judged
        # against M, the branch would lose M's repair and be rejected; against B it changes nothing.
        broken = CONSUMER["src/calc.cpp"].replace("a * b", "a + b")
        b = self.sb.commit({"src/calc.cpp": broken}, "mul broken")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.sb.git_dev("checkout", "--quiet", "-b", "autofix/comment", b)
        head = self.sb.commit({"src/calc.cpp": "// calc: add and mul\n" + broken}, "autofix: comment")
        self.sb.git_dev("push", "--quiet", "origin", "autofix/comment")
        self.sb.git_dev("checkout", "--quiet", "main")
        moved = self.sb.commit({"src/calc.cpp": CONSUMER["src/calc.cpp"]}, "mul repaired")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        ci, env, proc = self.gate(head, "autofix/comment", base=moved)  # what a pull request's base.sha is
        self.assertExit(proc, 0, f"judging autofix/comment {head} against base {b}", "verdict: accepted")
        self.assertIn(f"AUTOFIX_BASE={b}\n", read(os.path.join(env["AUTOFIX_CI_ARTIFACTS_DIR"], "verdict.env")))

    def test_sharded_gate_reaches_the_same_verdict(self):
        if not self.has_merge:
            self.skipTest("autofix-gate has no `merge` command yet")
        head = self.push_branch("autofix/mul", {"src/calc.cpp": CONSUMER["src/calc.cpp"].replace("a * b", "b * a")})
        shards = os.path.join(self.sb.dir, "all shards")
        for k in (1, 2):
            ci, env, proc = self.gate(head, "autofix/mul", "--shard", f"{k}/2", name=f"shard {k}")
            self.assertExit(proc, 0, f"shard {k}/2 done")
            # Each shard's job synced its record: the remote's history holds both (merged by union).
            history = self.sb.remote_git("log", "--format=%s", "refs/autofix/history")
            self.assertEqual(history.count(" verify "), k, history)
            shutil.copytree(env["AUTOFIX_CI_ARTIFACTS_DIR"], os.path.join(shards, f"autofix-shard-{k}"))
        merged = os.path.join(self.sb.dir, "merged artifacts")
        env = {"AUTOFIX_GATE": ARGS.gate, "AUTOFIX_CI_ARTIFACTS_DIR": merged, "AUTOFIX_CI_SHARDS": "2"}
        self.assertExit(self.sb.script("merge-shards.sh", ci, shards, env=env), 0, "verdict: accepted")
        self.assertReports(env)


HEALTH_PROJECT = {
    "CMakeLists.txt": textwrap.dedent("""\
        cmake_minimum_required(VERSION 3.20)
        project(health LANGUAGES NONE)
        enable_testing()
        add_test(NAME flag_and_mode_not_both_on COMMAND sh -c "! (grep -qx on '${CMAKE_CURRENT_SOURCE_DIR}/flag.conf' && grep -qx on '${CMAKE_CURRENT_SOURCE_DIR}/mode.conf')")
        """),
    ".gitignore": "build/\n",
    "autofix-gate.json": '{"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]}\n',
    "flag.conf": "off\n",
    "mode.conf": "off\n",
}


class HealthScriptTest(ScriptTestCase):
    """health.sh with the real autofix-gate: an autofix commit that breaks a test only with later work, on a
    bare remote; the scheduled stage reverts it, pushes the revert and the history."""

    @classmethod
    def setUpClass(cls):
        if not ARGS.gate:
            raise unittest.SkipTest("no --gate given")

    def setUp(self):
        super().setUp()
        self.base = self.sb.commit(HEALTH_PROJECT, "a project whose test reads two files")
        self.fix = self.sb.commit({"flag.conf": "on\n"}, "autofix: flag on\n\nAutofix-Attempt: 20261207T000000Z-abcdef")
        self.mine = self.sb.commit({"mode.conf": "on\n"}, "my own work: mode on")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.env = {"AUTOFIX_GATE": ARGS.gate, "AUTOFIX_CI_TARGET_BRANCH": "main"}

    def test_reverts_the_unhealthy_fix_pushes_it_and_the_history(self):
        ci = self.sb.ci_checkout(self.mine)
        self.assertExit(self.sb.script("health.sh", ci, "--since", self.base, env=self.env), 0,
                        "pushing the reverts (1 commit(s)) to main")
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("log", "--format=%s", f"{self.mine}..{main}"), 'Revert "autofix: flag on"')
        self.assertNotEqual(self.sb.remote_git("log", "-1", "--format=%(trailers:key=Autofix-Health,valueonly)", main), "")
        self.assertEqual(self.sb.remote_git("show", f"{main}:flag.conf"), "off")
        self.assertEqual(self.sb.remote_git("show", f"{main}:mode.conf"), "on")
        self.assertNotEqual(self.sb.remote_git("rev-parse", "--verify", "-q", "refs/autofix/history"), "")
        # The next scheduled run: the reverted fix is not judged again; nothing to push.
        again = self.sb.ci_checkout(main)
        self.assertExit(self.sb.script("health.sh", again, "--since", self.base, env=self.env), 0)
        self.assertEqual(self.sb.remote_branches()["main"], main)

    def test_bad_usage_is_refused(self):
        ci = self.sb.ci_checkout(self.mine)
        self.assertExit(self.sb.script("health.sh", ci, "--until", "x", env=self.env), 2, "unknown argument '--until'")
        self.assertExit(self.sb.script("health.sh", ci, "--since", env=self.env), 2, "--since needs a value")


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the AutofixGate source directory")
    parser.add_argument("--gate", help="the autofix-gate binary (FlowTest)")
    ARGS, rest = parser.parse_known_args()
    ARGS.root = os.path.abspath(ARGS.root)
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun > 0 and len(result.skipped) == result.testsRun:
        sys.exit(SKIP)
    # A whole class skipped in setUpClass shows as one skip and no tests run.
    if result.testsRun == 0 or (result.skipped and result.testsRun == len(result.skipped)):
        sys.exit(SKIP)
    sys.exit(0)


if __name__ == "__main__":
    main()
