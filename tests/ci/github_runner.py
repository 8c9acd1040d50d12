# SPDX-License-Identifier: MIT
"""Runs a GitHub Actions workflow file on this machine the way GitHub would for one event, so that a test
drives the real workflow and the real scripts against a bare repository on disk.

What is emulated, from GitHub's documentation: job order from `needs`, job and step `if:` (with the
implicit success()), `strategy.matrix` (cartesian product), workflow/job/step `env`, `run` steps in
`bash --noprofile --norc -eo pipefail`, $GITHUB_OUTPUT / $GITHUB_ENV / $GITHUB_PATH / $GITHUB_STEP_SUMMARY,
job `outputs`, and these actions: actions/checkout (an empty `repository` means this repository, an
empty `ref` the event's commit or the other repository's default branch), actions/upload-artifact and
actions/download-artifact (files lose their permission bits, as on GitHub), mikepenz/action-junit-report
(reads the files its `report_paths` glob matches, as XML; none is a warning, as with its default
`require_tests: false`) and github/codeql-action/upload-sarif (reads `sarif_file`, a file or a directory of
.sarif files, as JSON, and fails when it does not exist, as the action does; a run without
automationDetails gets `category` as its id, the action's populateRunAutomationDetails). Both record what
they read instead of publishing it. Not emulated: fetch-depth (every checkout has
the whole history), tokens, permissions, runners. A local composite action (`uses: ./path`, a folder of the
workspace holding action.yml, as after a checkout): its inputs (`with:` over the defaults, an undeclared
one is an error), its steps (`run:` with `shell: bash`, `working-directory`, `env`, `if:`, nested `uses:`)
with `github.action_path` set, and its `outputs`; actions/cache (a miss saves `path` under `key` when the
job succeeded, a hit restores it with the permission bits; the cache belongs to the run, so runs that
arrive together all miss it). RUNNER_TEMP is a directory per job. Workflow-level `concurrency` is emulated for
runs that arrive together: of the runs queued in one group behind a running one, only the newest runs,
the others are cancelled. Any other action or keyword we rely on raises an error.
"""
import fnmatch
import glob
import itertools
import json
import os
import shutil
import subprocess
from xml.etree import ElementTree

import yaml

from github_expressions import Evaluator, condition, substitute, to_string

ZERO = "0" * 40


class WorkflowError(Exception):
    pass


def load_workflow(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if True in doc and "on" not in doc:  # YAML 1.1 reads a bare `on` as true
        doc["on"] = doc.pop(True)
    return doc


def drop_permissions(root):
    """What an artifact round trip does to files: no executable bits."""
    for dirpath, _, files in os.walk(root):
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o644)


