#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/release.sh on throwaway repositories: the version line, the changelog section, the commit, the
annotated tag it makes and the major tag it moves, and every refusal (exit 2, nothing changed). The project's own CMakeLists.txt and
CHANGELOG.md are used as the starting point, so a change of their shape that the script cannot handle fails here."""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = None


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


class ReleaseTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="release test ")
        self.repo = os.path.join(self.tmp, "repo dir")
        os.makedirs(os.path.join(self.repo, "scripts"))
        for name in ("CMakeLists.txt", "CHANGELOG.md", os.path.join("scripts", "release.sh")):
            shutil.copy2(os.path.join(ROOT, name), os.path.join(self.repo, name))
        env_git = ["-c", "user.name=Release Test", "-c", "user.email=release@example.com"]
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "config", "user.name", "Release Test")
        git(self.repo, "config", "user.email", "release@example.com")
        git(self.repo, "add", "-A")
        git(self.repo, *env_git, "commit", "-q", "-m", "start")
        self.version = self.cmake_version()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def cmake_version(self):
        with open(os.path.join(self.repo, "CMakeLists.txt")) as f:
            for line in f:
                if line.startswith("project(AutofixGate VERSION "):
                    return line.split()[2]
        self.fail("no project(AutofixGate VERSION ...) line")

    def release(self, *args):
        return subprocess.run([os.path.join(self.repo, "scripts", "release.sh"), *args], cwd=self.repo,
                              capture_output=True, text=True)

    def changelog(self):
        with open(os.path.join(self.repo, "CHANGELOG.md")) as f:
            return f.read()

    def state(self):
        return (git(self.repo, "rev-parse", "HEAD"), git(self.repo, "tag", "--list"), git(self.repo, "status", "--porcelain"),
                self.changelog())

    def expect_refused(self, args, message):
        before = self.state()
        r = self.release(*args)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("release: error: " + message, r.stderr)
        self.assertEqual(self.state(), before, "a refusal changed something")

    def add_entry(self, text):
        log = self.changelog().replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- " + text + "\n", 1)
        with open(os.path.join(self.repo, "CHANGELOG.md"), "w") as f:
            f.write(log)
        git(self.repo, "commit", "-q", "-am", "entry")

    def test_first_release_of_the_current_version_then_the_next(self):
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        self.add_entry("a feature")  # the project's own [Unreleased] may be empty right after a release
        unreleased = self.changelog().split("## [Unreleased]\n", 1)[1]
        r = self.release(self.version)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(git(self.repo, "cat-file", "-t", "v" + self.version), "tag")  # annotated
        self.assertEqual(git(self.repo, "rev-parse", "v" + self.version + "^{commit}"), git(self.repo, "rev-parse", "HEAD"))
        major_tag = "v" + self.version.split(".")[0]
        self.assertMajorTag(major_tag, self.version)
        self.assertIn(f"push with: git push origin HEAD v{self.version} && git push --force origin {major_tag}", r.stdout)
        self.assertEqual(git(self.repo, "log", "-1", "--format=%s"), "Release " + self.version)
        self.assertEqual(self.changelog().split("## [Unreleased]\n", 1)[1],
                         "\n## [" + self.version + "] - " + today + "\n" + unreleased)
        self.assertEqual(git(self.repo, "status", "--porcelain"), "")

        self.expect_refused([self.version], "tag v" + self.version + " exists already")
        self.expect_refused(["9.9.9"], "the changelog's [Unreleased] section is empty")
        self.add_entry("a bug")
        major, minor, patch = (int(x) for x in self.version.split("."))
        following = f"{major}.{minor + 1}.0"
        r = self.release(following)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.cmake_version(), following)
        self.assertIn("## [Unreleased]\n\n## [" + following + "] - " + today + "\n\n### Fixed\n- a bug\n", self.changelog())
        # The major tag moved to the newer release of the same major version.
        self.assertMajorTag(major_tag, following)
        self.assertEqual(git(self.repo, "tag", "--list"), "\n".join(sorted({major_tag, "v" + self.version, "v" + following})))
        # A new major version gets a major tag of its own; the old one stays where it was.
        self.add_entry("a break")
        r = self.release(f"{major + 1}.0.0")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertMajorTag(f"v{major + 1}", f"{major + 1}.0.0")
        self.assertMajorTag(major_tag, following)

    def assertMajorTag(self, major, version):
        """The major tag is annotated and points at the commit of vVERSION."""
        self.assertEqual(git(self.repo, "cat-file", "-t", major), "tag")
        self.assertEqual(git(self.repo, "rev-parse", major + "^{commit}"), git(self.repo, "rev-parse", f"v{version}^{{commit}}"))
        self.assertEqual(git(self.repo, "tag", "-l", "--format=%(contents:subject)", major),
                         f"AutofixGate {version} (the latest {major}.y.z release)")

    def test_refusals_change_nothing(self):
        self.expect_refused([], "usage: scripts/release.sh X.Y.Z")
        self.expect_refused(["1.2"], "'1.2' is not a version X.Y.Z")
        self.expect_refused(["v1.2.3"], "'v1.2.3' is not a version X.Y.Z")
        self.expect_refused(["01.2.3"], "'01.2.3' is not a version X.Y.Z")
        self.expect_refused(["0.0.0"], "0.0.0 is older than the current version " + self.version)
        with open(os.path.join(self.repo, "notes.txt"), "w") as f:
            f.write("uncommitted\n")
        self.expect_refused(["9.9.9"], "the work tree has uncommitted changes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    args, rest = parser.parse_known_args()
    ROOT = os.path.abspath(args.root)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
