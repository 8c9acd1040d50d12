#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The GitHub Action (action.yml) and the GitLab CI/CD component (templates/autofix-gate.yml), and the script
both run, scripts/ci-attempt.sh (docs/ci-components.md).

  ActionTest     action.yml against SchemaStore's github-action.json (tests/data/schemas), and its structure:
                 every input used and declared, inputs reach scripts only through env, the outputs' step
  ComponentTest  the component's spec header and job: every $[[ inputs.x ]] declared and used, the reports;
                 against GitLab's ci.json when it is in --schemas DIR (skipped otherwise, as ci.yaml_schemas)
  AttemptStepTest  the action's attempt step and the component's attempt line run locally, with the real binary,
                 on a compiler-less CMake project: a rejected fix, an accepted fix and a fixer; and the
                 script's refusals

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
        self.assertEqual(list(action["inputs"]), ["patch", "fixer", "build-dir", "report-dir", "version"])
        steps = action["runs"]["steps"]
        used = set()
        for step in steps:
            for text in strings({k: v for k, v in step.items() if k != "run"}):
                used.update(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
            if "run" in step:
                # Inputs and contexts reach a script only through env: never ${{ }} inside `run` (injection).
                self.assertNotIn("${{", step["run"], step["name"])
                self.assertEqual(step["shell"], "bash", step["name"])
                for script in re.findall(r"\$ACTION_PATH/(scripts/[A-Za-z0-9_.-]+)", step["run"]):
                    self.assertTrue(os.access(os.path.join(ROOT, script), os.X_OK), script)
            else:
                self.assertRegex(step["uses"], r"^actions/(cache|upload-artifact)@v\d+$")
        self.assertEqual(used, set(action["inputs"]))
        ids = {step.get("id") for step in steps}
        for name, output in action["outputs"].items():
            m = re.fullmatch(r"\$\{\{ steps\.([a-z]+)\.outputs\.([a-z-]+) \}\}", output["value"])
            self.assertTrue(m, output["value"])
            self.assertIn(m.group(1), ids)
            self.assertEqual(m.group(2), name)
        self.assertEqual(list(action["outputs"]), ["verdict", "report", "exit-code"])


def component_with(inputs):
    """The component's job document with its inputs interpolated (defaults, then `inputs`), as GitLab does."""
    header_text, _, job_text = component_text().partition("\n---\n")
    spec = yaml.safe_load(header_text)["spec"]["inputs"]
    values = {name: str(s.get("default", "")) for name, s in spec.items()}
    values.update(inputs)
    missing = [name for name in spec if name not in values]
    if missing:
        raise AssertionError(f"inputs without a value: {missing}")
    # GitLab interpolates inputs in the parsed document's strings, so an input never changes its structure.
    def interpolate(node):
        if isinstance(node, dict):
            return {interpolate(k): interpolate(v) for k, v in node.items()}
        if isinstance(node, list):
            return [interpolate(v) for v in node]
        if isinstance(node, str):
            return GITLAB_INPUT.sub(lambda m: values[m.group(1)], node)
        return node
    return interpolate(yaml.safe_load(job_text))


class ComponentTest(unittest.TestCase):
    def test_spec_and_job(self):
        text = component_text()
        header_text, separator, job_text = text.partition("\n---\n")
        self.assertEqual(separator, "\n---\n")
        header = yaml.safe_load(header_text)
        self.assertEqual(list(header), ["spec"])
        spec = header["spec"]["inputs"]
        self.assertEqual(list(spec), ["stage", "job-name", "image", "repository", "version", "patch", "fixer",
                                      "build-dir", "report-dir"])
        for name, s in spec.items():
            self.assertIn("description", s, name)
        self.assertNotIn("default", spec["repository"])  # required: there is no public URL to default to
        used = set(GITLAB_INPUT.findall(job_text))
        self.assertEqual(used, set(spec))
        jobs = component_with({"repository": "https://example.invalid/autofixgate.git"})
        self.assertEqual(list(jobs), ["autofix-gate"])
        job = jobs["autofix-gate"]
        self.assertEqual(job["stage"], "test")
        self.assertEqual(job["artifacts"]["when"], "always")
        self.assertEqual(job["artifacts"]["reports"], {
            "junit": "build/autofix-report/junit.xml",
            "codequality": "build/autofix-report/gl-code-quality-report.json",
            "dotenv": "autofix-gate.env"})
        self.assertEqual(job["cache"]["paths"], [".autofix-gate/tool/"])
        for line in job["script"]:
            for script in re.findall(r"\.autofix-gate/source/(scripts/[A-Za-z0-9_.-]+)", line):
                self.assertTrue(os.access(os.path.join(ROOT, script), os.X_OK), script)

    def test_gitlab_schema(self):
        path = os.path.join(SCHEMAS, "gitlab-ci.json")
        if not os.path.isfile(path):
            self.skipTest(f"no schema at {path}; put GitLab's ci.json there (as gitlab-ci.json) to validate against it")
        import jsonschema
        with open(path) as f:
            schema = json.load(f)
        header_text = component_text().partition("\n---\n")[0]
        for document in (yaml.safe_load(header_text), component_with({"repository": "https://example.invalid/a.git"})):
            errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(document)]
            self.assertEqual(errors, [])


