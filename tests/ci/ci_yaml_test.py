#!/usr/bin/python3
"""Parses the CI examples with PyYAML (Debian package python3-yaml) and checks their structure: the
stages and jobs of the flow, sharding, the reports, and that every script they call exists.

    ci_yaml_test.py --root SOURCE_DIR
"""
import argparse
import os
import re
import subprocess
import sys
import unittest

import yaml

ROOT = None
SCRIPT_REF = re.compile(r"\$\{?AUTOFIX_CI_SCRIPTS\}?/([A-Za-z0-9_.-]+)")


class GitLabLoader(yaml.SafeLoader):
    """SafeLoader that knows GitLab's !reference tag."""


GitLabLoader.add_constructor("!reference", lambda loader, node: {"!reference": loader.construct_sequence(node)})


def load(relative, loader=yaml.SafeLoader):
    with open(os.path.join(ROOT, relative), encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)


def shell_snippets(node):
    """Every string under a `run`, `script` or `before_script` key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script"):
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if isinstance(v, str):
                        yield v
            else:
                yield from shell_snippets(value)
    elif isinstance(node, list):
        for item in node:
            yield from shell_snippets(item)


class Common(unittest.TestCase):
    def check_scripts(self, doc, variables):
        self.assertTrue(variables["AUTOFIX_CI_SCRIPTS"].endswith("examples/ci/scripts"))
        called = set()
        for snippet in shell_snippets(doc):
            called.update(SCRIPT_REF.findall(snippet))
            # GitHub expressions become a word; the shell must accept the rest.
            text = re.sub(r"\$\{\{.*?\}\}", "EXPR", snippet)
            proc = subprocess.run(["bash", "-n", "-c", text], capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, f"bash -n failed on:\n{snippet}\n{proc.stderr}")
        self.assertEqual(called, {"gate.sh", "merge-shards.sh", "accept.sh", "review.sh", "revert.sh"})
        for name in called:
            path = os.path.join(ROOT, "examples", "ci", "scripts", name)
            self.assertTrue(os.path.isfile(path), path)
            self.assertTrue(os.access(path, os.X_OK), f"{path} is not executable")


class GitHubWorkflowTest(Common):
    def setUp(self):
        self.doc = load("examples/ci/github/autofix-gate.yml")
        self.jobs = self.doc["jobs"]

    def steps(self, job):
        return self.jobs[job]["steps"]

    def step_using(self, job, action):
        found = [s for s in self.steps(job) if s.get("uses", "").startswith(action)]
        self.assertTrue(found, f"{job} has no step using {action}")
        return found[0]

    def test_triggers(self):
        on = self.doc.get("on", self.doc.get(True))  # YAML 1.1 reads a bare `on` as true
        self.assertIn("autofix/**", on["push"]["branches"])
        self.assertIn("pull_request", on)

    def test_jobs_and_their_order(self):
        self.assertEqual(set(self.jobs), {"gate", "merge-shards", "accept", "review", "revert"})
        self.assertEqual(self.jobs["merge-shards"]["needs"], "gate")
        for job, verdict in (("accept", "accepted"), ("review", "needs_review"), ("revert", "rejected")):
            self.assertEqual(self.jobs[job]["needs"], "merge-shards")
            self.assertIn(f"needs.merge-shards.outputs.verdict == '{verdict}'", self.jobs[job]["if"])
        self.assertIn("AUTOFIX_VERDICT", self.jobs["merge-shards"]["outputs"]["verdict"])

    def test_matrix_shards(self):
        self.assertEqual(self.jobs["gate"]["strategy"]["matrix"]["shard"], [1, 2])
        runs = "\n".join(s.get("run", "") for s in self.steps("gate"))
        self.assertIn('gate.sh" --shard "${{ matrix.shard }}/2"', runs)
        self.assertIn("autofix-shard-", self.step_using("gate", "actions/upload-artifact")["with"]["name"])
        self.assertEqual(self.step_using("merge-shards", "actions/download-artifact")["with"]["pattern"],
                         "autofix-shard-*")

    def test_reports(self):
        runs = "\n".join(s.get("run", "") for s in self.steps("merge-shards"))
        self.assertIn('cat autofix-artifacts/report/summary.md >> "$GITHUB_STEP_SUMMARY"', runs)
        self.assertIn('cat autofix-artifacts/verdict.env >> "$GITHUB_OUTPUT"', runs)
        junit = self.step_using("merge-shards", "mikepenz/action-junit-report")
        self.assertEqual(junit["with"]["report_paths"], "autofix-artifacts/report/junit.xml")
        sarif = self.step_using("merge-shards", "github/codeql-action/upload-sarif")
        self.assertEqual(sarif["with"]["sarif_file"], "autofix-artifacts/report/autofix.sarif")
        self.assertEqual(self.jobs["merge-shards"]["permissions"]["security-events"], "write")
        self.assertEqual(self.step_using("merge-shards", "actions/upload-artifact")["with"]["name"], "autofix-report")

    def test_review_labels_and_pushing_jobs_may_write(self):
        hook = [s for s in self.steps("review") if "AUTOFIX_REVIEW_COMMAND" in s.get("env", {})][0]
        self.assertIn('gh pr edit "$1" --add-label autofix-needs-review', hook["env"]["AUTOFIX_REVIEW_COMMAND"])
        proc = subprocess.run(["bash", "-n", "-c", hook["env"]["AUTOFIX_REVIEW_COMMAND"]], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("\n  --", hook["env"]["AUTOFIX_REVIEW_COMMAND"].replace("\\\n", ""))
        self.assertEqual(self.jobs["review"]["permissions"]["pull-requests"], "write")
        for job in ("accept", "revert"):
            self.assertEqual(self.jobs[job]["permissions"]["contents"], "write")
            self.assertEqual(self.step_using(job, "actions/checkout")["with"]["fetch-depth"], 0)

    def test_scripts_exist_and_snippets_parse(self):
        self.check_scripts(self.doc, self.doc["env"])


class GitLabTemplateTest(Common):
    def setUp(self):
        self.doc = load("examples/ci/gitlab/autofix-gate.gitlab-ci.yml", GitLabLoader)

    def test_stages_and_jobs(self):
        self.assertEqual(self.doc["stages"], ["gate", "merge", "accept", "review", "revert"])
        for stage in self.doc["stages"]:
            job = self.doc[f"autofix:{stage}"]
            self.assertEqual(job["stage"], stage)
        for stage in ("accept", "review", "revert"):
            self.assertEqual(self.doc[f"autofix:{stage}"]["needs"], ["autofix:merge"])
            script = "\n".join(self.doc[f"autofix:{stage}"]["script"][-1:])
            self.assertIn("--skip-other-verdicts", script)
        self.assertEqual(self.doc["autofix:merge"]["needs"], ["autofix:gate"])

    def test_parallel_shards(self):
        gate = self.doc["autofix:gate"]
        self.assertEqual(gate["parallel"], 2)
        self.assertIn('gate.sh" --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"', "\n".join(gate["script"]))
        self.assertEqual(gate["artifacts"]["when"], "always")

    def test_reports(self):
        artifacts = self.doc["autofix:merge"]["artifacts"]
        self.assertEqual(artifacts["reports"]["junit"], "autofix-artifacts/report/junit.xml")
        self.assertEqual(artifacts["reports"]["dotenv"], "autofix-artifacts/verdict.env")
        self.assertTrue(artifacts["reports"]["junit"].startswith(self.doc["variables"]["AUTOFIX_CI_ARTIFACTS_DIR"] + "/"))

    def test_rules_for_fix_branches(self):
        rules = [r["if"] for r in self.doc[".autofix-rules"]["rules"]]
        self.assertIn("$CI_COMMIT_BRANCH =~ /^autofix\\//", rules)
        for job in ("autofix:gate", "autofix:merge"):
            self.assertIn(".autofix-rules", self.doc[job]["extends"])
        self.assertIn("CI_DEFAULT_BRANCH", self.doc["autofix:revert"]["rules"][0]["if"])
        self.assertIn("autofix", self.doc["autofix:accept"]["rules"][0]["if"])
        review = self.doc["autofix:review"]["variables"]["AUTOFIX_REVIEW_COMMAND"]
        self.assertFalse(review["expand"])
        self.assertIn("add_labels=autofix-needs-review", review["value"])
        proc = subprocess.run(["bash", "-n", "-c", review["value"]], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_scripts_exist_and_snippets_parse(self):
        self.check_scripts(self.doc, self.doc["variables"])


def main():
    global ROOT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    args, rest = parser.parse_known_args()
    ROOT = os.path.abspath(args.root)
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
