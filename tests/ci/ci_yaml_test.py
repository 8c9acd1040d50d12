#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Parses the CI examples with PyYAML (Debian package python3-yaml) and checks their structure: the
stages and jobs of the flow, sharding, the reports, that every script they call exists, and what must
never come back (a concurrency group that cancels runs, a build in every job, a tag that does not exist).
SchemaTest validates every file of examples/ci/github and examples/ci/gitlab and the component
templates/autofix-gate.yml against the schemas the platforms use (python3-jsonschema), read from
--schemas DIR (default: tests/data/schemas, where they are checked in); a missing schema fails, a missing
jsonschema module skips (exit 77 when every test ran was skipped).

    ci_yaml_test.py --root SOURCE_DIR [--schemas DIR] [unittest arguments, e.g. SchemaTest]
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import unittest

import yaml

import gitlab_runner
from gitlab_runner import flatten, resolve_extends

ROOT = None
SCHEMAS = None
SKIP = 77
SCRIPT_REF = re.compile(r"\$\{?AUTOFIX_CI_SCRIPTS\}?/([A-Za-z0-9_.-]+)")
STAGE_REF = re.compile(r"for-each-target\.sh\"? ([a-z-]+\.sh)")
ALL_SCRIPTS = {"plan.sh", "for-each-target.sh", "gate.sh", "merge-shards.sh", "accept.sh", "review.sh", "revert.sh"}


class GitLabLoader(yaml.SafeLoader):
    """SafeLoader that knows GitLab's !reference tag."""


GitLabLoader.add_constructor("!reference", lambda loader, node: {"!reference": loader.construct_sequence(node)})


def with_references(node, as_reference):
    """The emulator's !reference objects replaced by as_reference(path), everywhere in node."""
    if isinstance(node, gitlab_runner.Reference):
        return as_reference(node.path)
    if isinstance(node, dict):
        return {k: with_references(v, as_reference) for k, v in node.items()}
    if isinstance(node, list):
        return [with_references(v, as_reference) for v in node]
    return node


