#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks an attempt's report files against what the platforms that read them accept (docs/reports.md):

  autofix.sarif, autofix-full.sarif  the SARIF 2.1.0 schema (OASIS; tests/data/schemas)
  autofix.sarif                      GitHub code scanning's rules for an upload ("SARIF support for code
                                     scanning": required properties, limits, locations, fingerprints,
                                     security-severity) and ours: only new results, each rule they name present
  gl-code-quality-report.json        GitLab Code Quality: GitLab's own schema for each entry (tests/data/schemas),
                                     the fields and values its documentation requires, no byte order mark,
                                     unique fingerprints (GitLab keeps one entry per fingerprint)

    check_reports.py --schemas DIR REPORT_DIR...

Exit 0 when every file holds, 1 with one line per breach (file, JSON path, what is wrong). /usr/bin/python3 on
purpose: Debian's python3-jsonschema (scripts/install-deps.sh) is installed for it.
"""
import argparse
import gzip
import json
import math
import os
import re
import sys

import jsonschema

SARIF_SCHEMA = "sarif-schema-2.1.0.json"
GITLAB_SCHEMA = "gitlab-codeclimate.json"

# GitHub, "SARIF support for code scanning" (reusable sarif-limits): a file beyond these is rejected.
MAX_GZIPPED_BYTES = 10 * 1024 * 1024
MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25000
MAX_RULES_PER_RUN = 25000
MAX_EXTENSIONS_PER_RUN = 100
MAX_TAGS_PER_RULE = 20
MAX_LOCATIONS_PER_RESULT = 10   # the result object's table: "up to a maximum of 10"
MAX_DESCRIPTION_CHARS = 1024
MAX_RULE_NAME_CHARS = 255
PRECISIONS = {"very-high", "high", "medium", "low"}
PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}
LEVELS = {"none", "note", "warning", "error"}
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# An RFC 3986 path of unreserved characters, sub-delims, ':', '@', '/' and percent-escapes.
URI_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})+$")

# GitLab, "Code Quality report format".
CODE_QUALITY_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def load_schema(directory, name):
    with open(os.path.join(directory, name), encoding="utf-8") as f:
        return json.load(f)


def schema_problems(doc, schema):
    """Every breach of a JSON schema (its draft read from its $schema), as 'path: message'."""
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        problems.append(f"{json_path(error.absolute_path)}: {error.message}")
    return problems


def json_path(parts):
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def text_of(obj, key):
    value = obj.get(key) if isinstance(obj, dict) else None
    return value.get("text") if isinstance(value, dict) else None


def relative_path_problem(path):
    """Why `path` is no plain path relative to the repository root, or None."""
    if not isinstance(path, str) or not path:
        return "is not a non-empty string"
    if path.startswith("/"):
        return "is absolute"
    if path.startswith("./"):
        return "starts with './'"
    if "\\" in path:
        return "holds a backslash"
    if any(seg in ("..", ".", "") for seg in path.split("/")):
        return "has an empty, '.' or '..' segment"
    return None


def github_upload_problems(doc, raw_bytes):
    """Breaches of GitHub code scanning's rules for an uploaded SARIF file, and of ours for autofix.sarif."""
    problems = []
    add = problems.append
    if len(gzip.compress(raw_bytes)) > MAX_GZIPPED_BYTES:
        add("$: more than 10 MB gzip-compressed")
    if not isinstance(doc.get("$schema"), str) or not doc.get("$schema"):
        add("$.$schema: required")
    if doc.get("version") != "2.1.0":
        add("$.version: must be 2.1.0")
    runs = doc.get("runs")
    if not isinstance(runs, list):
        add("$.runs: required array")
        return problems
    if len(runs) > MAX_RUNS:
        add(f"$.runs: {len(runs)} runs, GitHub takes at most {MAX_RUNS}")
    categories = set()
    for r, run in enumerate(runs):
        where = f"$.runs[{r}]"
        tool = run.get("tool", {})
        driver = tool.get("driver", {})
        if not isinstance(driver.get("name"), str) or not driver.get("name"):
            add(f"{where}.tool.driver.name: required")
        components = [("driver", driver)] + [(f"extensions[{i}]", e) for i, e in enumerate(tool.get("extensions", []))]
        if len(components) - 1 > MAX_EXTENSIONS_PER_RUN:
            add(f"{where}.tool.extensions: more than {MAX_EXTENSIONS_PER_RUN}")
        for name, component in components:
            version = component.get("semanticVersion")
            if version is not None and not (isinstance(version, str) and SEMVER.match(version)):
                add(f"{where}.tool.{name}.semanticVersion: {version!r} is not Semantic Versioning 2.0")
        rules = driver.get("rules")
        if not isinstance(rules, list):
            add(f"{where}.tool.driver.rules: required array")
            rules = []
        if len(rules) > MAX_RULES_PER_RUN:
            add(f"{where}.tool.driver.rules: more than {MAX_RULES_PER_RUN}")
        rule_ids = {}
        for i, rule in enumerate(rules):
            problems.extend(rule_problems(rule, f"{where}.tool.driver.rules[{i}]"))
            rid = rule.get("id")
            if rid in rule_ids:
                add(f"{where}.tool.driver.rules[{i}].id: {rid!r} twice")
            rule_ids.setdefault(rid, i)
        category = run.get("automationDetails", {}).get("id", "")
        category = category.rsplit("/", 1)[0] if "/" in category else ""
        if (driver.get("name"), category) in categories:
            add(f"{where}.automationDetails.id: a second run of {driver.get('name')!r} in category {category!r}")
        categories.add((driver.get("name"), category))
        base_ids = run.get("originalUriBaseIds", {})
        for base, location in base_ids.items():
            uri = location.get("uri")
            if uri is not None and not (URI_SCHEME.match(uri) and uri.endswith("/")):
                add(f"{where}.originalUriBaseIds.{base}.uri: must be an absolute URI ending in '/'")
        results = run.get("results")
        if not isinstance(results, list):
            add(f"{where}.results: required array")
            continue
        if len(results) > MAX_RESULTS_PER_RUN:
            add(f"{where}.results: {len(results)} results, GitHub takes at most {MAX_RESULTS_PER_RUN} per run")
        for i, result in enumerate(results):
            problems.extend(result_problems(result, f"{where}.results[{i}]", rules, rule_ids, base_ids))
    return problems