class Run:
    """One workflow run for one event.

    repos: {"owner/name": path of a git repository on disk}; github.repository must be among them.
    event: the webhook payload; event_name: push or pull_request; vars: repository variables (a fork's
    pull request gets none); env: the environment every step starts from (PATH, HOME, ...)."""

    def __init__(self, workflow, workdir, repos, repository, event_name, event, vars=None, env=None, name="run"):
        self.workflow = workflow
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.repos = repos
        self.repository = repository
        self.event_name = event_name
        self.event = event
        self.vars = vars or {}
        self.base_env = dict(env or os.environ)
        self.artifacts = {}
        self.jobs = {}         # job id -> {"result", "outputs", "legs": [...]}
        self.log = []          # (job, step name, returncode, stdout, stderr)
        self.reports = []      # (action, inputs, {file: what the action read}) of the report actions
        self.caches = {}       # actions/cache: key -> the saved directory
        self.github = self.github_context()

    # --- contexts ---------------------------------------------------------------------------------------
    def github_context(self):
        e = self.event
        if self.event_name == "pull_request":
            pr = e["pull_request"]
            ref = f"refs/pull/{e['number']}/merge"
            sha = pr["head"]["sha"]  # GitHub's is a merge preview; our workflow never checks it out
            head_ref, base_ref, ref_name = pr["head"]["ref"], pr["base"]["ref"], f"{e['number']}/merge"
        else:
            ref, sha, head_ref, base_ref = e["ref"], e["after"], "", ""
            ref_name = ref.split("/", 2)[2]
        return {"event_name": self.event_name, "event": e, "ref": ref, "ref_name": ref_name, "sha": sha,
                "head_ref": head_ref, "base_ref": base_ref, "repository": self.repository,
                "token": "fake-token", "workspace": None, "server_url": "https://github.com",
                "action_path": "", "action_repository": ""}

    def evaluator(self, extra=None, status="success", workspace=None):
        context = {"github": self.github, "vars": self.vars, "secrets": {}, "runner": {"os": "Linux"},
                   "inputs": {}, "env": {}}
        context.update(extra or {})
        return Evaluator(context, status=status, workspace=workspace)

    # --- the run ------------------------------------------------------------------------------------------
    def run(self):
        jobs = self.workflow["jobs"]
        self.workflow_env = {k: to_string(v) for k, v in
                             substitute(self.workflow.get("env", {}), self.evaluator()).items()}
        done = set()
        while len(done) < len(jobs):
            ready = [j for j in jobs if j not in done and all(n in done for n in self.needs_of(j))]
            if not ready:
                raise WorkflowError("the jobs' needs form a cycle")
            for job_id in ready:
                self.run_job(job_id, jobs[job_id])
                done.add(job_id)
        return self

    def needs_of(self, job_id):
        needs = self.workflow["jobs"][job_id].get("needs", [])
        return [needs] if isinstance(needs, str) else list(needs)

    def run_job(self, job_id, job):
        needs = {n: {"result": self.jobs[n]["result"], "outputs": self.jobs[n]["outputs"]} for n in self.needs_of(job_id)}
        status = "success" if all(n["result"] == "success" for n in needs.values()) else "failure"
        ev = self.evaluator({"needs": needs}, status=status)
        if not condition(job.get("if", "success()"), ev):
            self.jobs[job_id] = {"result": "skipped", "outputs": {}, "legs": []}
            return
        matrix = (job.get("strategy") or {}).get("matrix")
        legs = [{}]
        if matrix:
            matrix = substitute(matrix, ev)
            if set(matrix) & {"include", "exclude"}:
                raise WorkflowError("matrix include/exclude is not emulated")
            keys = list(matrix)
            legs = [dict(zip(keys, values)) for values in itertools.product(*(matrix[k] for k in keys))]
        results, outputs, leg_records = [], {}, []
        for index, leg in enumerate(legs):
            record = self.run_leg(job_id, job, needs, leg, index)
            leg_records.append(record)
            results.append(record["result"])
            for k, v in record["outputs"].items():
                if v != "" or k not in outputs:
                    outputs[k] = v
        result = "success" if all(r == "success" for r in results) else "failure"
        self.jobs[job_id] = {"result": result, "outputs": outputs, "legs": leg_records}

    def run_leg(self, job_id, job, needs, matrix, index):
        leg_dir = os.path.join(self.dir, f"{job_id} {index + 1}")
        workspace = os.path.join(leg_dir, "work space")
        os.makedirs(workspace)
        temp = os.path.join(leg_dir, "runner temp")
        os.makedirs(temp)
        leg = {"job": job_id, "workspace": workspace, "temp": temp, "path": [], "env": {}, "post": [],
               "files": {name: os.path.join(leg_dir, name) for name in ("output", "env", "path", "summary")}}
        steps = {}
        context = {"needs": needs, "matrix": matrix, "steps": steps, "job": {"status": "success"}}
        github = dict(self.github, workspace=workspace)
        ev0 = self.evaluator(dict(context, github=github), workspace=workspace)
        job_env = {k: to_string(v) for k, v in substitute(job.get("env", {}), ev0).items()}
        status = self.run_steps(job["steps"], leg, context, github, dict(self.workflow_env, **job_env))
        for post in reversed(leg["post"]):
            post(status)
        ev = self.evaluator(dict(context, github=github), status=status, workspace=workspace)
        outputs = {k: to_string(substitute(v, ev)) for k, v in (job.get("outputs") or {}).items()}
        return {"result": status, "outputs": outputs, "workspace": workspace, "matrix": matrix}

    def run_steps(self, step_list, leg, context, github, base_env, composite=None):
        """The steps of a job, or of a composite action (composite: its name, for the log); fills
        context["steps"]; returns "success" or "failure"."""
        steps = context["steps"]
        workspace = leg["workspace"]
        status = "success"
        for number, step in enumerate(step_list):
            step_id = step.get("id", f"__step{number}")
            env = dict(base_env, **leg["env"])
            ev = self.evaluator(dict(context, github=github, env=env), status=status, workspace=workspace)
            if not condition(step.get("if", "success()"), ev):
                steps[step_id] = {"outcome": "skipped", "conclusion": "skipped", "outputs": {}}
                continue
            env.update({k: to_string(v) for k, v in substitute(step.get("env", {}), ev).items()})
            ev = self.evaluator(dict(context, github=github, env=env), status=status, workspace=workspace)
            name = step.get("name") or step.get("uses") or step.get("run", "")[:40]
            if "run" in step:
                if composite is not None and step.get("shell") != "bash":
                    raise WorkflowError(f"{composite}: the step {name!r} has no `shell: bash` (a composite action's run steps need one)")
                files = leg["files"]
                for f in files.values():
                    open(f, "w").close()
                script = substitute(step["run"], ev)
                cwd = os.path.join(workspace, to_string(substitute(step.get("working-directory", ""), ev)))
                rc, out, err = self.run_shell(script, cwd, env, files, leg)
                outputs = parse_env_file(files["output"])
                leg["env"].update(parse_env_file(files["env"]))
                with open(files["path"]) as f:
                    leg["path"][:0] = [line.strip() for line in f if line.strip()][::-1]
                with open(files["summary"]) as f:
                    self.summary = getattr(self, "summary", "") + f.read()
            else:
                inputs = substitute(step.get("with", {}), ev)
                rc, out, err, outputs = self.run_action(step["uses"], inputs, leg, context, github, env, status)
            self.log.append((leg["job"], f"{composite} / {name}" if composite else name, rc, out, err))
            ok = rc == 0
            steps[step_id] = {"outcome": "success" if ok else "failure",
                              "conclusion": "success" if ok else "failure", "outputs": outputs}
            if not ok:
                status = "failure"
        return status

    def run_shell(self, script, cwd, env, files, leg):
        full = dict(self.base_env)
        full.update(env)
        workspace = leg["workspace"]
        full.update(CI="true", GITHUB_ACTIONS="true", GITHUB_WORKSPACE=workspace, GITHUB_EVENT_NAME=self.event_name,
                    GITHUB_REPOSITORY=self.repository, GITHUB_SHA=self.github["sha"], GITHUB_REF=self.github["ref"],
                    GITHUB_REF_NAME=self.github["ref_name"], GITHUB_HEAD_REF=self.github["head_ref"],
                    GITHUB_BASE_REF=self.github["base_ref"], GITHUB_OUTPUT=files["output"], GITHUB_ENV=files["env"],
                    GITHUB_PATH=files["path"], GITHUB_STEP_SUMMARY=files["summary"], RUNNER_TEMP=leg["temp"],
                    RUNNER_OS="Linux")
        full["PATH"] = os.pathsep.join(leg["path"] + [full.get("PATH", os.defpath)])
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                              env=full, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return proc.returncode, proc.stdout, proc.stderr

    def run_composite(self, uses, inputs, leg, context, github, env, status):
        """A local composite action: its steps in a context of their own, its outputs mapped."""
        path = os.path.normpath(os.path.join(leg["workspace"], uses))
        found = [p for p in (os.path.join(path, "action.yml"), os.path.join(path, "action.yaml")) if os.path.isfile(p)]
        if not found:
            raise WorkflowError(f"{uses}: no action.yml in {path} (check the repository out first)")
        with open(found[0], encoding="utf-8") as f:
            action = yaml.safe_load(f)
        if action.get("runs", {}).get("using") != "composite":
            raise WorkflowError(f"{uses}: only composite actions are emulated")
        declared = action.get("inputs") or {}
        unknown = sorted(set(inputs) - set(declared))
        if unknown:
            raise WorkflowError(f"{uses}: unexpected inputs {unknown}; the action declares {sorted(declared)}")
        inner_github = dict(github, action_path=path, action_repository="")
        ev = self.evaluator(dict(context, github=inner_github, env=env), status=status, workspace=leg["workspace"])
        values = {name: to_string(inputs[name]) if name in inputs else to_string(substitute(spec.get("default", ""), ev))
                  for name, spec in declared.items()}
        inner = {"steps": {}, "inputs": values, "job": context.get("job", {}), "matrix": context.get("matrix", {}),
                 "needs": context.get("needs", {})}
        mark = len(self.log)
        result = self.run_steps(action["runs"]["steps"], leg, inner, inner_github, env, composite=uses)
        ev = self.evaluator(dict(inner, github=inner_github), status=result, workspace=leg["workspace"])
        outputs = {k: to_string(substitute(v.get("value", ""), ev)) for k, v in (action.get("outputs") or {}).items()}
        failed = [f"{name}: exit {rc}" for _, name, rc, _, _ in self.log[mark:] if rc != 0]
        return (0 if result == "success" else 1), "", "\n".join(failed), outputs

    def cache(self, inputs, leg):
        """actions/cache: restore `path` on an exact `key`, else save it when the job ends well."""
        key, path = to_string(inputs["key"]), os.path.join(leg["workspace"], to_string(inputs["path"]))
        if key in self.caches:
            shutil.copytree(self.caches[key], path, dirs_exist_ok=True, symlinks=True)
            return {"cache-hit": "true"}

        def save(status):
            if status == "success" and key not in self.caches and os.path.exists(path):
                self.caches[key] = os.path.join(self.dir, "caches", key)
                shutil.copytree(path, self.caches[key], symlinks=True)
        leg["post"].append(save)
        return {"cache-hit": "false"}

    # --- actions --------------------------------------------------------------------------------------------
    def run_action(self, uses, inputs, leg, context, github, env, status):
        workspace = leg["workspace"]
        if uses.startswith("./"):
            return self.run_composite(uses, inputs, leg, context, github, env, status)
        action = uses.split("@")[0]
        if action == "actions/cache":
            return (0, "", "", self.cache(inputs, leg))
        handler = {"actions/checkout": self.checkout, "actions/upload-artifact": self.upload,
                   "actions/download-artifact": self.download}.get(action)
        if handler:
            try:
                return (0, "", "", handler(inputs, workspace) or {})
            except WorkflowError as e:
                return (1, "", str(e), {})
        reporters = {"mikepenz/action-junit-report": self.junit_report, "github/codeql-action/upload-sarif": self.upload_sarif}
        if action in reporters:
            try:
                files, warning = reporters[action](inputs, workspace)
            except WorkflowError as e:
                return (1, "", str(e), {})
            self.reports.append((action, inputs, files))
            return (0, warning, "", {})
        raise WorkflowError(f"the action {uses} is not emulated")

    def junit_report(self, inputs, workspace):
        """{path relative to the workspace: its XML root element} of every file `report_paths` matches."""
        pattern = to_string(inputs.get("report_paths", "**/junit-reports/TEST-*.xml"))
        files = {}
        for line in pattern.splitlines():
            for path in sorted(glob.glob(os.path.join(workspace, line.strip()), recursive=True)):
                try:
                    files[os.path.relpath(path, workspace)] = ElementTree.parse(path).getroot()
                except ElementTree.ParseError as e:
                    raise WorkflowError(f"action-junit-report: {path} is not XML: {e}")
        return files, "" if files else f"No test report files were found for the pattern {pattern!r}\n"

    def upload_sarif(self, inputs, workspace):
        """{path relative to the workspace: the SARIF log as uploaded} of `sarif_file`."""
        path = os.path.join(workspace, to_string(inputs.get("sarif_file", "../results")))
        if os.path.isdir(path):
            paths = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".sarif"))
        elif os.path.isfile(path):
            paths = [path]
        else:
            raise WorkflowError(f"upload-sarif: Path does not exist: {path}")
        if not paths:
            raise WorkflowError(f"upload-sarif: No SARIF files found to upload in {path}")
        category = to_string(inputs.get("category", ""))
        files = {}
        for p in paths:
            try:
                with open(p, encoding="utf-8") as f:
                    log = json.load(f)
            except ValueError as e:
                raise WorkflowError(f"upload-sarif: {p} is not JSON: {e}")
            for run_ in log.get("runs", []):
                if category and "automationDetails" not in run_:
                    run_["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
            files[os.path.relpath(p, workspace)] = log
        return files, ""

    def checkout(self, inputs, workspace):
        repository = to_string(inputs.get("repository")) or self.repository  # as actions/checkout: empty = this one
        if repository not in self.repos:
            raise WorkflowError(f"checkout: repository '{repository}' not found")
        source = self.repos[repository]
        path = os.path.join(workspace, to_string(inputs.get("path")) or ".")
        ref = to_string(inputs.get("ref"))
        if not ref:
            ref = self.github["sha"] if repository == self.repository else "HEAD"
        env = self.base_env
        os.makedirs(path, exist_ok=True)
        git = lambda *a: subprocess.run(["git", "-C", path, *a], env=env, text=True, capture_output=True)
        git("init", "--quiet")
        git("remote", "add", "origin", source)
        fetched = git("fetch", "--quiet", "--tags", "origin", "+refs/heads/*:refs/remotes/origin/*")
        if fetched.returncode != 0:
            raise WorkflowError("checkout: " + fetched.stderr)
        resolved = subprocess.run(["git", "-C", source, "rev-parse", "--verify", "-q", ref + "^{commit}"], env=env,
                                  text=True, capture_output=True)
        if resolved.returncode != 0:
            raise WorkflowError(f"checkout: a branch or commit '{ref}' could not be found in {repository}")
        done = git("checkout", "--quiet", "--detach", resolved.stdout.strip())
        if done.returncode != 0:
            raise WorkflowError(f"checkout of {ref}: {done.stderr}")
        return {}

    def upload(self, inputs, workspace):
        name = to_string(inputs["name"])
        if name in self.artifacts:
            raise WorkflowError(f"upload-artifact: an artifact named {name} already exists in this run")
        source = os.path.join(workspace, to_string(inputs["path"]))
        target = os.path.join(self.dir, "artifacts", name)
        if os.path.isdir(source):
            shutil.copytree(source, target)
        elif os.path.isfile(source):
            os.makedirs(target)
            shutil.copy(source, target)
        elif to_string(inputs.get("if-no-files-found", "warn")) == "error":
            raise WorkflowError(f"upload-artifact: no files were found with the provided path: {inputs['path']}")
        else:
            return {}
        drop_permissions(target)
        self.artifacts[name] = target
        return {}

    def download(self, inputs, workspace):
        path = os.path.join(workspace, to_string(inputs.get("path")) or ".")
        if inputs.get("name"):
            name = to_string(inputs["name"])
            if name not in self.artifacts:
                raise WorkflowError(f"download-artifact: unable to find an artifact named {name}")
            shutil.copytree(self.artifacts[name], path, dirs_exist_ok=True)
        else:
            pattern = to_string(inputs.get("pattern", "*"))
            for name, source in sorted(self.artifacts.items()):
                if fnmatch.fnmatchcase(name, pattern):
                    shutil.copytree(source, os.path.join(path, name), dirs_exist_ok=True)
        return {}

    # --- what tests look at ---------------------------------------------------------------------------------
    def result(self, job_id):
        return self.jobs[job_id]["result"]

    def output_of(self, job_id):
        return "\n".join(f"[{j}] {name}: exit {rc}\n{out}{err}" for j, name, rc, out, err in self.log if j == job_id)


def parse_env_file(path):
    """KEY=VALUE lines and KEY<<DELIMITER blocks, as GitHub reads $GITHUB_OUTPUT and $GITHUB_ENV."""
    values = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        elif line.strip():
            raise WorkflowError(f"invalid line in a GitHub file command: {line!r}")
        i += 1
    return values


def concurrency_group(workflow, event_name, event, repository, vars=None):
    """The workflow-level concurrency group of a run, or None."""
    conc = workflow.get("concurrency")
    if conc is None:
        return None
    run = Run.__new__(Run)
    run.event_name, run.event, run.repository, run.vars = event_name, event, repository, vars or {}
    run.github = Run.github_context(run)
    ev = run.evaluator()
    if isinstance(conc, str):
        return to_string(substitute(conc, ev))
    return to_string(substitute(conc["group"], ev))


def surviving_runs(workflow, events, repository, vars=None):
    """Of runs that arrive together (none finished before the next arrived): which ones GitHub runs.
    In each concurrency group the first runs; of those queued behind it only the newest stays pending,
    the others are cancelled (cancel-in-progress: false). Returns the indexes of the events that run."""
    groups = {}
    for i, (name, event) in enumerate(events):
        groups.setdefault(concurrency_group(workflow, name, event, repository, vars), []).append(i)
    keep = []
    for group, members in groups.items():
        keep.extend(members if group is None else sorted({members[0], members[-1]}))
    return sorted(keep)