def gitlab_pipeline(as_reference=lambda path: {"!reference": path}):
    """examples/ci/gitlab/autofix-gate.gitlab-ci.yml with the component it includes (templates/autofix-gate.yml,
    inputs interpolated) merged in, as GitLab sees it."""
    doc = gitlab_runner.load(os.path.join(ROOT, "examples", "ci", "gitlab", "autofix-gate.gitlab-ci.yml"),
                             {"autofix-gate": os.path.join(ROOT, "templates", "autofix-gate.yml")})
    return with_references(doc, as_reference)


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
    def check_scripts(self, doc, variables, expected=ALL_SCRIPTS):
        self.assertTrue(variables["AUTOFIX_CI_SCRIPTS"].endswith("examples/ci/scripts"))
        called = set()
        for snippet in shell_snippets(doc):
            called.update(SCRIPT_REF.findall(snippet))
            called.update(STAGE_REF.findall(snippet))
            # GitHub expressions become a word; the shell must accept the rest.
            text = re.sub(r"\$\{\{.*?\}\}", "EXPR", snippet)
            proc = subprocess.run(["bash", "-n", "-c", text], capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, f"bash -n failed on:\n{snippet}\n{proc.stderr}")
        self.assertEqual(called, expected)
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
        self.assertEqual(set(self.jobs), {"prepare", "gate", "merge-shards", "accept", "review", "revert"})
        self.assertEqual(self.jobs["gate"]["needs"], "prepare")
        self.assertEqual(self.jobs["merge-shards"]["needs"], ["prepare", "gate"])
        for job, verdict in (("accept", "accepted"), ("review", "needs_review"), ("revert", "rejected")):
            self.assertEqual(self.jobs[job]["needs"], ["prepare", "merge-shards"])
            self.assertIn(f"contains(needs.merge-shards.outputs.verdicts, '{verdict}')", self.jobs[job]["if"])
            self.assertIn(f"{job}.sh --skip-other-verdicts", self.steps(job)[-1]["run"])
        self.assertEqual(self.jobs["merge-shards"]["outputs"]["verdicts"], "${{ steps.gate.outputs.verdicts }}")
        self.assertIn("AUTOFIX_TARGETS", self.jobs["prepare"]["outputs"]["targets"])

    def test_no_concurrency_group_cancels_a_run(self):
        # GitHub cancels the pending run of a group when a newer one arrives: a commit would go unjudged.
        self.assertNotIn("concurrency", self.doc)
        for job in self.jobs.values():
            self.assertNotIn("concurrency", job)

    def test_the_plan_gets_the_raw_event(self):
        plan = [s for s in self.steps("prepare") if s.get("id") == "plan"][0]
        self.assertEqual(plan["env"]["AUTOFIX_CI_BASE"], "${{ github.event.pull_request.base.sha }}")
        self.assertEqual(plan["env"]["AUTOFIX_CI_BEFORE"], "${{ github.event.before }}")
        self.assertEqual(plan["env"]["AUTOFIX_CI_HEAD_REPOSITORY"], "${{ github.event.pull_request.head.repo.full_name }}")
        # A fork is refused before anything reads the repository variables, which a fork's run lacks.
        first = self.steps("prepare")[0]
        self.assertIn("github.event.pull_request.head.repo.full_name", first["env"]["HEAD_REPOSITORY"])
        self.assertIn('"$HEAD_REPOSITORY" != "$GITHUB_REPOSITORY"', first["run"])
        self.assertIn('[ -z "$GATE_REPOSITORY" ]', first["run"])

    def action_steps(self, job):
        return [s for s in self.steps(job) if s.get("uses") == "./.autofix-gate"]

    def test_the_gate_steps_are_the_action_checked_out_beside_the_project(self):
        # GitHub runs a local action only from the workspace: AutofixGate is checked out at .autofix-gate
        # (the repository variables pin it) before the step that uses it, in every job that does.
        for job in ("prepare", "gate", "merge-shards"):
            steps = self.steps(job)
            uses = steps.index(self.action_steps(job)[0])
            checkouts = [s for s in steps[:uses] if s.get("uses", "").startswith("actions/checkout@")]
            self.assertIn({"repository": "${{ vars.AUTOFIX_GATE_REPOSITORY }}", "ref": "${{ vars.AUTOFIX_GATE_REF }}",
                           "path": ".autofix-gate"}, [c.get("with") for c in checkouts], job)
        self.assertEqual([s["with"] for s in self.action_steps("prepare")], [{"part": "tool"}])
        self.assertEqual(self.action_steps("prepare")[0]["if"], "steps.plan.outputs.AUTOFIX_TARGET_COUNT != '0'")
        self.assertEqual(len(self.action_steps("gate")), 1)
        self.assertEqual(len(self.action_steps("merge-shards")), 1)
        for job in ("accept", "review", "revert"):
            self.assertEqual(self.action_steps(job), [], job)

    def test_autofix_gate_is_built_once_into_the_cache(self):
        # No job compiles: `part: tool` in prepare builds into the actions cache, the shards and the merge
        # restore it (the action's steps: tests/ci/action_test.py, ci.pipelines counts the builds).
        builds = [job for job in self.jobs for s in self.steps(job) if "cmake" in s.get("run", "")]
        self.assertEqual(builds, [])
        for job in self.jobs:
            for step in self.steps(job):
                self.assertNotIn("autofix-gate-tool", str(step.get("with", {})), job)
                if step.get("uses") == "./.autofix-gate" and job != "prepare":
                    self.assertNotEqual(step["with"]["part"], "tool", job)

    def test_matrix_shards(self):
        self.assertEqual(self.jobs["gate"]["strategy"]["matrix"]["shard"], [1, 2])
        self.assertIs(self.jobs["gate"]["strategy"]["fail-fast"], False)
        self.assertEqual(self.action_steps("gate")[0]["with"],
                         {"targets": "${{ needs.prepare.outputs.targets }}", "shards": 2, "part": "${{ matrix.shard }}",
                          "report-dir": "autofix-artifacts"})
        merge = self.action_steps("merge-shards")[0]
        self.assertEqual(merge["id"], "gate")
        self.assertEqual({k: merge["with"][k] for k in ("targets", "shards", "part", "report-dir")},
                         {"targets": "${{ needs.prepare.outputs.targets }}", "shards": 2, "part": "merge",
                          "report-dir": "autofix-artifacts"})

    def test_reports(self):
        merge = self.action_steps("merge-shards")[0]
        # The action publishes: the job summary, tests and tiers as two check runs, SARIF for one change.
        self.assertIs(merge["with"]["junit"], True)
        self.assertIs(merge["with"]["upload-sarif"], True)
        self.assertEqual(self.jobs["merge-shards"]["permissions"],
                         {"contents": "read", "checks": "write", "security-events": "write"})
        upload = self.step_using("merge-shards", "actions/upload-artifact")
        self.assertEqual(upload["with"], {"name": "autofix-report", "path": "autofix-artifacts/"})
        self.assertEqual(upload["if"], "always()")
        for job in ("accept", "review", "revert"):
            download = self.step_using(job, "actions/download-artifact")
            self.assertEqual(download["with"], {"name": "autofix-report", "path": "autofix-artifacts"}, job)

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
        # gate.sh and merge-shards.sh run inside the action (scripts/ci-action.sh).
        self.check_scripts(self.doc, self.doc["env"], ALL_SCRIPTS - {"gate.sh", "merge-shards.sh"})
        with open(os.path.join(ROOT, "scripts", "ci-action.sh"), encoding="utf-8") as f:
            action_script = f.read()
        for name in ("for-each-target.sh", "gate.sh", "merge-shards.sh"):
            self.assertIn(name, action_script)


