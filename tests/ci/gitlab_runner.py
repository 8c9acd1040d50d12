# SPDX-License-Identifier: MIT
"""Runs a GitLab CI file on this machine the way GitLab would for one pipeline, so that a test drives the
real template and the real scripts against a bare repository on disk.

What is emulated, from GitLab's documentation: `extends` (hashes merged deeply, other values replaced,
later parents win), `!reference`, `rules` with `if` (`$VAR`, ==, !=, =~ and !~ with /regex/, &&, ||,
parentheses, null) and `when: never`, `variables` (global, then job; CI/CD variables of the project win
over both; `$VAR` expanded unless `expand: false`), stages in order, `needs`, `parallel: N`
(CI_NODE_INDEX/CI_NODE_TOTAL), before_script and script run together in one bash shell stopping at the
first failing command, `artifacts:paths` (files lose their permission bits; an unmatched path is only a
warning), `artifacts:when`, `artifacts:reports:dotenv` (variables of the jobs that need the job) and
`reports:junit` and `reports:codequality` (recorded). Every job starts from a fresh clone (GIT_DEPTH 0: the whole history)
detached at the pipeline's commit. `image` is not emulated: the job runs on this machine, with `apt-get`
replaced by a no-op. `include: component:` of a CI/CD component file given to the emulator (`spec: inputs`
interpolated: given values, defaults, required ones and types checked). Anything else raises an error.
"""
import copy
import glob
import os
import re
import shutil
import subprocess

import yaml

from github_runner import drop_permissions

RESERVED = {"variables", "stages", "workflow", "default", "include", "image", "services", "before_script",
            "after_script", "cache", "spec"}


class PipelineError(Exception):
    pass


class Reference:
    def __init__(self, path):
        self.path = path


class Loader(yaml.SafeLoader):
    pass


Loader.add_constructor("!reference", lambda loader, node: Reference(loader.construct_sequence(node)))


INPUT = re.compile(r"\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]")


def component_document(path, inputs):
    """The jobs of a CI/CD component file (a `spec:` header, `---`, the jobs) with its inputs interpolated:
    the given ones, else the defaults; an unknown input, a missing required one or a wrong type is an error,
    as in GitLab."""
    with open(path, encoding="utf-8") as f:
        header, separator, body = f.read().partition("\n---\n")
    if not separator:
        raise PipelineError(f"{path}: no spec header ending in ---")
    spec = (yaml.safe_load(header)["spec"].get("inputs")) or {}
    unknown = sorted(set(inputs) - set(spec))
    if unknown:
        raise PipelineError(f"{path}: unknown inputs {unknown}")
    values = {}
    for name, s in spec.items():
        s = s or {}
        if name in inputs:
            value = inputs[name]
        elif "default" in s:
            value = s["default"]
        else:
            raise PipelineError(f"{path}: the input {name} is required")
        kind = s.get("type", "string")
        if (kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float)))) or \
                (kind == "string" and not isinstance(value, str)) or (kind == "boolean" and not isinstance(value, bool)):
            raise PipelineError(f"{path}: the input {name} is {value!r}, not a {kind}")
        if "options" in s and value not in s["options"]:
            raise PipelineError(f"{path}: the input {name} is {value!r}, not one of {s['options']}")
        values[name] = str(value).lower() if isinstance(value, bool) else str(value)

    def interpolate(m):
        if m.group(1) not in values:
            raise PipelineError(f"{path}: $[[ inputs.{m.group(1)} ]] names no input of the spec")
        return values[m.group(1)]
    return yaml.load(INPUT.sub(interpolate, body), Loader=Loader)


