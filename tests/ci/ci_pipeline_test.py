#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The CI examples end to end: the real GitHub workflow and the real GitLab template, run for real events by
the emulators in github_runner.py and gitlab_runner.py, call the real scripts against a bare repository on
disk. AutofixGate itself comes from a repository on disk holding the scripts and the GitHub Action under test
(action.yml with its scripts), a CMake project that "builds" and installs a stand-in autofix-gate (and
counts its builds), and a no-op install-deps.sh. The stand-in
really judges: it runs the project's check.sh at the base and at the head it is given, and rejects a change
when the check passed at the base and fails at the head.

    ci_pipeline_test.py --root SOURCE_DIR [unittest arguments, e.g. GitHubPipelineTest]
"""
import argparse
import json
import os
import sys
import textwrap
import unittest

import yaml
from xml.etree import ElementTree

import ci_scripts_test
from ci_scripts_test import Sandbox, read, run, write
from github_runner import Run, load_workflow, surviving_runs, ZERO
from gitlab_runner import Pipeline

ARGS = None
COMPONENTS = {}  # the CI/CD components the GitLab emulator resolves: {"autofix-gate": templates/autofix-gate.yml}
REPOSITORY = "acme/calc"          # GitHub owner/name of the project, GitLab path
GATE_REPOSITORY = "acme/autofix-gate"
PUSH_URL = "https://oauth2:fake-push-token@gitlab.test:443/acme/calc.git"

FAKE_GATE = r'''#!/usr/bin/python3
"""Stand-in autofix-gate: verify runs check.sh at --base and at --head; merge takes the worst verdict."""
import json, os, subprocess, sys, tempfile
args = sys.argv[1:]
codes = {"accepted": 0, "rejected": 1, "needs_review": 3, "error": 4}
def opt(name):
    return args[args.index(name) + 1] if name in args else None
def passes(root, commit):
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(["git", "-C", root, "archive", commit], stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        return subprocess.run(["sh", "check.sh"], cwd=tree, stdout=subprocess.DEVNULL).returncode == 0
def reports(out, verdict):
    # The report set's files, small but in their formats, each naming the verdict.
    os.makedirs(out, exist_ok=True)
    json.dump({"verdict": verdict, "reason": "check.sh " + verdict}, open(os.path.join(out, "report.json"), "w"))
    failed = int(verdict != "accepted")
    open(os.path.join(out, "junit.xml"), "w").write(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="1" failures="{failed}"><testsuite name="gate" '
        f'tests="1" failures="{failed}"><testcase classname="gate" name="verdict">'
        + (f'<failure message="{verdict}"/>' if failed else "") + "</testcase></testsuite></testsuites>\n")
    open(os.path.join(out, "summary.md"), "w").write(f"## AutofixGate: {verdict}\n\ncheck.sh {verdict}.\n")
    for name in ("autofix.sarif", "autofix-full.sarif"):
        json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "autofix-gate tests", "rules": []}},
                                                 "automationDetails": {"id": "autofix-gate/tests/"},
                                                 "results": [], "properties": {"verdict": verdict, "file": name}},
                                                {"tool": {"driver": {"name": "no category"}}, "results": []}]},
                  open(os.path.join(out, name), "w"))
    open(os.path.join(out, "autofix-tiers.xml"), "w").write(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="1" failures="0"><testsuite name="tiers" '
        f'tests="1" failures="0"><testcase classname="ctest" name="tests"/></testsuite></testsuites>\n')
    open(os.path.join(out, "gl-code-quality-report.json"), "w").write("[]\n")
if args[0] == "--version":
    print("autofix-gate 0.0.0 (stand-in)")
    sys.exit(0)
if args[0] == "verify":
    root, base, head = opt("-C"), opt("--base"), opt("--head")
    verdict = "rejected" if passes(root, base) and not passes(root, head) else "accepted"
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({"call": "verify", "base": base, "head": head, "shard": opt("--shard"), "verdict": verdict}) + "\n")
    out = opt("--report-dir")
    if opt("--shard"):
        os.makedirs(out, exist_ok=True)
        json.dump({"verdict": verdict}, open(os.path.join(out, "partial.json"), "w"))
    else:
        reports(out, verdict)
    sys.exit(codes[verdict])
if args[0] == "merge":
    verdicts = [json.load(open(p))["verdict"] for p in args[1:args.index("--out")]]
    worst = next((v for v in ("error", "rejected", "needs_review") if v in verdicts), "accepted")
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({"call": "merge", "verdict": worst}) + "\n")
    reports(opt("--out"), worst)
    sys.exit(codes[worst])
sys.exit(2)
'''

CHECK = "#!/bin/sh\n# The project's test: mul must multiply.\ngrep -q 'mul = a \\* b' calc.txt\n"
CALC_BROKEN = "# calc\nadd = a + b\n\n\n\nmul = a + b\n"
CALC_FIXED = "# calc\nadd = a + b\n\n\n\nmul = a * b\n"


def fix_message(subject, n):
    return f"autofix: {subject}\n\nAutofix-Attempt: attempt-{n}\nTests-Run: 1\n"


class PipelineTestCase(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox()
        self.addCleanup(self.sb.cleanup)
        self.log = os.path.join(self.sb.dir, "gate calls.jsonl")
        self.builds = os.path.join(self.sb.dir, "builds.log")
        open(self.log, "w").close()
        open(self.builds, "w").close()
        self.sb.env["FAKE_LOG"] = self.log
        self.tool = self.make_tool_repository()
        self.runs_dir = os.path.join(self.sb.dir, "ci runs")
        os.makedirs(self.runs_dir)

    def make_tool_repository(self):
        """AutofixGate as CI fetches it: the scripts under test and a build of the stand-in binary."""
        path = os.path.join(self.sb.dir, "autofix gate source")
        run(["git", "init", "--quiet", "-b", "main", path], env=self.sb.env)
        run(["cp", "-R", os.path.join(ARGS.root, "examples"), os.path.join(ARGS.root, "action.yml"), path], env=self.sb.env)
        os.makedirs(os.path.join(path, "scripts"))
        for name in ("ci-action.sh", "ci-action-tool.sh"):  # the action's scripts
            run(["cp", os.path.join(ARGS.root, "scripts", name), os.path.join(path, "scripts")], env=self.sb.env)
        write(os.path.join(path, "fake-gate.py"), FAKE_GATE, mode=0o755)
        write(os.path.join(path, "scripts", "install-deps.sh"), "#!/bin/sh\necho 'install-deps: (stand-in)'\n", mode=0o755)
        write(os.path.join(path, "record-build.sh"), f"#!/bin/sh\necho built >> '{self.builds}'\n", mode=0o755)
        write(os.path.join(path, "CMakeLists.txt"), textwrap.dedent("""\
            cmake_minimum_required(VERSION 3.25)
            project(FakeAutofixGate NONE)
            option(AUTOFIX_GATE_BUILD_TESTS "unused" OFF)
            # A target named like its output file confuses Ninja, so this one runs on every build.
            add_custom_target(autofix-gate ALL
              COMMAND sh "${CMAKE_SOURCE_DIR}/record-build.sh"
              COMMAND "${CMAKE_COMMAND}" -E copy "${CMAKE_SOURCE_DIR}/fake-gate.py" "${CMAKE_BINARY_DIR}/autofix-gate"
              VERBATIM)
            install(PROGRAMS "${CMAKE_BINARY_DIR}/autofix-gate" DESTINATION bin)
            """))
        git = lambda *a: run(["git", "-C", path, *a], env=self.sb.env)
        git("add", "--all")
        git("-c", "user.name=T", "-c", "user.email=t@e.invalid", "commit", "--quiet", "-m", "AutofixGate")
        return path

    # --- the project's history -----------------------------------------------------------------------------
    def start_project(self, calc):
        sha = self.sb.commit({"check.sh": CHECK, "calc.txt": calc, "notes.txt": "notes\n",
                              "CMakeLists.txt": "cmake_minimum_required(VERSION 3.25)\nproject(Calc NONE)\n"}, "calc")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        return sha

    def branch_moved_scenario(self):
        """main at B has a failing check; a fix branch from B changes a comment; then main fixes the
        check (M). Returns B, M, H."""
        b = self.start_project(CALC_BROKEN)
        self.sb.git_dev("checkout", "--quiet", "-b", "autofix/comment", b)
        h = self.sb.commit({"calc.txt": CALC_BROKEN.replace("# calc", "# calc: a comment")}, fix_message("comment", 1))
        self.sb.git_dev("push", "--quiet", "origin", "autofix/comment")
        self.sb.git_dev("checkout", "--quiet", "main")
        m = self.sb.commit({"calc.txt": CALC_FIXED}, "fix mul")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        return b, m, h

    def three_fixes(self, push_each):
        """Three fix commits on main after P: C1 good, C2 breaks the check, C3 good. Pushed in one push, or
        each on its own. Returns P, [C1, C2, C3] and the pushes as (before, after)."""
        p = self.start_project(CALC_FIXED)
        commits, pushes, before = [], [], p
        changes = [{"notes.txt": "notes, tidied\n"}, {"calc.txt": CALC_BROKEN}, {"README": "calc\n"}]
        for n, files in enumerate(changes, 1):
            commits.append(self.sb.commit(files, fix_message(f"fix {n}", n)))
            if push_each:
                self.sb.git_dev("push", "--quiet", "origin", "main")
                pushes.append((before, commits[-1]))
                before = commits[-1]
        if not push_each:
            self.sb.git_dev("push", "--quiet", "origin", "main")
            pushes.append((p, commits[-1]))
        return p, commits, pushes

    # --- what the gate was asked and said -----------------------------------------------------------------
    def calls(self, kind):
        with open(self.log) as f:
            return [c for c in map(json.loads, f) if c["call"] == kind]

    def judged(self):
        """{(base, head): verdict} of every verify call, and the set of verdicts per change."""
        out = {}
        for c in self.calls("verify"):
            out.setdefault((c["base"], c["head"]), set()).add(c["verdict"])
        return out

    def build_count(self):
        return len(read(self.builds).splitlines())

    def reverts_of(self, commit):
        main = self.sb.remote_branches()["main"]
        log = self.sb.remote_git("log", "--format=%H%n%B%n--end--", main)
        return [block for block in log.split("--end--") if f"This reverts commit {commit}" in block]

    def assertThreeVerdictsAndOneRevert(self, p, commits, describe):
        c1, c2, c3 = commits
        self.assertEqual(self.judged(), {(p, c1): {"accepted"}, (c1, c2): {"rejected"}, (c2, c3): {"accepted"}},
                         describe())
        self.assertEqual(len(self.calls("merge")), 3, describe())
        self.assertEqual(len(self.reverts_of(c2)), 1, describe())
        for c in (c1, c3):
            self.assertEqual(self.reverts_of(c), [], describe())
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("rev-parse", f"{main}^"), c3)
        self.assertEqual(self.sb.remote_git("show", f"{main}:calc.txt") + "\n", CALC_FIXED)
        self.assertEqual(self.sb.remote_git("show", f"{main}:notes.txt"), "notes, tidied")


# ----------------------------------------------------------------------------------------------------------
class GitHubPipelineTest(PipelineTestCase):
    """examples/ci/github/autofix-gate.yml."""

    def setUp(self):
        super().setUp()
        self.workflow = load_workflow(os.path.join(ARGS.root, "examples", "ci", "github", "autofix-gate.yml"))
        self.repos = {REPOSITORY: self.sb.remote, GATE_REPOSITORY: self.tool}
        self.vars = {"AUTOFIX_GATE_REPOSITORY": GATE_REPOSITORY}
        self.runs = []

    def push_event(self, branch, before, after):
        messages = self.sb.remote_git("log", "--format=%B%x00", f"{before}..{after}") if before != ZERO else \
            self.sb.remote_git("log", "-1", "--format=%B%x00", after)
        commits = [{"message": m.strip()} for m in messages.split("\0") if m.strip()]
        head_commit = {"id": after, "message": self.sb.remote_git("log", "-1", "--format=%B", after)}
        return ("push", {"ref": f"refs/heads/{branch}", "before": before, "after": after, "commits": commits,
                         "head_commit": head_commit,
                         "repository": {"default_branch": "main", "full_name": REPOSITORY}})

    def pull_request_event(self, branch, head, base_sha, head_repository=REPOSITORY):
        return ("pull_request", {"action": "synchronize", "number": 7,
                                 "pull_request": {"head": {"ref": branch, "sha": head, "repo": {"full_name": head_repository}},
                                                  "base": {"ref": "main", "sha": base_sha, "repo": {"full_name": REPOSITORY}}},
                                 "repository": {"default_branch": "main", "full_name": REPOSITORY}})

    def run_together(self, events, vars=None):
        """Events that arrive before any of their runs finished; runs the ones GitHub would not cancel."""
        vars = self.vars if vars is None else vars
        for i in surviving_runs(self.workflow, events, REPOSITORY, vars):
            name, event = events[i]
            self.runs.append(Run(self.workflow, self.runs_dir, self.repos, REPOSITORY, name, event, vars=vars,
                                 env=self.sb.env, name=f"run {len(self.runs) + 1} ({name})").run())

    def describe(self):
        lines = []
        for r in self.runs:
            lines.append(f"== {r.dir}: " + ", ".join(f"{j}={v['result']}" for j, v in r.jobs.items()))
            for job in r.jobs:
                if r.jobs[job]["result"] == "failure":
                    lines.append(r.output_of(job)[-3000:])
        lines.append("gate calls:\n" + read(self.log))
        return "\n".join(lines)

    def test_a_pull_request_whose_base_moved_is_judged_against_the_merge_base_once(self):
        b, m, h = self.branch_moved_scenario()
        self.run_together([self.push_event("autofix/comment", ZERO, h),
                           self.pull_request_event("autofix/comment", h, base_sha=m)])
        # Exactly one judgement, of the fix against the commit it branched from: accepted.
        self.assertEqual(self.judged(), {(b, h): {"accepted"}}, self.describe())
        self.assertEqual(len(self.calls("merge")), 1, self.describe())
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("rev-list", "--parents", "-n1", main).split()[1:], [m, h], self.describe())
        self.assertNotIn("autofix/comment", self.sb.remote_branches())
        self.assertEqual(self.build_count(), 1, "autofix-gate must be built once per run\n" + self.describe())
        self.assertPublished(self.runs[0], ["accepted"])

    def assertPublished(self, run_, verdicts):
        """merge-shards published the merged reports of each judged change: summary.md as the job summary,
        junit.xml to the test reporter, and for a single change autofix.sarif to code scanning."""
        workspace = run_.jobs["merge-shards"]["legs"][0]["workspace"]
        summary = read(os.path.join(workspace, "autofix-artifacts", "summary.md"))
        self.assertEqual(run_.summary, summary, self.describe())
        self.assertEqual([line for line in summary.splitlines() if line.startswith("## AutofixGate")],
                         [f"## AutofixGate: {v}" for v in verdicts], summary)
        reports = {action: (inputs, files) for action, inputs, files in run_.reports}
        self.assertEqual(sorted(reports), ["github/codeql-action/upload-sarif", "mikepenz/action-junit-report"]
                         if len(verdicts) == 1 else ["mikepenz/action-junit-report"], self.describe())
        # The tests and the tiers, each a check run of its own.
        junits = [(inputs, files) for action, inputs, files in run_.reports if action == "mikepenz/action-junit-report"]
        self.assertEqual([inputs["check_name"] for inputs, _ in junits], ["autofix-gate tests", "autofix-gate tiers"])
        junit = junits[0][1]
        self.assertEqual(sorted(junit), [f"autofix-artifacts/targets/{n}/report/junit.xml" for n in range(1, len(verdicts) + 1)])
        self.assertEqual([junit[f].find("testsuite").get("failures") for f in sorted(junit)],
                         ["0" if v == "accepted" else "1" for v in verdicts])
        self.assertEqual(sorted(junits[1][1]),
                         [f"autofix-artifacts/targets/{n}/report/autofix-tiers.xml" for n in range(1, len(verdicts) + 1)])
        if len(verdicts) == 1:
            inputs, sarif = reports["github/codeql-action/upload-sarif"]
            self.assertEqual(list(sarif), ["autofix-artifacts/targets/1/report/autofix.sarif"])
            runs = sarif["autofix-artifacts/targets/1/report/autofix.sarif"]["runs"]
            self.assertEqual(runs[0]["properties"], {"verdict": verdicts[0], "file": "autofix.sarif"})
            # A run's own category stands; `category` names a run without one.
            self.assertEqual([r["automationDetails"]["id"] for r in runs], ["autofix-gate/tests/", "autofix-gate/"])

    def test_b_three_fixes_in_one_push_get_three_verdicts(self):
        p, commits, pushes = self.three_fixes(push_each=False)
        self.run_together([self.push_event("main", *push) for push in pushes])
        self.assertThreeVerdictsAndOneRevert(p, commits, self.describe)
        self.assertEqual(self.build_count(), 1, self.describe())
        # The tests and the tiers are published as two check runs, each from the files of every change.
        published = [(i["report_paths"], i["check_name"]) for a, i, _ in self.runs[0].reports
                     if a == "mikepenz/action-junit-report"]
        self.assertEqual(published, [("autofix-artifacts/targets/*/report/junit.xml", "autofix-gate tests"),
                                     ("autofix-artifacts/targets/*/report/autofix-tiers.xml", "autofix-gate tiers")],
                         self.describe())
        self.assertPublished(self.runs[0], ["accepted", "rejected", "accepted"])

    def test_b_three_quick_pushes_each_get_a_verdict(self):
        p, commits, pushes = self.three_fixes(push_each=True)
        self.run_together([self.push_event("main", *push) for push in pushes])
        self.assertThreeVerdictsAndOneRevert(p, commits, self.describe)
        self.assertEqual(self.build_count(), 3, self.describe())  # one per run

    def test_a_fork_pull_request_fails_with_a_clear_message(self):
        b, m, h = self.branch_moved_scenario()
        before = self.sb.remote_branches()
        self.run_together([self.pull_request_event("autofix/comment", h, base_sha=m, head_repository="stranger/calc")],
                          vars={})  # a fork's run gets no repository variables
        run_ = self.runs[0]
        failed = [j for j, v in run_.jobs.items() if v["result"] == "failure"]
        self.assertTrue(failed, self.describe())
        output = "\n".join(run_.output_of(j) for j in failed)
        self.assertIn("this pull request comes from stranger/calc, not from acme/calc", output, self.describe())
        self.assertEqual(self.calls("verify"), [])
        self.assertEqual(self.build_count(), 0)
        self.assertEqual(self.sb.remote_branches(), before)

    def test_a_push_without_fix_commits_builds_nothing(self):
        p = self.start_project(CALC_FIXED)
        later = self.sb.commit({"notes.txt": "by hand\n"}, "a human change")
        self.sb.git_dev("push", "--quiet", "origin", "main")
        self.run_together([self.push_event("main", p, later)])
        self.assertEqual(self.calls("verify"), [], self.describe())
        self.assertEqual(self.build_count(), 0, self.describe())
        self.assertEqual(self.sb.remote_branches()["main"], later)


    def test_deleting_a_merged_fix_branch_runs_nothing(self):
        # accept.sh deletes the fix branch once merged; with AUTOFIX_PUSH_TOKEN that push starts a run.
        self.start_project(CALC_FIXED)
        name, event = self.push_event("autofix/gone", ZERO, self.sb.remote_branches()["main"])
        event.update(after=ZERO, deleted=True, commits=[], head_commit=None)
        self.run_together([(name, event)])
        self.assertEqual({j: v["result"] for j, v in self.runs[0].jobs.items()},
                         {j: "skipped" for j in self.workflow["jobs"]})


# ----------------------------------------------------------------------------------------------------------
class GitLabPipelineTest(PipelineTestCase):
    """examples/ci/gitlab/autofix-gate.gitlab-ci.yml: the CI/CD component templates/autofix-gate.yml included."""

    def setUp(self):
        super().setUp()
        self.template = os.path.join(ARGS.root, "examples", "ci", "gitlab", "autofix-gate.gitlab-ci.yml")
        self.pipelines = []

    def predefined(self, **extra):
        base = {"CI": "true", "GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main", "CI_PROJECT_PATH": REPOSITORY,
                "CI_PROJECT_ID": "42", "CI_SERVER_PROTOCOL": "https", "CI_SERVER_HOST": "gitlab.test",
                "CI_SERVER_PORT": "443", "CI_API_V4_URL": "https://gitlab.test/api/v4", "CI_COMMIT_BEFORE_SHA": ZERO}
        base.update(extra)
        return base

    def push_pipeline(self, branch, before, after, open_merge_request=False):
        extra = {"CI_OPEN_MERGE_REQUESTS": f"{REPOSITORY}!7"} if open_merge_request else {}
        return self.predefined(CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH=branch, CI_COMMIT_REF_NAME=branch,
                               CI_COMMIT_SHA=after, CI_COMMIT_BEFORE_SHA=before,
                               CI_COMMIT_MESSAGE=self.sb.remote_git("log", "-1", "--format=%B", after), **extra)

    def merge_request_pipeline(self, branch, head, diff_base, source_project=REPOSITORY):
        return self.predefined(CI_PIPELINE_SOURCE="merge_request_event", CI_COMMIT_SHA=head, CI_COMMIT_REF_NAME=branch,
                               CI_MERGE_REQUEST_IID="7", CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=branch,
                               CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main", CI_MERGE_REQUEST_DIFF_BASE_SHA=diff_base,
                               CI_MERGE_REQUEST_SOURCE_PROJECT_PATH=source_project,
                               CI_MERGE_REQUEST_PROJECT_PATH=REPOSITORY, CI_OPEN_MERGE_REQUESTS=f"{REPOSITORY}!7")

    def run_pipelines(self, *predefined):
        for p in predefined:
            self.pipelines.append(Pipeline(
                self.template, self.runs_dir, self.sb.remote, p, env=self.sb.env, push_urls=[PUSH_URL], components=COMPONENTS,
                project_variables={"AUTOFIX_GATE_REPOSITORY": self.tool, "AUTOFIX_PUSH_TOKEN": "fake-push-token",
                                   "AUTOFIX_API_TOKEN": "fake-api-token"},
                name=f"pipeline {len(self.pipelines) + 1}").run())

    def describe(self):
        lines = []
        for p in self.pipelines:
            lines.append(f"== {p.dir}: " + ", ".join(f"{j}={v['result']}" for j, v in p.jobs.items()))
            for job, v in p.jobs.items():
                if v["result"] == "failure":
                    lines.append(f"[{job}]\n" + v["output"][-3000:])
        lines.append("gate calls:\n" + read(self.log))
        return "\n".join(lines)

    def test_a_merge_request_whose_base_moved_is_judged_against_the_merge_base_once(self):
        b, m, h = self.branch_moved_scenario()
        # The branch pipeline of a branch with an open merge request, and the merge request pipeline,
        # whose CI_MERGE_REQUEST_DIFF_BASE_SHA is GitLab's merge base.
        self.run_pipelines(self.push_pipeline("autofix/comment", ZERO, h, open_merge_request=True),
                           self.merge_request_pipeline("autofix/comment", h, diff_base=b))
        self.assertEqual(self.judged(), {(b, h): {"accepted"}}, self.describe())
        self.assertEqual(len(self.calls("merge")), 1, self.describe())
        main = self.sb.remote_branches()["main"]
        self.assertEqual(self.sb.remote_git("rev-list", "--parents", "-n1", main).split()[1:], [m, h], self.describe())
        self.assertEqual(self.build_count(), 1, self.describe())

    def test_a_fix_branch_without_a_merge_request_is_judged_in_its_branch_pipeline(self):
        b, m, h = self.branch_moved_scenario()
        self.run_pipelines(self.push_pipeline("autofix/comment", ZERO, h))
        self.assertEqual(self.judged(), {(b, h): {"accepted"}}, self.describe())
        self.assertTrue(self.sb.remote_git("merge-base", "--is-ancestor", h, "main") == "", self.describe())
        # autofix:merge hands GitLab the merged report's JUnit and Code Quality files.
        reports = {kind: files for job, kind, files in self.pipelines[0].reports if job == "autofix:merge"}
        self.assertEqual(sorted(reports), ["codequality", "junit"], self.describe())
        self.assertEqual([f.split("/autofix-artifacts/")[1] for f in reports["codequality"]],
                         ["targets/1/report/gl-code-quality-report.json"], self.describe())
        self.assertEqual([f.split("/autofix-artifacts/")[1] for f in reports["junit"]],
                         ["targets/1/report/junit.xml"], self.describe())
        self.assertEqual(ElementTree.parse(reports["junit"][0]).getroot().find("testsuite").get("failures"), "0")
        # GitLab reads no SARIF: both logs are kept as artifacts of autofix:merge, with the summary, which the
        # job also prints (GitLab has no job summary).
        merge = self.pipelines[0].jobs["autofix:merge"]
        report = os.path.join(merge["artifacts"], "autofix-artifacts", "targets", "1", "report")
        for name in ("autofix.sarif", "autofix-full.sarif"):
            with open(os.path.join(report, name), encoding="utf-8") as f:
                self.assertEqual(json.load(f)["runs"][0]["properties"], {"verdict": "accepted", "file": name})
        self.assertIn(read(os.path.join(report, "summary.md")), merge["output"])
        self.assertIn("## AutofixGate: accepted", merge["output"])

    def test_b_three_fixes_in_one_push_get_three_verdicts(self):
        p, commits, pushes = self.three_fixes(push_each=False)
        self.run_pipelines(*(self.push_pipeline("main", *push) for push in pushes))
        self.assertThreeVerdictsAndOneRevert(p, commits, self.describe)
        self.assertEqual(self.build_count(), 1, self.describe())
        # The tests' JUnit files from autofix:merge, the tiers' from autofix:tiers: one per judged change.
        published = [(job, kind, [os.path.relpath(f, self.pipelines[0].jobs[job]["workspace"]) for f in files])
                     for job, kind, files in self.pipelines[0].reports if kind == "junit"]
        self.assertEqual(published, [("autofix:merge", "junit", [f"autofix-artifacts/targets/{n}/report/junit.xml" for n in (1, 2, 3)]),
                                     ("autofix:tiers", "junit",
                                      [f"autofix-artifacts/targets/{n}/report/autofix-tiers.xml" for n in (1, 2, 3)])],
                         self.describe())

    def test_b_three_quick_pushes_each_get_a_verdict(self):
        p, commits, pushes = self.three_fixes(push_each=True)
        self.run_pipelines(*(self.push_pipeline("main", *push) for push in pushes))
        self.assertThreeVerdictsAndOneRevert(p, commits, self.describe)

    def test_the_base_input_judges_the_head_against_that_commit_once(self):
        # Three fix commits in one push would get a verdict each; with the component's `base` input the
        # pipeline judges the head against that commit, once: C1..C3, which breaks the check (C2).
        p, commits, pushes = self.three_fixes(push_each=False)
        c1, c2, c3 = commits
        pinned = os.path.join(self.runs_dir, "based .gitlab-ci.yml")
        with open(pinned, "w") as f:
            yaml.safe_dump({"include": [{"component": "$CI_SERVER_FQDN/acme/autofixgate/autofix-gate@main",
                                         "inputs": {"repository": self.tool, "version": "main", "shards": 2,
                                                    "base": c1}}]}, f)
        self.pipelines.append(Pipeline(
            pinned, self.runs_dir, self.sb.remote, self.push_pipeline("main", *pushes[0]), env=self.sb.env,
            push_urls=[PUSH_URL], components=COMPONENTS, name="pipeline with a base",
            project_variables={"AUTOFIX_PUSH_TOKEN": "fake-push-token", "AUTOFIX_API_TOKEN": "fake-api-token"}).run())
        self.assertEqual(self.judged(), {(c1, c3): {"rejected"}}, self.describe())
        self.assertEqual(len(self.calls("merge")), 1, self.describe())
        self.assertIn(f"AUTOFIX_CI_BASE_COMMIT is '{c1}': judging one change, {c1}..{c3}",
                      self.pipelines[0].output_of("autofix:prepare"))

    def test_a_fork_merge_request_fails_with_a_clear_message(self):
        b, m, h = self.branch_moved_scenario()
        before = self.sb.remote_branches()
        self.run_pipelines(self.merge_request_pipeline("autofix/comment", h, diff_base=b, source_project="stranger/calc"))
        pipeline = self.pipelines[0]
        self.assertEqual(pipeline.result("autofix:prepare"), "failure", self.describe())
        self.assertIn("comes from stranger/calc, not from acme/calc", pipeline.output_of("autofix:prepare"))
        self.assertEqual(self.calls("verify"), [])
        self.assertEqual(self.sb.remote_branches(), before)

    def test_an_unknown_gate_ref_fails_with_a_clear_message(self):
        b, m, h = self.branch_moved_scenario()
        self.pipelines.append(Pipeline(
            self.template, self.runs_dir, self.sb.remote, self.push_pipeline("autofix/comment", ZERO, h),
            env=self.sb.env, push_urls=[PUSH_URL], components=COMPONENTS, name="pipeline with a bad ref",
            project_variables={"AUTOFIX_GATE_REPOSITORY": self.tool, "AUTOFIX_GATE_REF": "v9.9.9"}).run())
        self.assertEqual(self.pipelines[0].result("autofix:prepare"), "failure", self.describe())
        self.assertIn("cannot fetch AUTOFIX_GATE_REF 'v9.9.9'", self.pipelines[0].output_of("autofix:prepare"))
        # Pinned to a commit id, it works.
        # Pinned to a commit id through the component's inputs (repository and version), it works.
        commit = run(["git", "-C", self.tool, "rev-parse", "HEAD"], env=self.sb.env).stdout.strip()
        pinned = os.path.join(self.runs_dir, "pinned .gitlab-ci.yml")
        with open(pinned, "w") as f:
            yaml.safe_dump({"include": [{"component": "$CI_SERVER_FQDN/acme/autofixgate/autofix-gate@v0.2.0",
                                         "inputs": {"repository": self.tool, "version": commit, "shards": 2}}]}, f)
        self.pipelines.append(Pipeline(
            pinned, self.runs_dir, self.sb.remote, self.push_pipeline("autofix/comment", ZERO, h),
            env=self.sb.env, push_urls=[PUSH_URL], components=COMPONENTS, name="pipeline pinned to a commit",
            project_variables={"AUTOFIX_PUSH_TOKEN": "fake-push-token"}).run())
        self.assertEqual(self.judged(), {(b, h): {"accepted"}}, self.describe())


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the AutofixGate source directory")
    ARGS, rest = parser.parse_known_args()
    ARGS.root = os.path.abspath(ARGS.root)
    COMPONENTS["autofix-gate"] = os.path.join(ARGS.root, "templates", "autofix-gate.yml")
    ci_scripts_test.ARGS = ARGS
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