class SudoTest(unittest.TestCase):
    """scripts/install-deps.sh (and apt-get) need root: every call in examples/ci and the component goes
    through ${SUDO}, which the job sets from `id -u` (empty as root, where a container may have no sudo;
    sudo otherwise, as on GitHub's runners), as the action's ci-action-tool.sh does."""
    SUDO = 'SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)'
    FILES = ("examples/ci/github/autofix-gate-health.yml", "examples/ci/gitlab/autofix-gate-health.gitlab-ci.yml",
             "templates/autofix-gate.yml")

    def lines(self, relative):
        with open(os.path.join(ROOT, relative), encoding="utf-8") as f:
            return f.read().splitlines()

    def test_every_call_goes_through_sudo_set_from_id(self):
        for relative in self.FILES:
            with self.subTest(file=relative):
                lines = self.lines(relative)
                defined = [i for i, line in enumerate(lines) if self.SUDO in line]
                self.assertEqual(len(defined), 1, relative)
                calls = [(i, line) for i, line in enumerate(lines) if re.search(r"install-deps\.sh( |$)|apt-get ", line)
                         and "tar -czf" not in line]
                self.assertTrue(calls, relative)
                for i, line in calls:
                    self.assertGreater(i, defined[0], line)
                    for call in re.findall(r"(\S+ )?(\S*install-deps\.sh|apt-get) ", line + " "):
                        self.assertEqual(call[0], "${SUDO} ", line)

    def test_sudo_is_empty_for_root_and_sudo_otherwise(self):
        import tempfile
        with tempfile.TemporaryDirectory() as stub:
            for uid, expected in (("0", ""), ("1001", "sudo")):
                with open(os.path.join(stub, "id"), "w") as f:
                    f.write(f"#!/bin/sh\necho {uid}\n")
                os.chmod(os.path.join(stub, "id"), 0o755)
                proc = subprocess.run(["bash", "-c", self.SUDO + '; printf %s "$SUDO"'], capture_output=True, text=True,
                                      env=dict(os.environ, PATH=stub + os.pathsep + os.environ["PATH"]))
                self.assertEqual((proc.returncode, proc.stdout), (0, expected), uid)