def rule_problems(rule, where):
    problems = []
    add = problems.append
    if not isinstance(rule.get("id"), str) or not rule.get("id"):
        add(f"{where}.id: required")
    name = rule.get("name")
    if name is not None and len(name) > MAX_RULE_NAME_CHARS:
        add(f"{where}.name: longer than {MAX_RULE_NAME_CHARS} characters")
    for key in ("shortDescription", "fullDescription"):
        text = text_of(rule, key)
        if not isinstance(text, str) or not text:
            add(f"{where}.{key}.text: required")
        elif len(text) > MAX_DESCRIPTION_CHARS:
            add(f"{where}.{key}.text: longer than {MAX_DESCRIPTION_CHARS} characters")
    help_text = text_of(rule, "help")
    if not isinstance(help_text, str) or not help_text:
        add(f"{where}.help.text: required")
    markdown = rule.get("help", {}).get("markdown")
    if markdown is not None and (not isinstance(markdown, str) or not markdown):
        add(f"{where}.help.markdown: an empty string")
    props = rule.get("properties", {})
    tags = props.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        add(f"{where}.properties.tags: must be an array of non-empty strings")
        tags = []
    if len(tags) > MAX_TAGS_PER_RULE:
        add(f"{where}.properties.tags: more than {MAX_TAGS_PER_RULE}")
    if "precision" in props and props["precision"] not in PRECISIONS:
        add(f"{where}.properties.precision: {props['precision']!r} is none of {sorted(PRECISIONS)}")
    if "problem.severity" in props and props["problem.severity"] not in PROBLEM_SEVERITIES:
        add(f"{where}.properties.problem.severity: {props['problem.severity']!r} is none of {sorted(PROBLEM_SEVERITIES)}")
    if "security-severity" in props:
        score = props["security-severity"]
        if not isinstance(score, str):
            add(f"{where}.properties.security-severity: must be a string, not {type(score).__name__}")
        else:
            try:
                value = float(score)
            except ValueError:
                value = math.nan
            if not (0.0 < value <= 10.0):
                add(f"{where}.properties.security-severity: {score!r} is not a number above 0.0 up to 10.0")
        if "security" not in tags:
            add(f"{where}.properties.tags: a security-severity counts only with the tag 'security'")
    elif "security" in tags:
        add(f"{where}.properties.security-severity: a rule tagged 'security' needs one")
    return problems


