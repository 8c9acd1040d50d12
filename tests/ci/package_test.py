#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Debian package (docs/packaging.md), the man page and the shell completions, from an already built tree.

  PackageBuild      cpack -G DEB from the build directory into --deb-dir (the fixture of the next three)
  PackageContents   dpkg-deb --info / --contents: the exact paths, modes and the Depends/Recommends lines
  PackageLintian    lintian: any error fails, warnings are printed
  PackageInstalled  dpkg -x into a throwaway root: that binary's --version, an accepted and a rejected fix on a
                    compiler-less CMake project, and find_package(AutofixGate) with CMAKE_PREFIX_PATH=<root>/usr
  ManPage           the generated autofix-gate(1): man --warnings says nothing; it names every subcommand and exit code
  Completions       bash (complete -p, scripted completions with COMP_WORDS/COMP_CWORD) and zsh (the function with
                    compadd stood in), every subcommand and option of the binary's --help offered

    package_test.py --root SOURCE_DIR --build-dir BUILD_DIR --deb-dir DIR --gate AUTOFIX_GATE [unittest arguments]
"""
import argparse
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = BUILD = DEB_DIR = GATE = None
VERSION = None


def run(args, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(args, **kwargs)


def checked(args, **kwargs):
    r = run(args, **kwargs)
    if r.returncode != 0:
        raise AssertionError(f"{args} exited {r.returncode}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}")
    return r.stdout


def the_deb():
    debs = glob.glob(os.path.join(DEB_DIR, "*.deb"))
    if len(debs) != 1:
        raise AssertionError(f"expected one .deb in {DEB_DIR} (made by PackageBuild), found {debs}")
    return debs[0]


def multiarch():
    return checked(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"]).strip()


def help_tree(words=()):
    """{path: (subcommands, options)} from the binary's --help, walked recursively (CLI11's layout)."""
    text = checked([GATE, *words, "--help"])
    section, subs, options = None, [], []
    for line in text.splitlines():
        m = re.match(r"^(Options|Positionals|Subcommands):$", line)
        if m:
            section = m.group(1)
        elif not line:
            section = None
        elif section == "Subcommands":
            subs.append(line.split()[0])
        elif section == "Options" and re.match(r"^  -", line):
            options += line.split()[0].split(",")
    tree = {" ".join(words): (subs, options)}
    for sub in subs:
        tree.update(help_tree((*words, sub)))
    return tree


class PackageBuild(unittest.TestCase):
    def test_cpack_makes_one_deb(self):
        shutil.rmtree(DEB_DIR, ignore_errors=True)
        os.makedirs(DEB_DIR)
        checked(["cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", DEB_DIR])
        arch = checked(["dpkg", "--print-architecture"]).strip()
        self.assertEqual([os.path.basename(p) for p in glob.glob(os.path.join(DEB_DIR, "*.deb"))],
                         [f"autofix-gate_{VERSION}_{arch}.deb"])


class PackageContents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = the_deb()
        cls.entries = {}
        for line in checked(["dpkg-deb", "--contents", cls.deb]).splitlines():
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            path = path.split(" -> ")[0]
            cls.entries[path.removeprefix("./").rstrip("/") or "."] = (mode, owner)

    def files(self):
        return {p for p, (mode, _) in self.entries.items() if not mode.startswith("d")}

    def test_control_fields(self):
        fields = {}
        for line in checked(["dpkg-deb", "--field", self.deb]).splitlines():
            if not line.startswith(" "):
                key, _, value = line.partition(": ")
                fields[key] = value
        self.assertEqual(fields["Package"], "autofix-gate")
        self.assertEqual(fields["Version"], VERSION)
        self.assertEqual(fields["Section"], "devel")
        self.assertEqual(fields["Recommends"], "clang-tidy, cppcheck")
        depends = [d.strip() for d in fields["Depends"].split(",")]
        names = [d.split()[0] for d in depends]
        # cmake and git, and what dpkg-shlibdeps found for the libraries the binary links.
        for name in ("cmake", "git", "libc6", "libstdc++6", "libgcc-s1", "zlib1g"):
            self.assertIn(name, names, fields["Depends"])
        self.assertTrue(any(n.startswith("libgit2-") for n in names), fields["Depends"])
        self.assertTrue(all(re.fullmatch(r"[a-z0-9.+-]+( \((>=|=) [^)]+\))?", d) for d in depends), fields["Depends"])
        info = checked(["dpkg-deb", "--info", self.deb])
        self.assertIn(" Depends: " + fields["Depends"] + "\n", info)

    def test_exact_files(self):
        arch = multiarch()
        cmake_dir = f"usr/lib/{arch}/cmake/AutofixGate"
        doc = "usr/share/doc/autofix-gate"
        expected = {
            "usr/bin/autofix-gate",
            f"{cmake_dir}/AutofixGate.cmake", f"{cmake_dir}/AutofixGateConfig.cmake",
            f"{cmake_dir}/AutofixGateConfigVersion.cmake", f"{cmake_dir}/AutofixGateTargets.cmake",
            "usr/share/man/man1/autofix-gate.1.gz",
            "usr/share/bash-completion/completions/autofix-gate",
            "usr/share/zsh/vendor-completions/_autofix-gate",
            f"{doc}/copyright", f"{doc}/changelog.gz", f"{doc}/README.md",
        }
        for folder in ("docs", "examples"):
            for base, _dirs, names in os.walk(os.path.join(ROOT, folder)):
                for name in names:
                    if name == ".gitignore":
                        continue  # left out: lintian's package-contains-vcs-control-file
                    expected.add(f"{doc}/{os.path.relpath(os.path.join(base, name), ROOT)}")
        files = self.files()
        per_config = {p for p in files if re.fullmatch(re.escape(cmake_dir) + r"/AutofixGateTargets-[a-z]+\.cmake", p)}
        self.assertEqual(len(per_config), 1, sorted(files))
        self.assertEqual(sorted(files - per_config), sorted(expected))

    def test_modes_and_owner(self):
        for path, (mode, owner) in self.entries.items():
            self.assertEqual(owner, "root/root", path)
            if mode.startswith("d"):
                self.assertEqual(mode, "drwxr-xr-x", path)
            elif path == "usr/bin/autofix-gate":
                self.assertEqual(mode, "-rwxr-xr-x", path)
            else:
                self.assertEqual(mode, "-rw-r--r--", path)


class PackageLintian(unittest.TestCase):
    def test_no_lintian_error(self):
        r = run(["lintian", "--info", "--display-info", "--no-tag-display-limit", the_deb()])
        lines = (r.stdout + r.stderr).splitlines()
        for line in lines:
            if line.startswith(("W:", "I:", "N:")) and not line.startswith("N:   "):
                print("lintian:", line)
        errors = [line for line in lines if line.startswith("E:")]
        self.assertEqual(errors, [], "lintian errors:\n" + "\n".join(errors))
        self.assertIn(r.returncode, (0, 1), r.stderr)


FILEREAD_CMAKE = """cmake_minimum_required(VERSION 3.20)
project(packaged LANGUAGES NONE)
enable_testing()
add_test(NAME value_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/value.conf")
add_test(NAME other_is_ok COMMAND grep -qx ok "${CMAKE_CURRENT_SOURCE_DIR}/other.conf")
"""

CONSUMER_CMAKE = """cmake_minimum_required(VERSION 3.25)
project(PackagedConsumer LANGUAGES CXX)
find_package(AutofixGate @MAJOR_MINOR@ REQUIRED)
include(AutofixGate)
get_target_property(location AutofixGate::autofix-gate LOCATION)
message(STATUS "AutofixGate_DIR=${AutofixGate_DIR}")
message(STATUS "runner=${location}")
if(NOT COMMAND autofix_gate_add_tier)
  message(FATAL_ERROR "include(AutofixGate) defined no autofix_gate_add_tier")
endif()
"""


def patch(file, before, after):
    return f"diff --git a/{file} b/{file}\n--- a/{file}\n+++ b/{file}\n@@ -1 +1 @@\n-{before}\n+{after}\n"


class PackageInstalled(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="package test ")
        cls.root = os.path.join(cls.tmp, "package root")
        checked(["dpkg", "-x", the_deb(), cls.root])
        cls.gate = os.path.join(cls.root, "usr", "bin", "autofix-gate")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_version(self):
        lines = checked([self.gate, "--version"]).splitlines()
        self.assertEqual(lines[0], f"autofix-gate {VERSION}")
        self.assertEqual([line.split(":")[0] for line in lines[1:]], ["commit", "libgit2", "Boost", "compiler"])
        self.assertEqual(json.loads(checked([self.gate, "--version", "--json"]))["version"], VERSION)

    def test_accepted_and_rejected_fix(self):
        repo = os.path.join(self.tmp, "fix repo")
        os.makedirs(repo)
        files = {"CMakeLists.txt": FILEREAD_CMAKE, "value.conf": "bad\n", "other.conf": "ok\n", ".gitignore": "build/\n",
                 "autofix-gate.json": '{"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]}'}
        for name, text in files.items():
            with open(os.path.join(repo, name), "w") as f:
                f.write(text)
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_AUTHOR_NAME="pkg",
                   GIT_AUTHOR_EMAIL="pkg@example.invalid", GIT_COMMITTER_NAME="pkg", GIT_COMMITTER_EMAIL="pkg@example.invalid")
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "value.conf is wrong"]):
            checked(["git", *args], cwd=repo, env=env)
        good = os.path.join(self.tmp, "good fix.diff")
        bad = os.path.join(self.tmp, "bad fix.diff")
        with open(good, "w") as f:
            f.write(patch("value.conf", "bad", "ok"))
        with open(bad, "w") as f:
            f.write(patch("value.conf", "bad", "ok") + patch("other.conf", "ok", "broken"))

        def attempt(diff):
            r = run([self.gate, "attempt", "-j", "2", "--flaky-reruns", "0", "--patch", diff], cwd=repo, env=env, timeout=300)
            with open(os.path.join(repo, "build", "autofix", "latest", "report.json")) as f:
                return r, json.load(f)

        head = checked(["git", "rev-parse", "HEAD"], cwd=repo, env=env)
        r, report = attempt(bad)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(report["verdict"], "rejected")
        self.assertEqual(checked(["git", "status", "--porcelain"], cwd=repo, env=env), "")
        r, report = attempt(good)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(report["verdict"], "accepted")
        self.assertEqual(checked(["git", "rev-parse", "HEAD"], cwd=repo, env=env), head)
        branches = checked(["git", "branch", "--list", "autofix/*", "--format=%(refname:short)"], cwd=repo, env=env).split()
        self.assertEqual(len(branches), 1, branches)
        self.assertEqual(checked(["git", "show", f"{branches[0]}:value.conf"], cwd=repo, env=env), "ok\n")

    def test_find_package(self):
        project = os.path.join(self.tmp, "consumer project")
        os.makedirs(project)
        with open(os.path.join(project, "CMakeLists.txt"), "w") as f:
            f.write(CONSUMER_CMAKE.replace("@MAJOR_MINOR@", ".".join(VERSION.split(".")[:2])))
        out = checked(["cmake", "-S", project, "-B", os.path.join(self.tmp, "consumer build"),
                       f"-DCMAKE_PREFIX_PATH={self.root}/usr"])
        self.assertIn(f"-- AutofixGate_DIR={self.root}/usr/lib/{multiarch()}/cmake/AutofixGate\n", out)
        self.assertIn(f"-- runner={self.gate}\n", out)


class ManPage(unittest.TestCase):
    def test_no_warnings_and_every_subcommand(self):
        page = os.path.join(BUILD, "packaging", "autofix-gate.1")
        r = run(["man", "--warnings", "-E", "UTF-8", "-l", page], env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        text = re.sub(r".\x08", "", r.stdout)
        self.assertIn("autofix-gate - snapshot, verify and accept or roll back automated fixes", text)
        headings = re.findall(r"^   (\S.*)$", text, re.M)
        paths = [p for p in help_tree() if p]
        self.assertEqual(headings, paths)
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS", "FILES"):
            self.assertRegex(text, rf"(?m)^{section}$")
        exit_status = text.split("\nEXIT STATUS\n")[1].split("\nFILES\n")[0]
        self.assertEqual(re.findall(r"(?m)^       (\d\S*)", exit_status), ["0", "1", "2", "3", "4", "5", "6", "128+N"])
        with gzip.open(page + ".gz", "rt") as f, open(page) as g:
            self.assertEqual(f.read(), g.read())


BASH_COMPLETE = r"""
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_autofix_gate
(( ${#COMPREPLY[@]} == 0 )) || printf '%s\n' "${COMPREPLY[@]}"
"""

ZSH_COMPLETE = r"""
compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@"; }
_files() { print -r -- "<files>"; }
_directories() { print -r -- "<directories>"; }
_message() { print -r -- "<message: $*>"; }
_normal() { print -r -- "<normal: $words>"; }
compset() { :; }
file=$1; shift
words=("$@"); CURRENT=$#
source "$file"
"""


class Completions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="completion test ")
        cls.bash_file = os.path.join(BUILD, "packaging", "autofix-gate.bash")
        cls.zsh_file = os.path.join(BUILD, "packaging", "_autofix-gate")
        cls.repo = os.path.join(cls.tmp, "snap repo")
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_AUTHOR_NAME="c",
                   GIT_AUTHOR_EMAIL="c@example.invalid", GIT_COMMITTER_NAME="c", GIT_COMMITTER_EMAIL="c@example.invalid")
        os.makedirs(cls.repo)
        checked(["git", "init", "-q", "-b", "main"], cwd=cls.repo, env=env)
        checked(["git", "commit", "-q", "--allow-empty", "-m", "start"], cwd=cls.repo, env=env)
        cls.snapshots = [checked([GATE, "snapshot"], cwd=cls.repo, env=env).strip() for _ in range(2)]
        bindir = os.path.join(cls.tmp, "bin")
        os.makedirs(bindir)
        os.symlink(GATE, os.path.join(bindir, "autofix-gate"))
        cls.env = dict(env, PATH=bindir + os.pathsep + os.environ["PATH"])
        cls.tree = help_tree()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def bash(self, *words, cwd=None):
        return checked(["bash", "-c", BASH_COMPLETE, "complete", self.bash_file, "autofix-gate", *words],
                       cwd=cwd or self.repo, env=self.env).splitlines()

    def zsh(self, *words, cwd=None):
        return checked(["zsh", "-f", "-c", ZSH_COMPLETE, "complete", self.zsh_file, "autofix-gate", *words],
                       cwd=cwd or self.repo, env=self.env).splitlines()

    def test_bash_registration(self):
        out = checked(["bash", "-c", 'source "$1"; complete -p autofix-gate', "_", self.bash_file])
        self.assertEqual(out, "complete -F _autofix_gate autofix-gate\n")

    def test_zsh_compdef(self):
        with open(self.zsh_file) as f:
            self.assertEqual(f.readline(), "#compdef autofix-gate\n")
        checked(["zsh", "-n", self.zsh_file])

    def test_scripted(self):
        subcommands = self.tree[""][0]
        for complete in (self.bash, self.zsh):
            with self.subTest(shell=complete.__name__):
                self.assertEqual(complete(""), subcommands)
                self.assertEqual(complete("snapshots", ""), ["list", "drop", "prune"])
                self.assertEqual(complete("checkpoints", ""), ["list", "show", "validate", "restore", "cleanup"])
                self.assertEqual(complete("restore", ""), self.snapshots)
                self.assertEqual(complete("snapshots", "drop", ""), self.snapshots)
                self.assertEqual(complete("-C", self.repo, "restore", "--json", ""), self.snapshots)
                self.assertEqual(complete("batch", "--strategy", ""),
                                 ["all_or_nothing", "best_effort", "checkpoint", "continue_on_error"])
        report = os.path.join(self.tmp, "a report.json")
        with open(report, "w") as f:
            json.dump({"tiers": [{"name": "unit"}, {"name": "static"}]}, f)
        self.assertEqual(self.bash("tier-status", "--report", report, "--tier", ""), ["unit", "static"])
        self.assertEqual(self.bash("tier-status", "--report", report, "--tier", "s"), ["static"])
        self.assertEqual(self.zsh("tier-status", "--report", report, "--tier", ""), ["unit", "static"])
        self.assertEqual(self.bash("tier-status", "--tier", ""), [])
        self.assertEqual(self.bash("attempt", "--on-accept", ""), ["branch", "keep", "commit"])
        self.assertEqual(self.bash("attempt", "--on-accept", "=", "k"), ["keep"])
        self.assertEqual(self.bash("sn"), ["snapshot", "snapshots"])
        self.assertEqual(self.bash("attempt", "-j", "2", "--dr"), ["--dry-run"])
        self.assertEqual(self.bash("attempt", "--timeout", ""), [])
        self.assertEqual(self.bash("attempt", "--patch", "x", "--", "autofix-ga"), ["autofix-gate"])
        self.assertEqual(self.zsh("attempt", "--on-accept=k"), ["branch", "keep", "commit"])
        self.assertEqual(self.zsh("attempt", "--patch", ""), ["<files>"])
        self.assertEqual(self.zsh("attempt", "--build-dir", ""), ["<directories>"])
        self.assertEqual(self.zsh("attempt", "--timeout", ""), ["<message: value of --timeout>"])
        self.assertEqual(self.zsh("attempt", "--patch", "x", "--", "ec"), ["<normal: ec>"])
        self.assertEqual(self.zsh("merge", "--json", ""), ["<files>"])
        self.assertEqual(self.zsh("tier-status", "--tier", ""), ["<message: value of --tier>"])

    def test_every_subcommand_and_option_offered(self):
        for path, (subs, options) in self.tree.items():
            words = path.split() if path else []
            with self.subTest(command=path):
                self.assertEqual(self.bash(*words, "-"), options)
                self.assertEqual(self.zsh(*words, "-"), options)
                if subs:
                    self.assertEqual(self.bash(*words, ""), subs)


def main():
    global ROOT, BUILD, DEB_DIR, GATE, VERSION
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--deb-dir", required=True)
    parser.add_argument("--gate", required=True)
    args, rest = parser.parse_known_args()
    ROOT, BUILD, DEB_DIR, GATE = (os.path.abspath(p) for p in (args.root, args.build_dir, args.deb_dir, args.gate))
    VERSION = checked([GATE, "--version"]).splitlines()[0].split()[1]
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