def load(path, components=None):
    """The CI file at path; its `include: component:` entries resolved through components ({component name:
    the component's file}), the including file's keys merged over the component's."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Loader)
    includes = doc.get("include") if isinstance(doc, dict) else None
    if includes is None:
        return doc
    merged = {}
    for entry in includes if isinstance(includes, list) else [includes]:
        if not isinstance(entry, dict) or "component" not in entry:
            raise PipelineError(f"{path}: only `include: component:` is emulated, not {entry!r}")
        name = entry["component"].rsplit("/", 1)[-1].split("@")[0]
        if name not in (components or {}):
            raise PipelineError(f"{path}: the component {entry['component']} is not known to the emulator")
        merged = deep_merge(merged, component_document(components[name], entry.get("inputs") or {}))
    return deep_merge(merged, {k: v for k, v in doc.items() if k != "include"})


def deep_merge(base, over):
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def resolve_extends(doc, name, seen=()):
    job = doc[name]
    if name in seen:
        raise PipelineError(f"extends loop at {name}")
    parents = job.get("extends", [])
    parents = [parents] if isinstance(parents, str) else parents
    merged = {}
    for parent in parents:
        if parent not in doc:
            raise PipelineError(f"{name} extends unknown {parent}")
        merged = deep_merge(merged, resolve_extends(doc, parent, seen + (name,)))
    merged = deep_merge(merged, {k: v for k, v in job.items() if k != "extends"})
    return merged


def resolve_references(doc, value):
    if isinstance(value, Reference):
        target = doc
        for key in value.path:
            target = target[key]
        return resolve_references(doc, target)
    if isinstance(value, dict):
        return {k: resolve_references(doc, v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_references(doc, v) for v in value]
    return value


def flatten(lines):
    out = []
    for line in lines if isinstance(lines, list) else [lines]:
        out.extend(flatten(line) if isinstance(line, list) else [line])
    return out


# --- rules:if ------------------------------------------------------------------------------------------------
RULE_TOKEN = re.compile(r'\s*(?:(?P<var>\$[A-Za-z_][A-Za-z0-9_]*)|(?P<str>"[^"]*"|\'[^\']*\')|(?P<re>/(?:\\.|[^/])*/[a-z]*)'
                        r"|(?P<op>==|!=|=~|!~|&&|\|\||\(|\))|(?P<null>null))")


def rule_matches(text, variables):
    tokens, pos = [], 0
    while text[pos:].strip():
        m = RULE_TOKEN.match(text, pos)
        if not m:
            raise PipelineError(f"cannot read the rule at {text[pos:]!r}")
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    state = {"i": 0}

    def peek(*ops):
        i = state["i"]
        return i < len(tokens) and tokens[i][0] == "op" and tokens[i][1] in ops

    def value():
        kind, text_ = tokens[state["i"]]
        state["i"] += 1
        if kind == "var":
            return variables.get(text_[1:])
        if kind == "str":
            return text_[1:-1]
        if kind == "null":
            return None
        if kind == "re":
            return re.compile(text_[1:text_.rindex("/")])
        raise PipelineError(f"unexpected {text_!r} in {text!r}")

    def comparison():
        if peek("("):
            state["i"] += 1
            result = disjunction()
            state["i"] += 1
            return result
        left = value()
        if peek("==", "!=", "=~", "!~"):
            op = tokens[state["i"]][1]
            state["i"] += 1
            right = value()
            if op in ("==", "!="):
                same = (left or None) == (right or None) if right is None or left is None else left == right
                return same if op == "==" else not same
            matched = left is not None and bool(right.search(left))
            return matched if op == "=~" else not matched
        return bool(left)

    def conjunction():
        result = comparison()
        while peek("&&"):
            state["i"] += 1
            right = comparison()
            result = result and right
        return result

    def disjunction():
        result = conjunction()
        while peek("||"):
            state["i"] += 1
            right = conjunction()
            result = result or right
        return result

    result = disjunction()
    if state["i"] != len(tokens):
        raise PipelineError(f"cannot read the rule {text!r}")
    return result


def safe_name(job):
    """A directory name for a job: no ':' (a PATH separator) and no '/'."""
    return job.replace(":", " ").replace("/", " of ")


def expand(text, variables):
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: variables.get(m.group(1), ""), text)


class Pipeline:
    """One pipeline. predefined: GitLab's predefined variables for it (CI_PIPELINE_SOURCE, CI_COMMIT_SHA,
    CI_COMMIT_BRANCH, ...); project_variables: the project's CI/CD variables; remote: the bare repository
    (the project); push_url: what `git remote set-url` is given in a job is redirected there."""

    def __init__(self, path, workdir, remote, predefined, project_variables=None, env=None, name="pipeline",
                 push_urls=(), components=None):
        self.doc = load(path, components)
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.remote = remote
        self.predefined = dict(predefined)
        self.project_variables = dict(project_variables or {})
        self.base_env = dict(env or os.environ)
        stub = os.path.join(self.dir, "stub bin")
        os.makedirs(stub)
        with open(os.path.join(stub, "apt-get"), "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(os.path.join(stub, "apt-get"), 0o755)
        self.base_env["PATH"] = stub + os.pathsep + self.base_env.get("PATH", os.defpath)
        # The URL a job sets for pushing goes to the repository on disk.
        urls = list(push_urls)
        self.base_env["GIT_CONFIG_COUNT"] = str(len(urls))
        for i, url in enumerate(urls):
            self.base_env[f"GIT_CONFIG_KEY_{i}"] = f"url.{remote}.insteadOf"
            self.base_env[f"GIT_CONFIG_VALUE_{i}"] = url
        self.jobs = {}       # job name -> {"result", "output", "dotenv", "artifacts", "workspace"}
        self.reports = []

    def variables(self, raw, base):
        out = dict(base)
        for k, v in (raw or {}).items():
            if isinstance(v, dict):
                value = str(v.get("value", ""))
                out[k] = value if v.get("expand", True) is False else expand(value, out)
            else:
                out[k] = expand(str(v), out)
        return out

    def job_definitions(self):
        names = [k for k in self.doc if k not in RESERVED and not k.startswith(".")]
        jobs = {}
        for name in names:
            job = resolve_references(self.doc, resolve_extends(self.doc, name))
            for key in job:
                if key not in ("stage", "script", "before_script", "after_script", "variables", "rules", "needs",
                               "parallel", "artifacts", "image", "interruptible"):
                    raise PipelineError(f"{name}: the keyword {key} is not emulated")
            jobs[name] = job
        return jobs

    def run(self):
        global_vars = self.variables(self.doc.get("variables"), self.predefined)
        # CI/CD variables of the project win over the file's.
        global_vars.update(self.project_variables)
        definitions = self.job_definitions()
        stages = self.doc.get("stages", ["build", "test", "deploy"])
        order = sorted(definitions, key=lambda n: stages.index(definitions[n].get("stage", "test")))
        for name in order:
            job = definitions[name]
            if not self.included(job, global_vars):
                continue
            count = int(job.get("parallel", 1))
            for index in range(1, count + 1):
                instance = name if count == 1 else f"{name} {index}/{count}"
                self.run_job(instance, name, job, global_vars, definitions,
                             {"CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(count)} if count > 1 else {})
        return self

    def included(self, job, variables):
        rules = job.get("rules")
        if rules is None:
            return True
        for rule in rules:
            if "if" not in rule or rule_matches(rule["if"], variables):
                return rule.get("when", "on_success") != "never"
        return False

    def instances(self, name):
        return [k for k in self.jobs if k == name or k.startswith(name + " ")]

    def run_job(self, instance, name, job, global_vars, definitions, node):
        needs = job.get("needs")
        if needs is None:  # every job of the earlier stages
            stage = job.get("stage", "test")
            stages = self.doc.get("stages")
            needs = [n for n in self.jobs if stages.index(definitions[n.split(" ")[0]].get("stage", "test")) < stages.index(stage)]
            upstream = needs
        else:
            upstream = [i for n in needs for i in self.instances(n)]
            missing = [n for n in needs if not self.instances(n)]
            if missing:
                raise PipelineError(f"{name} needs {missing}, which are not in the pipeline")
        if any(self.jobs[u]["result"] != "success" for u in upstream):
            self.jobs[instance] = {"result": "skipped", "output": "", "dotenv": {}}
            return
        workspace = os.path.join(self.dir, safe_name(instance), "project dir")
        os.makedirs(os.path.dirname(workspace))
        env = dict(self.base_env)
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", self.remote, workspace], env=env, check=True)
        subprocess.run(["git", "-C", workspace, "fetch", "--quiet", "origin", "+refs/merge-requests/*:refs/merge-requests/*"],
                       env=env, capture_output=True)
        subprocess.run(["git", "-C", workspace, "checkout", "--quiet", "--detach", self.predefined["CI_COMMIT_SHA"]],
                       env=env, check=True)
        variables = dict(global_vars, CI_PROJECT_DIR=workspace, CI_JOB_NAME=instance, **node)
        for u in upstream:
            if self.jobs[u].get("artifacts"):
                shutil.copytree(self.jobs[u]["artifacts"], workspace, dirs_exist_ok=True)
            variables.update(self.jobs[u].get("dotenv", {}))
        variables = self.variables(job.get("variables"), variables)
        variables.update(self.project_variables)
        lines = flatten(job.get("before_script", [])) + flatten(job.get("script", []))
        script = "set -eo pipefail\n" + "\n".join(lines) + "\n"
        env.update(variables)
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-c", script], cwd=workspace, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        result = "success" if proc.returncode == 0 else "failure"
        record = {"result": result, "output": proc.stdout, "dotenv": {}, "workspace": workspace}
        artifacts = job.get("artifacts") or {}
        when = artifacts.get("when", "on_success")
        if artifacts and (when == "always" or (when == "on_success") == (result == "success")):
            store = os.path.join(self.dir, "artifacts", safe_name(instance))
            os.makedirs(store)
            for pattern in artifacts.get("paths", []):
                for match in glob.glob(os.path.join(workspace, pattern)):
                    rel = os.path.relpath(match, workspace)
                    if os.path.isdir(match):
                        shutil.copytree(match, os.path.join(store, rel), dirs_exist_ok=True)
                    else:
                        os.makedirs(os.path.dirname(os.path.join(store, rel)), exist_ok=True)
                        shutil.copy(match, os.path.join(store, rel))
            reports = artifacts.get("reports", {})
            for kind, pattern in reports.items():
                if kind == "dotenv":
                    dotenv = os.path.join(workspace, pattern)
                    if os.path.isfile(dotenv):
                        with open(dotenv, encoding="utf-8") as f:
                            record["dotenv"] = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
                elif kind in ("junit", "codequality"):
                    self.reports.append((instance, kind, sorted(glob.glob(os.path.join(workspace, pattern)))))
                else:
                    raise PipelineError(f"artifacts:reports:{kind} is not emulated")
            drop_permissions(store)
            record["artifacts"] = store
        self.jobs[instance] = record

    def result(self, name):
        return self.jobs[name]["result"] if name in self.jobs else "not in the pipeline"

    def output_of(self, name):
        return "\n".join(f"[{k}] {self.jobs[k]['result']}\n{self.jobs[k]['output']}" for k in self.instances(name))
