#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Validates JSON documents against a JSON Schema (draft 2020-12) with python3-jsonschema (Debian package).

    validate_json.py SCHEMA DOCUMENT...

Prints one line per problem, "<document>: <JSON path>: <message>", and exits 1 when a document is not
valid; 0 when every one is. Exits 2, saying why, when the schema is not a valid schema, a file cannot be
read or is not JSON, or jsonschema is not installed: a check that could not run never passes.
"""
import json
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read it as JSON: {e}", file=sys.stderr)
        sys.exit(2)


def where(error):
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return path.lstrip(".") or "(the document)"


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed (scripts/install-deps.sh installs it)", file=sys.stderr)
        return 2
    schema = load(argv[1])
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{argv[1]}: not a valid JSON Schema: {e.message}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    invalid = False
    for path in argv[2:]:
        errors = sorted(validator.iter_errors(load(path)), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        for e in errors:
            print(f"{path}: {where(e)}: {e.message}")
        invalid = invalid or bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