class HealthScheduleTest(unittest.TestCase):
    """The scheduled health checks (examples/ci/*/autofix-gate-health*): when they run, what they may do,
    and that they run health.sh, whose behaviour tests/ci/ci_scripts_test.py HealthScriptTest checks."""

    def test_github_runs_nightly_and_by_hand_one_at_a_time_with_push_rights(self):
        doc = load("examples/ci/github/autofix-gate-health.yml")
        on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
        self.assertEqual(len(on["schedule"][0]["cron"].split()), 5)
        self.assertIn("workflow_dispatch", on)
        self.assertEqual(doc["permissions"], {"contents": "write"})
        self.assertFalse(doc["concurrency"]["cancel-in-progress"])
        steps = doc["jobs"]["health"]["steps"]
        self.assertEqual(steps[0]["with"]["fetch-depth"], 0)
        runs = "\n".join(step.get("run", "") for step in steps)
        self.assertIn('.autofix-gate/examples/ci/scripts/health.sh --since "$AUTOFIX_HEALTH_SINCE"', runs)
        self.assertIn("--target autofix-gate", runs)
        for snippet in shell_snippets(doc):
            self.assertNotIn("${{", snippet, "expressions go through env:, never into a script")

    def test_gitlab_runs_only_in_a_schedule_one_at_a_time(self):
        doc = load("examples/ci/gitlab/autofix-gate-health.gitlab-ci.yml")
        job = doc["autofix:health"]
        self.assertEqual(job["rules"], [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}])
        self.assertEqual(job["resource_group"], "autofix-gate-health")
        self.assertEqual(job["variables"]["GIT_DEPTH"], 0)
        self.assertTrue(job["script"][-1].endswith('examples/ci/scripts/health.sh --since "$AUTOFIX_HEALTH_SINCE"'))

    def test_the_script_they_call_exists_and_is_executable(self):
        path = os.path.join(ROOT, "examples", "ci", "scripts", "health.sh")
        self.assertTrue(os.access(path, os.X_OK), path)