def result_problems(result, where, rules, rule_ids, base_ids):
    problems = []
    add = problems.append
    rid = result.get("ruleId")
    if rid not in rule_ids:
        add(f"{where}.ruleId: {rid!r} is no rule of the run")
    elif "ruleIndex" in result and (not isinstance(result["ruleIndex"], int) or result["ruleIndex"] >= len(rules)
                                    or rules[result["ruleIndex"]].get("id") != rid):
        add(f"{where}.ruleIndex: does not point at rule {rid!r}")
    if "level" in result and result["level"] not in LEVELS:
        add(f"{where}.level: {result['level']!r} is none of {sorted(LEVELS)}")
    if not isinstance(text_of(result, "message"), str) or not text_of(result, "message"):
        add(f"{where}.message.text: required")
    if result.get("baselineState", "new") != "new":
        add(f"{where}.baselineState: {result['baselineState']!r} in the upload file (only new results go there)")
    fingerprints = result.get("partialFingerprints")
    if not isinstance(fingerprints, dict) or not isinstance(fingerprints.get("primaryLocationLineHash"), str) \
            or not fingerprints.get("primaryLocationLineHash"):
        add(f"{where}.partialFingerprints.primaryLocationLineHash: required (the only fingerprint GitHub reads)")
    locations = result.get("locations")
    if not isinstance(locations, list) or not locations:
        add(f"{where}.locations: at least one is required")
        return problems
    if len(locations) > MAX_LOCATIONS_PER_RESULT:
        add(f"{where}.locations: more than {MAX_LOCATIONS_PER_RESULT}")
    for i, location in enumerate(locations):
        problems.extend(location_problems(location, f"{where}.locations[{i}]", base_ids))
    return problems


def location_problems(location, where, base_ids):
    problems = []
    add = problems.append
    physical = location.get("physicalLocation")
    if not isinstance(physical, dict):
        return [f"{where}.physicalLocation: required"]
    artifact = physical.get("artifactLocation", {})
    uri = artifact.get("uri")
    if not isinstance(uri, str) or not uri:
        add(f"{where}.physicalLocation.artifactLocation.uri: required")
    else:
        # Relative to the repository root, so that GitHub can match it to a file of the commit.
        if URI_SCHEME.match(uri):
            add(f"{where}.physicalLocation.artifactLocation.uri: {uri!r} is not relative")
        elif not URI_PATH.match(uri):
            add(f"{where}.physicalLocation.artifactLocation.uri: {uri!r} is not a URI path (characters to percent-encode)")
        else:
            why = relative_path_problem(uri)
            if why:
                add(f"{where}.physicalLocation.artifactLocation.uri: {uri!r} {why}")
        # SARIF: a relative URI names its base, and the run defines that base (GitHub's "Relative URI
        # Guidance for SARIF Producers").
        base = artifact.get("uriBaseId")
        if base != "SRCROOT":
            add(f"{where}.physicalLocation.artifactLocation.uriBaseId: {base!r}, not SRCROOT")
        elif base not in base_ids:
            add(f"{where}.physicalLocation.artifactLocation.uriBaseId: {base!r} is not in the run's originalUriBaseIds")
    region = physical.get("region")
    if not isinstance(region, dict) or not isinstance(region.get("startLine"), int) or region["startLine"] < 1:
        add(f"{where}.physicalLocation.region.startLine: required, 1 or more")
        return problems
    for key in ("startColumn", "endColumn"):
        if key in region and (not isinstance(region[key], int) or region[key] < 1):
            add(f"{where}.physicalLocation.region.{key}: must be 1 or more")
    if "endLine" in region and (not isinstance(region["endLine"], int) or region["endLine"] < region["startLine"]):
        add(f"{where}.physicalLocation.region.endLine: before startLine")
    columns = [region.get(key) for key in ("startColumn", "endColumn")]
    if (all(isinstance(c, int) for c in columns) and region.get("endLine", region["startLine"]) == region["startLine"]
            and columns[1] < columns[0]):
        add(f"{where}.physicalLocation.region.endColumn: before startColumn on one line")
    # A context region surrounds its region (SARIF: physicalLocation.contextRegion).
    context = physical.get("contextRegion")
    if context is not None:
        end = region.get("endLine", region["startLine"])
        if (not isinstance(context, dict) or not isinstance(context.get("startLine"), int)
                or not isinstance(context.get("endLine"), int)
                or context["startLine"] > region["startLine"] or context["endLine"] < end):
            add(f"{where}.physicalLocation.contextRegion: does not hold lines {region['startLine']} to {end} of the region")
    return problems


