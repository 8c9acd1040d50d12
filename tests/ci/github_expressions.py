# SPDX-License-Identifier: MIT
"""GitHub Actions expressions (`${{ ... }}` and `if:`), enough of them to run our workflow in a test:
literals, contexts with `.name`, `['name']` and `.*` filters, ! == != < <= > >= && ||, and the functions
contains, startsWith, endsWith, join, format, toJSON, fromJSON, hashFiles and the status functions.
Semantics follow GitHub's documentation: case-insensitive string comparison, `||`/`&&` return an
operand, loose equality that converts to numbers. Anything else raises ExpressionError: a test never
guesses what GitHub would do."""
import glob
import hashlib
import json
import math
import os
import re


class ExpressionError(Exception):
    pass


class Filtered(list):
    """The result of a `.*` filter: a following `.name` applies to every element."""


TOKEN = re.compile(r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])"
                   r"|(?P<id>[A-Za-z_][A-Za-z0-9_-]*))")


def tokenize(text):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"cannot read the expression at {text[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    return tokens


def truthy(v):
    if v is None or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0 and not math.isnan(v)
    if isinstance(v, str):
        return v != ""
    return True


def to_number(v):
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return float(v.strip()) if v.strip() else 0
        except ValueError:
            return math.nan
    return math.nan


def equal(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b) and not isinstance(a, (int, float)):
        return a is b if isinstance(a, (dict, list)) else a == b
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return to_number(a) == to_number(b)


def to_string(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v, indent=2)
    return str(v)


class Evaluator:
    """evaluate(text, context): context maps names (github, env, vars, needs, ...) to values; `status`
    is 'success' or 'failure' for the status functions; `workspace` for hashFiles."""

    def __init__(self, context, status="success", workspace=None):
        self.context = context
        self.status = status
        self.workspace = workspace

    def evaluate(self, text):
        self.tokens = tokenize(text)
        self.pos = 0
        value = self.parse_or()
        if self.pos != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.pos][1]!r} in {text!r}")
        return value

    def peek(self, *values):
        return self.pos < len(self.tokens) and self.tokens[self.pos][0] == "op" and self.tokens[self.pos][1] in values

    def take(self, value):
        if not self.peek(value):
            raise ExpressionError(f"expected {value!r}")
        self.pos += 1

    def parse_or(self):
        left = self.parse_and()
        while self.peek("||"):
            self.pos += 1
            right = self.parse_and()
            left = left if truthy(left) else right
        return left

    def parse_and(self):
        left = self.parse_eq()
        while self.peek("&&"):
            self.pos += 1
            right = self.parse_eq()
            left = right if truthy(left) else left
        return left

    def parse_eq(self):
        left = self.parse_cmp()
        while self.peek("==", "!="):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self.parse_cmp()
            left = equal(left, right) if op == "==" else not equal(left, right)
        return left

    def parse_cmp(self):
        left = self.parse_unary()
        while self.peek("<", "<=", ">", ">="):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self.parse_unary()
            a, b = to_number(left), to_number(right)
            left = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return left

    def parse_unary(self):
        if self.peek("!"):
            self.pos += 1
            return not truthy(self.parse_unary())
        return self.parse_postfix()

    def parse_postfix(self):
        value = self.parse_primary()
        while True:
            if self.peek("."):
                self.pos += 1
                if self.peek("*"):
                    self.pos += 1
                    value = Filtered(value.values() if isinstance(value, dict) else value if isinstance(value, list) else [])
                    continue
                kind, name = self.tokens[self.pos]
                if kind != "id":
                    raise ExpressionError(f"expected a property name, got {name!r}")
                self.pos += 1
                value = self.index(value, name)
            elif self.peek("["):
                self.pos += 1
                key = self.parse_or()
                self.take("]")
                value = self.index(value, key)
            else:
                return value

    @staticmethod
    def index(value, key):
        if isinstance(value, Filtered):
            return Filtered(v for v in (Evaluator.index(item, key) for item in value) if v is not None)
        if isinstance(value, dict):
            if isinstance(key, str):
                for k, v in value.items():
                    if k.lower() == key.lower():
                        return v
            return None
        if isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
            return value[int(key)] if 0 <= int(key) < len(value) else None
        return None

    def parse_primary(self):
        if self.pos >= len(self.tokens):
            raise ExpressionError("the expression ends too early")
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "op" and text == "(":
            value = self.parse_or()
            self.take(")")
            return value
        if kind == "id":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek("("):
                self.pos += 1
                args = []
                while not self.peek(")"):
                    args.append(self.parse_or())
                    if not self.peek(")"):
                        self.take(",")
                self.take(")")
                return self.call(text, args)
            for name, value in self.context.items():
                if name.lower() == text.lower():
                    return value
            raise ExpressionError(f"unknown context {text!r}")
        raise ExpressionError(f"unexpected {text!r}")

    def call(self, name, args):
        name = name.lower()
        if name == "contains":
            search, item = args
            if isinstance(search, list):
                return any(equal(x, item) for x in search)
            return to_string(item).lower() in to_string(search).lower()
        if name == "startswith":
            return to_string(args[0]).lower().startswith(to_string(args[1]).lower())
        if name == "endswith":
            return to_string(args[0]).lower().endswith(to_string(args[1]).lower())
        if name == "join":
            sep = to_string(args[1]) if len(args) > 1 else ","
            return sep.join(to_string(x) for x in args[0]) if isinstance(args[0], list) else to_string(args[0])
        if name == "format":
            out = to_string(args[0])
            for i, a in enumerate(args[1:]):
                out = out.replace("{" + str(i) + "}", to_string(a))
            return out
        if name == "tojson":
            return json.dumps(args[0], indent=2)
        if name == "fromjson":
            return json.loads(to_string(args[0]))
        if name == "hashfiles":
            files = sorted(f for pattern in args for f in glob.glob(os.path.join(self.workspace, to_string(pattern)))
                           if os.path.isfile(f))
            if not files:
                return ""
            digest = hashlib.sha256()
            for f in files:
                with open(f, "rb") as fh:
                    digest.update(hashlib.sha256(fh.read()).digest())
            return digest.hexdigest()
        if name == "success":
            return self.status == "success"
        if name == "failure":
            return self.status == "failure"
        if name == "always":
            return True
        if name == "cancelled":
            return False
        raise ExpressionError(f"unknown function {name}()")


STATUS_FUNCTION = re.compile(r"\b(success|failure|always|cancelled)\s*\(", re.IGNORECASE)
TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def condition(text, evaluator):
    """An `if:` value: an expression with or without ${{ }}; without a status function it means
    `success() && (...)`."""
    if isinstance(text, bool):
        return text
    text = text.strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.DOTALL)
    if m:
        text = m.group(1)
    if not STATUS_FUNCTION.search(text):
        text = f"success() && ({text})"
    return truthy(evaluator.evaluate(text))


def substitute(value, evaluator):
    """Every ${{ }} in a string (recursively in lists and dicts) replaced by its value. A string that is
    exactly one ${{ }} keeps the value's type (a matrix list from fromJSON, a boolean)."""
    if isinstance(value, dict):
        return {k: substitute(v, evaluator) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, evaluator) for v in value]
    if not isinstance(value, str):
        return value
    m = re.fullmatch(r"\s*\$\{\{(.*?)\}\}\s*", value, re.DOTALL)
    if m:
        return evaluator.evaluate(m.group(1))
    return TEMPLATE.sub(lambda m: to_string(evaluator.evaluate(m.group(1))), value)