class GitLabTemplateTest(Common):
    def setUp(self):
        self.doc = gitlab_pipeline()

    def job(self, name):
        return resolve_extends(self.doc, name)

    def test_stages_and_jobs(self):
        self.assertEqual(self.doc["stages"], ["prepare", "gate", "merge", "accept", "review", "revert"])
        for stage in self.doc["stages"]:
            job = self.doc["autofix:" + stage]
            self.assertEqual(job["stage"], stage)
            self.assertIn(".autofix-rules", job["extends"])
        for stage in ("accept", "review", "revert"):
            self.assertEqual(self.doc[f"autofix:{stage}"]["needs"], ["autofix:prepare", "autofix:merge"])
            script = "\n".join(self.doc[f"autofix:{stage}"]["script"][-1:])
            self.assertIn(f"for-each-target.sh\" {stage}.sh --skip-other-verdicts", script)
        self.assertEqual(self.doc["autofix:merge"]["needs"], ["autofix:prepare", "autofix:gate"])
        self.assertEqual(self.doc["autofix:gate"]["needs"], ["autofix:prepare"])

    def test_nothing_cancels_a_pipeline_or_job(self):
        self.assertEqual(self.doc["workflow"], {"auto_cancel": {"on_new_commit": "none"}})
        for stage in self.doc["stages"]:
            self.assertIs(self.job("autofix:" + stage)["interruptible"], False, stage)

    def test_the_default_gate_ref_exists(self):
        ref = self.doc["variables"]["AUTOFIX_GATE_REF"]
        found = [r for r in (f"refs/heads/{ref}", f"refs/tags/{ref}", f"refs/remotes/origin/{ref}")
                 if subprocess.run(["git", "-C", ROOT, "rev-parse", "--verify", "-q", r], capture_output=True).returncode == 0]
        self.assertTrue(found, f"AUTOFIX_GATE_REF '{ref}' is no branch or tag of this repository")
        prepare = "\n".join(self.doc["autofix:prepare"]["script"])
        self.assertIn('fetch --quiet --depth 1 "$AUTOFIX_GATE_REPOSITORY" "$AUTOFIX_GATE_REF"', prepare)  # a commit id works too

    def test_autofix_gate_is_built_once_and_handed_on_as_a_tar(self):
        builds = [name for name in self.doc if not name.startswith(".") and isinstance(self.doc[name], dict)
                  and "cmake --build" in "\n".join(map(str, flatten(self.job(name).get("script", []))))]
        self.assertEqual(builds, ["autofix:prepare"])
        self.assertEqual(self.doc["autofix:prepare"]["artifacts"]["paths"], ["autofix-gate-tool.tar.gz"])
        self.assertEqual(self.doc["autofix:prepare"]["artifacts"]["reports"]["dotenv"], "autofix-artifacts/plan.env")
        tool = "\n".join(str(x) for x in self.doc[".autofix-tool"]["before_script"])
        self.assertIn("tar -xzf autofix-gate-tool.tar.gz -C .autofix-gate", tool)
        for stage in ("gate", "merge", "accept", "review", "revert"):
            self.assertIn(".autofix-tool", self.doc["autofix:" + stage]["extends"])

    def test_merge_requests_use_gitlabs_merge_base(self):
        prepare = "\n".join(self.doc["autofix:prepare"]["script"])
        self.assertIn('AUTOFIX_CI_BASE="${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}"', prepare)
        self.assertIn('AUTOFIX_CI_BEFORE="${CI_COMMIT_BEFORE_SHA:-}"', prepare)
        self.assertIn('AUTOFIX_CI_HEAD_REPOSITORY="${CI_MERGE_REQUEST_SOURCE_PROJECT_PATH:-}"', prepare)

    def test_parallel_shards(self):
        gate = self.doc["autofix:gate"]
        self.assertEqual(gate["parallel"], 2)
        self.assertIn('for-each-target.sh" gate.sh --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"', "\n".join(gate["script"]))
        self.assertEqual(gate["artifacts"]["when"], "always")

    def test_reports(self):
        artifacts = self.doc["autofix:merge"]["artifacts"]
        self.assertEqual(artifacts["reports"]["junit"], "autofix-artifacts/targets/*/report/junit.xml")
        self.assertEqual(artifacts["reports"]["codequality"], "autofix-artifacts/targets/*/report/gl-code-quality-report.json")
        self.assertEqual(artifacts["reports"]["dotenv"], "autofix-artifacts/verdicts.env")  # AUTOFIX_VERDICTS
        for kind in ("junit", "codequality", "dotenv"):
            self.assertTrue(artifacts["reports"][kind].startswith(self.doc["variables"]["AUTOFIX_CI_ARTIFACTS_DIR"] + "/"))
        # The tiers from a job of their own: GitLab makes one suite of every JUnit file of a job.
        tiers = self.doc["autofix:tiers"]
        self.assertEqual(tiers["needs"], ["autofix:merge"])
        self.assertEqual(tiers["artifacts"]["reports"], {"junit": "autofix-artifacts/targets/*/report/autofix-tiers.xml"})
        self.assertEqual(tiers["artifacts"]["when"], "always")

    def test_rules_for_fix_branches(self):
        rules = self.doc[".autofix-rules"]["rules"]
        self.assertEqual(rules[0]["if"], '$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_SOURCE_BRANCH_NAME =~ /^autofix\\//')
        # A branch with an open merge request is judged by the merge request pipeline only.
        self.assertEqual(rules[1], {"if": "$CI_COMMIT_BRANCH =~ /^autofix\\// && $CI_OPEN_MERGE_REQUESTS", "when": "never"})
        self.assertIn("CI_DEFAULT_BRANCH", rules[3]["if"])
        review = self.doc["autofix:review"]["variables"]["AUTOFIX_REVIEW_COMMAND"]
        self.assertFalse(review["expand"])
        self.assertIn("add_labels=autofix-needs-review", review["value"])
        proc = subprocess.run(["bash", "-n", "-c", review["value"]], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_scripts_exist_and_snippets_parse(self):
        self.check_scripts(self.doc, self.doc["variables"])


class SchemaTest(unittest.TestCase):
    """Every CI file of examples/ci and the component against the schemas GitHub's and GitLab's editors use,
    checked in at tests/data/schemas (SchemaStore's github-workflow.json, GitLab's ci.json as gitlab-ci.json;
    tests/data/schemas/README.md), and a key each schema rejects, so that the check cannot pass vacuously."""

    def validator(self, name):
        path = os.path.join(SCHEMAS, name)
        self.assertTrue(os.path.isfile(path), f"no schema at {path} (tests/data/schemas/README.md says where it comes from)")
        try:
            import jsonschema
        except ImportError:
            self.skipTest("python3-jsonschema is not installed (scripts/install-deps.sh installs it)")
        import json
        with open(path, encoding="utf-8") as f:
            return jsonschema.Draft7Validator(json.load(f))

    @staticmethod
    def errors(validator, doc):
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(doc)]

    def assertValid(self, validator, doc, what):
        self.assertEqual(self.errors(validator, doc), [], f"{what} does not match the schema")

    def assertRejected(self, validator, doc, where):
        """The schema finds an error at the path `where` (a list of keys), and only there."""
        paths = [list(e.absolute_path) for e in validator.iter_errors(doc)]
        self.assertTrue(paths, f"the schema accepted a document with a mistake at {where}")
        self.assertTrue(all(p[:len(where)] == where for p in paths), paths)

    @staticmethod
    def github_workflow(path):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        doc["on"] = doc.pop(True)  # the key as GitHub reads it (YAML 1.1 reads a bare `on` as true)
        return doc

    @staticmethod
    def gitlab_file(path):
        class Loader(yaml.SafeLoader):
            """!reference [a, b] as the list of strings GitLab's schema expects."""
        Loader.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=Loader)

    def test_github_workflows(self):
        validator = self.validator("github-workflow.json")
        paths = sorted(glob.glob(os.path.join(ROOT, "examples", "ci", "github", "*.yml")))
        self.assertEqual([os.path.basename(p) for p in paths], ["autofix-gate-health.yml", "autofix-gate.yml"])
        for path in paths:
            with self.subTest(path=os.path.relpath(path, ROOT)):
                self.assertValid(validator, self.github_workflow(path), path)

    def test_github_schema_rejects_an_unknown_key(self):
        validator = self.validator("github-workflow.json")
        doc = self.github_workflow(os.path.join(ROOT, "examples", "ci", "github", "autofix-gate.yml"))
        doc["jobs"]["gate"]["steps"][0]["withh"] = {}  # a step key GitHub does not know
        self.assertRejected(validator, doc, ["jobs", "gate"])
        doc = self.github_workflow(os.path.join(ROOT, "examples", "ci", "github", "autofix-gate.yml"))
        doc["jobs"]["gate"]["runs_on"] = "ubuntu-latest"  # a job key GitHub does not know
        self.assertRejected(validator, doc, ["jobs", "gate"])

    def test_gitlab_files(self):
        validator = self.validator("gitlab-ci.json")
        paths = sorted(glob.glob(os.path.join(ROOT, "examples", "ci", "gitlab", "*.yml")))
        self.assertEqual([os.path.basename(p) for p in paths],
                         ["autofix-gate-health.gitlab-ci.yml", "autofix-gate.gitlab-ci.yml"])
        for path in paths:
            with self.subTest(path=os.path.relpath(path, ROOT)):
                self.assertValid(validator, self.gitlab_file(path), path)

    def test_gitlab_component(self):
        validator = self.validator("gitlab-ci.json")
        path = os.path.join(ROOT, "templates", "autofix-gate.yml")
        with open(path, encoding="utf-8") as f:
            header, separator, _ = f.read().partition("\n---\n")
        self.assertEqual(separator, "\n---\n")
        # The header document (spec: inputs) on its own, as GitLab reads it.
        self.assertValid(validator, yaml.safe_load(header), "the spec header of templates/autofix-gate.yml")
        # The jobs with the inputs interpolated: the defaults, and the example's inputs merged into it.
        as_list = lambda path: path  # noqa: E731  !reference [a, b] as the list of strings
        self.assertValid(validator, with_references(gitlab_runner.component_document(path, {}), as_list),
                         "templates/autofix-gate.yml with its default inputs")
        self.assertValid(validator, gitlab_pipeline(as_list), "templates/autofix-gate.yml with the example's inputs")

    def test_gitlab_schema_rejects_an_unknown_key(self):
        validator = self.validator("gitlab-ci.json")
        doc = gitlab_pipeline(lambda path: path)
        doc["autofix:gate"]["scripts"] = ["true"]  # a job key GitLab does not know
        self.assertRejected(validator, doc, ["autofix:gate"])
        doc = gitlab_pipeline(lambda path: path)
        doc["autofix:gate"]["parallel"] = 0  # parallel is 1 to 200
        self.assertRejected(validator, doc, ["autofix:gate"])
        with open(os.path.join(ROOT, "templates", "autofix-gate.yml"), encoding="utf-8") as f:
            header = yaml.safe_load(f.read().partition("\n---\n")[0])
        header["spec"]["input"] = {}  # spec knows only inputs
        self.assertRejected(validator, header, ["spec"])


def main():
    global ROOT, SCHEMAS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--schemas", help="the folder with github-workflow.json and gitlab-ci.json "
                                          "(default: tests/data/schemas)")
    args, rest = parser.parse_known_args()
    ROOT = os.path.abspath(args.root)
    SCHEMAS = os.path.abspath(args.schemas or os.path.join(ROOT, "tests", "data", "schemas"))
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun > 0 and len(result.skipped) == result.testsRun:
        sys.exit(SKIP)
    sys.exit(0)


if __name__ == "__main__":
    main()
