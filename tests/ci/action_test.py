#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The GitHub Action (action.yml, scripts/ci-action.sh, scripts/ci-action-tool.sh) and the GitLab CI/CD
component (templates/autofix-gate.yml) (docs/ci-components.md).

  ActionTest     action.yml against SchemaStore's github-action.json (tests/data/schemas), and its structure:
                 every input used and declared, inputs reach scripts only through env, the outputs' step; the
                 documented `uses:` snippets (README, docs) give only declared inputs
  GateStepTest   the action's shell steps run locally with the real binary (standing in the restored cache) on
                 clones of a bare repository on disk: accepted whole, rejected as 2 shards in one job and as a
                 matrix of 2 shard jobs and a merge job; the tool part; where the binary comes from (the
                 action's source, a release's .deb, a release's tag cloned: stand-in gh, a bare repository as
                 the server); the refusals
  ComponentTest  the component's spec header, what each input changes (as gitlab_runner.py interpolates them),
                 bad inputs refused; its header against GitLab's ci.json (--schemas DIR, default tests/data/schemas)

    action_test.py --root SOURCE_DIR --gate AUTOFIX_GATE [--schemas DIR] [unittest arguments]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gitlab_runner  # noqa: E402

ROOT = GATE = SCHEMAS = None
GITHUB_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
GITLAB_INPUT = re.compile(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]")


def load_action():
    with open(os.path.join(ROOT, "action.yml")) as f:
        return yaml.safe_load(f)


def component_text():
    with open(os.path.join(ROOT, "templates", "autofix-gate.yml")) as f:
        return f.read()


def strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


ACTION_USES = r"^(actions/(cache|upload-artifact|download-artifact)|mikepenz/action-junit-report|github/codeql-action/upload-sarif)@v\d+$"