FILEREAD_CMAKE = """cmake_minimum_required(VERSION 3.20)
project(ci_attempt LANGUAGES NONE)
enable_testing()
add_test(NAME value_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/value.conf")
add_test(NAME other_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/other.conf")
"""


def patch(file, before, after):
    return f"diff --git a/{file} b/{file}\n--- a/{file}\n+++ b/{file}\n@@ -1 +1 @@\n-{before}\n+{after}\n"


class AttemptStepTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ci attempt ")
        self.repo = os.path.join(self.tmp, "project dir")
        os.makedirs(self.repo)
        files = {"CMakeLists.txt": FILEREAD_CMAKE, "value.conf": "bad\n", "other.conf": "ok\n", ".gitignore": "build/\n",
                 "autofix-gate.json": '{"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]}',
                 "good.diff": patch("value.conf", "bad", "ok"),
                 "bad.diff": patch("value.conf", "bad", "ok") + patch("other.conf", "ok", "broken")}
        for name, text in files.items():
            with open(os.path.join(self.repo, name), "w") as f:
                f.write(text)
        self.env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_AUTHOR_NAME="ci",
                        GIT_AUTHOR_EMAIL="ci@example.invalid", GIT_COMMITTER_NAME="ci", GIT_COMMITTER_EMAIL="ci@example.invalid")
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "value.conf is wrong"]):
            subprocess.run(["git", *args], cwd=self.repo, env=self.env, check=True)
        # The action's cached tool directory and the component's .autofix-gate/, with the binary under test.
        self.tool = os.path.join(self.tmp, "runner temp", "autofix-gate-tool")
        os.makedirs(os.path.join(self.tool, "bin"))
        os.symlink(GATE, os.path.join(self.tool, "bin", "autofix-gate"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def git(self, *args):
        return subprocess.run(["git", *args], cwd=self.repo, env=self.env, check=True, capture_output=True,
                              text=True).stdout

    def run_action_step(self, inputs):
        """The action's `attempt` step as the runner runs it: env from the step, `bash -e -o pipefail`."""
        action = load_action()
        step = next(s for s in action["runs"]["steps"] if s.get("id") == "attempt")
        values = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        values.update({f"inputs.{k}": v for k, v in inputs.items()})
        values.update({"steps.source.outputs.tool": self.tool, "github.action_path": ROOT, "github.workspace": self.repo})
        env = dict(self.env, RUNNER_TEMP=os.path.dirname(self.tool),
                   GITHUB_OUTPUT=os.path.join(self.tmp, "github output"),
                   GITHUB_STEP_SUMMARY=os.path.join(self.tmp, "step summary.md"))
        for key, value in step["env"].items():
            env[key] = GITHUB_EXPRESSION.sub(lambda m: values[m.group(1)], str(value))
        cwd = GITHUB_EXPRESSION.sub(lambda m: values[m.group(1)], step["working-directory"])
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=300)
        output = ""
        if os.path.exists(env["GITHUB_OUTPUT"]):
            with open(env["GITHUB_OUTPUT"]) as f:
                output = f.read()
            os.remove(env["GITHUB_OUTPUT"])
        return r, output, env["GITHUB_STEP_SUMMARY"]

    def test_action_step_rejects_then_accepts(self):
        head = self.git("rev-parse", "HEAD")
        r, output, summary = self.run_action_step({"patch": "bad.diff"})
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        report = os.path.join("build", "autofix-report", "report.json")
        self.assertEqual(output, f"verdict=rejected\nreport={report}\nexit-code=1\n")
        self.assertEqual(self.git("status", "--porcelain"), "")
        with open(summary) as f:
            self.assertIn("rejected", f.read().lower())
        r, output, _ = self.run_action_step({"patch": "good.diff", "report-dir": "../reports here"})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(output, "verdict=accepted\nreport=../reports here/report.json\nexit-code=0\n")
        with open(os.path.join(self.tmp, "reports here", "report.json")) as f:
            self.assertEqual(json.load(f)["verdict"], "accepted")
        self.assertEqual(self.git("rev-parse", "HEAD"), head)
        self.assertEqual(len(self.git("branch", "--list", "autofix/*").split()), 1)

    def test_action_step_fixer(self):
        r, output, _ = self.run_action_step({"fixer": "sed -i 's/bad/ok/' value.conf"})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(output.startswith("verdict=accepted\n"), output)

    def test_refusals(self):
        for inputs, message in (({}, "give the fix: a patch file (input patch) or a fixer command (input fixer)"),
                                ({"patch": "good.diff", "fixer": "true"}, "both a patch and a fixer were given"),
                                ({"patch": "missing.diff"}, "no patch file at 'missing.diff'")):
            with self.subTest(inputs=inputs):
                r, output, _ = self.run_action_step(inputs)
                self.assertEqual(r.returncode, 2)
                self.assertIn("ci-attempt: error: " + message, r.stderr)
                self.assertEqual(output, "")
        self.assertFalse(os.path.exists(os.path.join(self.repo, "build")))

    def test_component_attempt_line(self):
        """The component's last script line, in a project with .autofix-gate/ as the job leaves it."""
        job = component_with({"repository": "https://example.invalid/a.git", "patch": "bad.diff"})["autofix-gate"]
        source = os.path.join(self.repo, ".autofix-gate", "source")
        os.makedirs(os.path.dirname(source))
        os.symlink(ROOT, source)
        os.symlink(self.tool, os.path.join(self.repo, ".autofix-gate", "tool"))
        with open(os.path.join(self.repo, ".git", "info", "exclude"), "a") as f:
            f.write("/.autofix-gate/\n")
        env = dict(self.env, CI_PROJECT_DIR=self.repo, **{k: str(v) for k, v in job["variables"].items()})
        r = subprocess.run(["bash", "-eo", "pipefail", "-c", job["script"][-1]], cwd=self.repo, env=env,
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        with open(os.path.join(self.repo, "autofix-gate.env")) as f:
            self.assertEqual(f.read(), "AUTOFIX_VERDICT=rejected\nAUTOFIX_REPORT=build/autofix-report/report.json\n"
                                       "AUTOFIX_EXIT_CODE=1\n")
        for report in job["artifacts"]["reports"].values():
            self.assertTrue(os.path.isfile(os.path.join(self.repo, report)), report)


def main():
    global ROOT, GATE, SCHEMAS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--gate", required=True)
    parser.add_argument("--schemas", help="the folder with gitlab-ci.json")
    args, rest = parser.parse_known_args()
    ROOT, GATE = os.path.abspath(args.root), os.path.abspath(args.gate)
    SCHEMAS = os.path.abspath(args.schemas or os.path.join(ROOT, "..", "shared", "schemas"))
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