def full_log_problems(doc):
    """Ours for autofix-full.sarif: every result says its baselineState and names a rule of its run."""
    problems = []
    for r, run in enumerate(doc.get("runs", [])):
        ids = {rule.get("id") for rule in run.get("tool", {}).get("driver", {}).get("rules", [])}
        for i, result in enumerate(run.get("results", [])):
            if result.get("baselineState") not in ("new", "unchanged", "absent"):
                problems.append(f"$.runs[{r}].results[{i}].baselineState: required (new, unchanged or absent)")
            if result.get("ruleId") not in ids:
                problems.append(f"$.runs[{r}].results[{i}].ruleId: {result.get('ruleId')!r} is no rule of the run")
    return problems


def code_quality_problems(raw_bytes, schema):
    """Breaches of GitLab's Code Quality rules: its schema per entry, and the fields its documentation requires."""
    if raw_bytes.startswith(b"\xef\xbb\xbf"):
        return ["$: starts with a byte order mark, which GitLab's parser refuses"]
    try:
        doc = json.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return [f"$: not JSON: {e}"]
    if not isinstance(doc, list):
        return ["$: must be a JSON array"]
    problems = []
    add = problems.append
    seen = {}
    for i, entry in enumerate(doc):
        where = f"$[{i}]"
        # GitLab stops reading the report at the first entry its schema refuses.
        problems.extend(f"{where}{p[1:]}" for p in schema_problems(entry, schema))
        if not isinstance(entry, dict):
            continue
        for key in ("description", "check_name", "fingerprint"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                add(f"{where}.{key}: required non-empty string")
        if entry.get("severity") not in CODE_QUALITY_SEVERITIES:
            add(f"{where}.severity: {entry.get('severity')!r} is none of {sorted(CODE_QUALITY_SEVERITIES)}")
        location = entry.get("location") if isinstance(entry.get("location"), dict) else {}
        why = relative_path_problem(location.get("path"))
        if why:
            add(f"{where}.location.path: {location.get('path')!r} {why}")
        begin = location.get("lines", {}).get("begin") if isinstance(location.get("lines"), dict) else None
        if begin is None and isinstance(location.get("positions"), dict):
            begin = location["positions"].get("begin", {}).get("line")
        if not isinstance(begin, int) or isinstance(begin, bool) or begin < 1:
            add(f"{where}.location.lines.begin: required line number, 1 or more")
        fingerprint = entry.get("fingerprint")
        if isinstance(fingerprint, str):
            if fingerprint in seen:
                add(f"{where}.fingerprint: the same as $[{seen[fingerprint]}] (GitLab would show only one)")
            seen.setdefault(fingerprint, i)
    return problems


def read_json(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw, json.loads(raw.decode("utf-8"))


def check_report_dir(directory, schemas):
    """Every problem of the three files in one report directory, each prefixed with its file."""
    sarif_schema = load_schema(schemas, SARIF_SCHEMA)
    gitlab_schema = load_schema(schemas, GITLAB_SCHEMA)
    problems = []
    for name in ("autofix.sarif", "autofix-full.sarif", "gl-code-quality-report.json"):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            problems.append(f"{path}: missing")
            continue
        if name == "gl-code-quality-report.json":
            with open(path, "rb") as f:
                found = code_quality_problems(f.read(), gitlab_schema)
        else:
            raw, doc = read_json(path)
            found = schema_problems(doc, sarif_schema)
            found += github_upload_problems(doc, raw) if name == "autofix.sarif" else full_log_problems(doc)
        problems.extend(f"{path}: {p}" for p in found)
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", required=True, help="the directory of the checked-in schemas (tests/data/schemas)")
    parser.add_argument("dirs", nargs="+", metavar="REPORT_DIR")
    args = parser.parse_args()
    problems = []
    for d in args.dirs:
        problems.extend(check_report_dir(d, args.schemas))
    for p in problems:
        print(p)
    if not problems:
        print(f"check_reports: every file of {len(args.dirs)} report director{'y' if len(args.dirs) == 1 else 'ies'} holds")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