class ActionTest(unittest.TestCase):
    def test_schema(self):
        import jsonschema
        with open(os.path.join(ROOT, "tests", "data", "schemas", "github-action.json")) as f:
            schema = json.load(f)
        errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(load_action())]
        self.assertEqual(errors, [])

    def test_inputs_outputs_and_steps(self):
        action = load_action()
        self.assertEqual(action["runs"]["using"], "composite")
        self.assertEqual(list(action["inputs"]), ["base", "shards", "part", "targets", "config", "build-dir",
                                                  "report-dir", "upload-sarif", "junit", "version"])
        steps = action["runs"]["steps"]
        used = set()
        for step in steps:
            for text in strings({k: v for k, v in step.items() if k != "run"}):
                used.update(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
            if "run" in step:
                # Inputs and contexts reach a script only through env: never ${{ }} inside `run` (injection).
                self.assertNotIn("${{", step["run"], step["name"])
                self.assertEqual(step["shell"], "bash", step["name"])
                scripts = re.findall(r"\$ACTION_PATH/(scripts/[A-Za-z0-9_.-]+)", step["run"])
                self.assertTrue(scripts, step["name"])
                for script in scripts:
                    self.assertTrue(os.access(os.path.join(ROOT, script), os.X_OK), script)
            else:
                self.assertRegex(step["uses"], ACTION_USES)
        self.assertEqual(used, set(action["inputs"]))
        ids = {step.get("id") for step in steps}
        for name, output in action["outputs"].items():
            m = re.fullmatch(r"\$\{\{ steps\.([a-z]+)\.outputs\.([a-z-]+) \}\}", output["value"])
            self.assertTrue(m, output["value"])
            self.assertIn(m.group(1), ids)
            self.assertEqual(m.group(2), name)
        self.assertEqual(list(action["outputs"]), ["verdict", "report", "verdicts"])


    def test_documented_uses_name_only_declared_inputs(self):
        """The copy-paste snippets of README.md and docs/ci-components.md: every `uses: <owner>/autofixgate@...`
        step parses and gives only inputs that action.yml declares."""
        declared = set(load_action()["inputs"])
        found = 0
        for doc in ("README.md", os.path.join("docs", "ci-components.md")):
            with open(os.path.join(ROOT, doc)) as f:
                blocks = re.findall(r"```yaml\n(.*?)```", f.read(), re.S)
            for block in blocks:
                if "autofixgate@v0" not in block:
                    continue
                def steps(node):
                    if isinstance(node, dict):
                        if str(node.get("uses", "")).startswith("<owner>/autofixgate@"):
                            yield node
                        for v in node.values():
                            yield from steps(v)
                    elif isinstance(node, list):
                        for v in node:
                            yield from steps(v)
                for step in steps(yaml.safe_load(block)):
                    found += 1
                    self.assertLessEqual(set(step.get("with", {})), declared, (doc, step))
        self.assertEqual(found, 5)  # README 1, docs: one job 1, the matrix 3


def component(inputs):
    """The component's jobs with inputs interpolated, as tests/ci/gitlab_runner.py resolves an include."""
    return gitlab_runner.component_document(os.path.join(ROOT, "templates", "autofix-gate.yml"), inputs)


class ComponentTest(unittest.TestCase):
    """The pipeline itself is tested as examples/ci/gitlab/autofix-gate.gitlab-ci.yml includes it (ci.yaml,
    ci.pipelines); here its spec and what each input changes."""

    def test_spec(self):
        header_text, separator, job_text = component_text().partition("\n---\n")
        self.assertEqual(separator, "\n---\n")
        header = yaml.safe_load(header_text)
        self.assertEqual(list(header), ["spec"])
        spec = header["spec"]["inputs"]
        self.assertEqual(list(spec), ["repository", "version", "shards", "base", "config", "image", "stage-prepare",
                                      "stage-gate", "stage-merge", "stage-accept", "stage-review", "stage-revert"])
        for name, s in spec.items():
            self.assertIn("description", s, name)
            self.assertIn("default", s, name)
        self.assertEqual(spec["shards"]["type"], "number")
        self.assertEqual(set(GITLAB_INPUT.findall(job_text)), set(spec))

    def test_inputs(self):
        stages = {f"stage-{s}": f"autofix-{s}" for s in ("prepare", "gate", "merge", "accept", "review", "revert")}
        doc = component(dict(stages, shards=3, config="ci/gate.json", version="v0.2.0", image="ubuntu:24.04",
                             base="release/1.x"))
        self.assertEqual(doc["stages"], list(stages.values()))
        for job, stage in (("prepare", "prepare"), ("gate", "gate"), ("merge", "merge"), ("tiers", "accept"),
                           ("accept", "accept"), ("review", "review"), ("revert", "revert")):
            self.assertEqual(doc[f"autofix:{job}"]["stage"], f"autofix-{stage}", job)
        self.assertEqual(doc["autofix:gate"]["parallel"], 3)
        self.assertEqual({k: doc["variables"][k] for k in ("AUTOFIX_CI_SHARDS", "AUTOFIX_CI_CONFIG", "AUTOFIX_GATE_REF",
                                                           "AUTOFIX_CI_BASE_COMMIT")},
                         {"AUTOFIX_CI_SHARDS": "3", "AUTOFIX_CI_CONFIG": "ci/gate.json", "AUTOFIX_GATE_REF": "v0.2.0",
                          "AUTOFIX_CI_BASE_COMMIT": "release/1.x"})
        self.assertEqual(doc[".autofix-job"]["image"], "ubuntu:24.04")
        self.assertEqual(doc["autofix:tiers"]["image"], "ubuntu:24.04")
        defaults = component({})
        self.assertEqual(defaults["autofix:gate"]["parallel"], 2)
        self.assertEqual(defaults["variables"]["AUTOFIX_CI_CONFIG"], "")
        self.assertEqual(defaults["variables"]["AUTOFIX_CI_BASE_COMMIT"], "")  # plan.sh decides by the event

    def test_bad_inputs_are_refused(self):
        for inputs, message in (({"shard": 2}, "unknown inputs ['shard']"),
                                ({"shards": "two"}, "the input shards is 'two', not a number")):
            with self.subTest(inputs=inputs):
                with self.assertRaises(gitlab_runner.PipelineError) as caught:
                    component(inputs)
                self.assertIn(message, str(caught.exception))

    def test_gitlab_schema(self):
        path = os.path.join(SCHEMAS, "gitlab-ci.json")
        import jsonschema
        with open(path) as f:
            schema = json.load(f)
        header_text = component_text().partition("\n---\n")[0]
        errors = [f"{list(e.path)}: {e.message}" for e in
                  jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(header_text))]
        self.assertEqual(errors, [])


FILEREAD_CMAKE = """cmake_minimum_required(VERSION 3.20)
project(ci_attempt LANGUAGES NONE)
enable_testing()
add_test(NAME value_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/value.conf")
add_test(NAME other_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/other.conf")
"""


class GateStepTest(unittest.TestCase):
    """The action's shell steps as the runner runs them (env from the step, `bash -e -o pipefail`, the
    expressions interpolated), with the real binary standing in the restored cache, on fresh clones of a bare
    repository on disk: a fix branch judged against main, whole, as two shards in one job, and as a matrix of
    two shard jobs and a merge job."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ci action ")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AUTOFIX_", "GITHUB_"))}
        self.env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", LC_ALL="C", GIT_AUTHOR_NAME="bot",
                        GIT_AUTHOR_EMAIL="bot@example.invalid", GIT_COMMITTER_NAME="bot",
                        GIT_COMMITTER_EMAIL="bot@example.invalid")
        self.remote = os.path.join(self.tmp, "remote repo.git")
        dev = os.path.join(self.tmp, "dev clone")
        self.git(self.tmp, "init", "-q", "--bare", "-b", "main", self.remote)
        self.git(self.tmp, "clone", "-q", self.remote, dev)
        files = {"CMakeLists.txt": FILEREAD_CMAKE, "value.conf": "ok\n", "other.conf": "ok\n", ".gitignore": "build/\n",
                 "autofix-gate.json": '{"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]}'}
        self.base = self.commit(dev, files, "project")
        self.git(dev, "push", "-q", "origin", "main")
        self.good = self.commit(dev, {"value.conf": "ok\n# tidy\n"}, "autofix: tidy value.conf")
        self.git(dev, "reset", "-q", "--hard", self.base)
        self.bad = self.commit(dev, {"other.conf": "broken\n"}, "autofix: other.conf")
        self.git(dev, "push", "-q", "origin", f"{self.good}:refs/heads/autofix/good", f"{self.bad}:refs/heads/autofix/bad")
        self.runs = 0

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def git(self, cwd, *args):
        return subprocess.run(["git", *args], cwd=cwd, env=self.env, check=True, capture_output=True,
                              text=True).stdout.strip()

    def commit(self, repo, files, message):
        for name, text in files.items():
            with open(os.path.join(repo, name), "w") as f:
                f.write(text)
        self.git(repo, "add", "-A")
        self.git(repo, "commit", "-q", "-m", message)
        return self.git(repo, "rev-parse", "HEAD")

    def job(self, commit, inputs, prepare=None, only=None, context=None, path=()):
        """One job calling the action: a fresh clone at COMMIT, then the action's steps with a `run`, in order.
        Returns (exit code of the step that failed or 0, {step id: outputs}, the job's directory)."""
        self.runs += 1
        job_dir = os.path.join(self.tmp, f"job {self.runs}")
        workspace = os.path.join(job_dir, "work space")
        self.git(self.tmp, "clone", "-q", self.remote, workspace)
        self.git(workspace, "checkout", "-q", "--detach", commit)
        temp = os.path.join(job_dir, "runner temp")
        tool = os.path.join(temp, "autofix-gate-tool", "bin")
        os.makedirs(tool)  # what actions/cache restores: the installed tree
        os.symlink(GATE, os.path.join(tool, "autofix-gate"))
        if prepare:
            prepare(workspace)
        action = load_action()
        values = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        values.update({f"inputs.{k}": v for k, v in inputs.items()})
        values.update({"github.action_path": ROOT, "github.workspace": workspace, "github.token": "",
                       "github.action_repository": "owner/autofixgate", "github.server_url": "https://example.invalid",
                       "steps.cache.outputs.cache-hit": "true"})
        values.update(context or {})
        outputs = {}
        for step in action["runs"]["steps"]:
            if "run" not in step or (only and step.get("id") not in only):
                continue
            files = {name: os.path.join(job_dir, name) for name in ("output", "summary")}
            for f in files.values():
                open(f, "w").close()
            env = dict(self.env, RUNNER_TEMP=temp, RUNNER_OS="Linux", GITHUB_OUTPUT=files["output"],
                       GITHUB_STEP_SUMMARY=files["summary"], GITHUB_WORKSPACE=workspace)
            env["PATH"] = os.pathsep.join([*path, env["PATH"]])
            for key, value in step["env"].items():
                env[key] = GITHUB_EXPRESSION.sub(lambda m: values[m.group(1)], str(value))
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                               cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
            with open(files["output"]) as f:
                produced = dict(line.split("=", 1) for line in f.read().splitlines())
            with open(files["summary"]) as f:
                produced["(summary)"] = f.read()
            produced["(log)"] = r.stdout + r.stderr
            if "id" in step:
                outputs[step["id"]] = produced
                values.update({f"steps.{step['id']}.outputs.{k}": v for k, v in produced.items()})
            if r.returncode != 0:
                return r.returncode, outputs, workspace
        return 0, outputs, workspace

    def test_locate_builds_the_actions_own_source_keyed_by_its_hash(self):
        rc, outputs, workspace = self.job(self.good, {})
        source = outputs["source"]
        self.assertEqual(rc, 0, source["(log)"])
        temp = os.path.join(os.path.dirname(workspace), "runner temp")
        self.assertEqual(source["deb"], "")
        self.assertEqual(source["dir"], ROOT)
        self.assertEqual(source["tool"], os.path.join(temp, "autofix-gate-tool"))
        self.assertEqual(source["gate"], os.path.join(temp, "autofix-gate-tool", "bin", "autofix-gate"))
        self.assertRegex(source["key"], r"^autofix-gate-Linux-source-[0-9a-f]{16}$")

    def test_locate_a_release_deb_else_the_tag_built(self):
        """With `version`: the release's .deb when `gh release download` gets one, else the tag cloned from
        the server (here a bare repository on disk) and built; a version that is no X.Y.Z is refused."""
        server = os.path.join(self.tmp, "server")
        gate_repo = os.path.join(server, "owner", "autofixgate.git")
        source = os.path.join(self.tmp, "gate source")
        self.git(self.tmp, "init", "-q", "--bare", "-b", "main", gate_repo)
        self.git(self.tmp, "init", "-q", "-b", "main", source)
        self.commit(source, {"CMakeLists.txt": "project(AutofixGate VERSION 0.2.0)\n"}, "AutofixGate 0.2.0")
        self.git(source, "tag", "v0.2.0")
        self.git(source, "push", "-q", gate_repo, "main", "v0.2.0")
        fake = {}
        for kind, body in (("with deb", 'while [ $# -gt 0 ]; do [ "$1" = --dir ] && dir=$2; shift; done\n'
                                        'mkdir -p "$dir" && : > "$dir/autofix-gate_0.2.0_amd64.deb"\n'),
                           ("without deb", "echo 'release not found' >&2; exit 1\n")):
            fake[kind] = os.path.join(self.tmp, f"gh {kind}")
            os.makedirs(fake[kind])
            with open(os.path.join(fake[kind], "gh"), "w") as f:
                f.write("#!/bin/sh\n" + body)
            os.chmod(os.path.join(fake[kind], "gh"), 0o755)
        context = {"github.server_url": server}
        rc, outputs, workspace = self.job(self.good, {"version": "0.2.0"}, only={"source"}, context=context,
                                          path=[fake["with deb"]])
        temp = os.path.join(os.path.dirname(workspace), "runner temp")
        self.assertEqual(rc, 0, outputs["source"]["(log)"])
        self.assertEqual((outputs["source"]["deb"], outputs["source"]["gate"]),
                         (os.path.join(temp, "autofix-gate-deb", "autofix-gate_0.2.0_amd64.deb"), "/usr/bin/autofix-gate"))
        rc, outputs, workspace = self.job(self.good, {"version": "v0.2.0"}, only={"source"}, context=context,
                                          path=[fake["without deb"]])
        temp = os.path.join(os.path.dirname(workspace), "runner temp")
        self.assertEqual(rc, 0, outputs["source"]["(log)"])
        self.assertEqual((outputs["source"]["deb"], outputs["source"]["dir"]), ("", os.path.join(temp, "autofix-gate-source")))
        self.assertRegex(outputs["source"]["key"], r"^autofix-gate-Linux-v0\.2\.0-[0-9a-f]{16}$")
        with open(os.path.join(temp, "autofix-gate-source", "CMakeLists.txt")) as f:
            self.assertEqual(f.read(), "project(AutofixGate VERSION 0.2.0)\n")
        rc, outputs, _ = self.job(self.good, {"version": "v9.9.9"}, only={"source"}, context=context,
                                  path=[fake["without deb"]])
        self.assertEqual(rc, 2)
        self.assertIn("cannot fetch the tag v9.9.9 of", outputs["source"]["(log)"])
        rc, outputs, _ = self.job(self.good, {"version": "latest"}, only={"source"}, context=context)
        self.assertEqual(rc, 2)
        self.assertIn("the input version is 'latest'; give a release X.Y.Z", outputs["source"]["(log)"])

    def test_tool_part_judges_nothing(self):
        rc, outputs, workspace = self.job(self.good, {"shards": "2", "part": "tool"})
        self.assertEqual(rc, 0, outputs["gate"]["(log)"])
        self.assertIn("ci-action: part tool: autofix-gate is ready; nothing judged", outputs["gate"]["(log)"])
        self.assertNotIn("verdict", outputs["gate"])
        self.assertFalse(os.path.exists(os.path.join(workspace, "autofix-report")))

    def test_accepted_whole(self):
        rc, outputs, workspace = self.job(self.good, {"base": "origin/main"})
        gate = outputs["gate"]
        self.assertEqual(rc, 0, gate["(log)"])
        self.assertEqual((gate["verdict"], gate["report"]), ("accepted", "autofix-report/report/report.json"))
        with open(os.path.join(workspace, gate["report"])) as f:
            self.assertEqual(json.load(f)["verdict"], "accepted")
        self.assertIn("accepted", gate["(summary)"].lower())
        self.assertEqual(self.git(workspace, "status", "--porcelain"), "")
        self.assertEqual(self.git(workspace, "rev-parse", "HEAD"), self.good)

    def test_rejected_in_two_shards_in_one_job(self):
        rc, outputs, workspace = self.job(self.bad, {"shards": "2"})  # base: the merge base with origin/main
        gate = outputs["gate"]
        self.assertEqual(rc, 0, gate["(log)"])
        self.assertEqual((gate["verdict"], gate["report"]), ("rejected", "autofix-report/report/report.json"))
        for k in (1, 2):
            self.assertTrue(os.path.isfile(os.path.join(workspace, f"autofix-report/shard-{k}-of-2/partial.json")))
        with open(os.path.join(workspace, "autofix-report", "verdict.env")) as f:
            self.assertIn(f"AUTOFIX_BASE={self.base}\nAUTOFIX_HEAD={self.bad}\n", f.read())
        self.assertEqual(self.git(workspace, "status", "--porcelain"), "")

    def test_rejected_by_a_matrix_of_shards_and_a_merge_job(self):
        parts = []
        for k in ("1", "2"):
            rc, outputs, workspace = self.job(self.bad, {"shards": "2", "part": k})
            self.assertEqual(rc, 0, outputs["gate"]["(log)"])
            self.assertNotIn("verdict", outputs["gate"])  # a shard has no verdict; the merge makes it
            parts.append(os.path.join(workspace, "autofix-report", f"shard-{k}-of-2"))

        def download(workspace):  # what the merge step's actions/download-artifact leaves
            for k, part in enumerate(parts, 1):
                shutil.copytree(part, os.path.join(workspace, "autofix-report", "downloaded-shards", f"autofix-shard-{k}"))
        rc, outputs, workspace = self.job(self.bad, {"shards": "2", "part": "merge"}, prepare=download)
        gate = outputs["gate"]
        self.assertEqual(rc, 0, gate["(log)"])
        self.assertEqual((gate["verdict"], gate["report"]), ("rejected", "autofix-report/report/report.json"))
        self.assertIn("rejected", gate["(summary)"].lower())

    def test_several_targets_each_get_a_verdict(self):
        """`targets` (the plan's BASE..HEAD list): each change judged on its own, one verdict each, the worst
        as `verdict`; no single report.json or SARIF, the JUnit files as one glob; the tree unchanged."""
        targets = f"{self.base}..{self.good} {self.base}..{self.bad}"
        rc, outputs, workspace = self.job(self.good, {"targets": targets, "report-dir": "autofix-artifacts"})
        gate = outputs["gate"]
        self.assertEqual(rc, 0, gate["(log)"])
        self.assertEqual({k: gate[k] for k in ("verdict", "verdicts", "report", "junit", "tiers", "sarif")},
                         {"verdict": "rejected", "verdicts": "accepted rejected", "report": "",
                          "junit": "autofix-artifacts/targets/*/report/junit.xml",
                          "tiers": "autofix-artifacts/targets/*/report/autofix-tiers.xml", "sarif": ""})
        for n, verdict in ((1, "accepted"), (2, "rejected")):
            with open(os.path.join(workspace, "autofix-artifacts", "targets", str(n), "report", "report.json")) as f:
                self.assertEqual(json.load(f)["verdict"], verdict)
        self.assertEqual([line for line in gate["(summary)"].splitlines() if line.startswith("## ")],
                         [f"## {self.base}..{self.good}: accepted",
                          "## AutofixGate: Accepted: the build passed, no test regressed",
                          f"## {self.base}..{self.bad}: rejected",
                          "## AutofixGate: Rejected: 1 test broken by the fix (`other_is_ok`)"])
        self.assertEqual(self.git(workspace, "status", "--porcelain"), "")
        self.assertEqual(self.git(workspace, "rev-parse", "HEAD"), self.good)

    def test_refusals(self):
        for inputs, message in (({"shards": "0"}, "the input shards is '0'; give a number of shards, 1 or more"),
                                ({"shards": "2", "part": "3"},
                                 "the input part is '3'; give all, tool, merge, or a shard number from 1 to 2 (the input shards)")):
            with self.subTest(inputs=inputs):
                rc, outputs, workspace = self.job(self.good, inputs)
                self.assertEqual(rc, 2)
                self.assertIn("ci-action: error: " + message, outputs["gate"]["(log)"])
                self.assertFalse(os.path.exists(os.path.join(workspace, "build")))


def main():
    global ROOT, GATE, SCHEMAS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--gate", required=True)
    parser.add_argument("--schemas", help="the folder with gitlab-ci.json (default: tests/data/schemas)")
    args, rest = parser.parse_known_args()
    ROOT, GATE = os.path.abspath(args.root), os.path.abspath(args.gate)
    SCHEMAS = os.path.abspath(args.schemas or os.path.join(ROOT, "tests", "data", "schemas"))
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
