# SPDX-License-Identifier: MIT
"""The layer checker catches each kind of breach of docs/architecture.md's rule, and only those."""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

CHECKER = Path(__file__).resolve().parent / "check_layers.py"


def tree(files: dict[str, str]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="layers test "))
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def check(files: dict[str, str]) -> tuple[int, str]:
    r = subprocess.run([sys.executable, "-B", str(CHECKER), str(tree(files))], capture_output=True, text=True)
    return r.returncode, r.stderr


class CheckLayers(unittest.TestCase):
    def test_a_tree_that_follows_the_rule_passes(self):
        code, err = check({
            "gate/util/error.h": "#pragma once\n#include <string>\n",
            "gate/results/model.h": '#include "gate/util/error.h"\n',
            "gate/git/repo.cpp": '#include <git2.h>\n#include "gate/results/model.h"\n',
            "runners/process.cpp": '#include "gate/util/error.h"\n#include "runners/process.h"\n',
            "runners/process.h": "#pragma once\n",
            "gate/judge/judge.cpp": '#include "gate/policy/rule.h"\n#include "runners/process.h"\n',
            "gate/policy/rule.h": '#include "gate/git/repo.h"\n',
            "gate/git/repo.h": "#pragma once\n",
            "gate/cli/main.cpp": '#include "gate/run/attempt.h"\n',
            "gate/run/attempt.h": '#include "gate/judge/judge.h"\n',
            "gate/judge/judge.h": "#pragma once\n",
        })
        self.assertEqual((code, err), (0, ""))

    def test_an_include_upwards_is_named_with_what_the_folder_may_use(self):
        code, err = check({"runners/gitleaks.cpp": '#include "gate/policy/config.h"\n',
                           "gate/policy/config.h": "#pragma once\n"})
        self.assertEqual(code, 1)
        self.assertIn('check_layers: runners/gitleaks.cpp: includes "gate/policy/config.h": runners may not use '
                      "gate/policy (it may use: gate/results, gate/util)", err)
        self.assertIn("1 breach(es)", err)

    def test_siblings_may_not_include_each_other(self):
        code, err = check({"gate/state/journal.cpp": '#include "gate/policy/config.h"\n',
                           "gate/policy/config.h": "#pragma once\n",
                           "reporters/sarif.cpp": '#include "runners/process.h"\n',
                           "runners/process.h": "#pragma once\n"})
        self.assertEqual(code, 1)
        self.assertIn("gate/state may not use gate/policy", err)
        self.assertIn("reporters may not use runners", err)

    def test_git2_outside_git_and_snapshot_is_refused(self):
        code, err = check({"gate/judge/tiers.h": "#include <git2.h>\n",
                           "gate/state/vault.cpp": "#include <git2/sys/odb_backend.h>\n",
                           "gate/snapshot/store.cpp": "#include <git2.h>\n"})
        self.assertEqual(code, 1)
        self.assertIn("gate/judge/tiers.h: includes <git2.h>", err)
        self.assertIn("gate/state/vault.cpp: includes <git2/sys/odb_backend.h>", err)
        self.assertNotIn("gate/snapshot/store.cpp", err)

    def test_a_libgit2_call_outside_git_and_snapshot_is_refused_but_our_members_are_not(self):
        code, err = check({"gate/run/attempt.cpp": "void f() { git_index_write(i); // git_commit_create( in a comment\n"
                                                    "  auto d = repo.git_dir(); auto e = r->git_dir(); }\n",
                           "gate/git/commit.cpp": "void g() { git_commit_create(x); }\n"})
        self.assertEqual(code, 1)
        self.assertIn("gate/run/attempt.cpp: calls libgit2 (git_index_write); only gate/git/ and gate/snapshot/ do", err)
        self.assertNotIn("git_dir", err)
        self.assertNotIn("gate/git/commit.cpp", err)
        self.assertIn("1 breach(es)", err)

    def test_a_file_level_cycle_is_refused_even_inside_one_folder(self):
        code, err = check({"runners/a.h": "#pragma once\n", "runners/a.cpp": '#include "runners/b.h"\n',
                           "runners/b.h": '#include "runners/a.h"\n'})
        self.assertEqual(code, 1)
        self.assertIn("include cycle between files: runners/a -> runners/b -> runners/a", err)

    def test_a_folder_outside_the_rule_is_refused(self):
        code, err = check({"gate/batch/batch.cpp": "int x;\n", "gate/loose.cpp": "int y;\n"})
        self.assertEqual(code, 1)
        self.assertIn("gate/batch/batch.cpp: not in a folder of the rule", err)
        self.assertIn("gate/loose.cpp: not in a folder of the rule", err)

    def test_an_include_of_a_missing_project_header_is_named(self):
        code, err = check({"gate/run/attempt.cpp": '#include "gate/judge/pipeline.h"\n'})
        self.assertEqual(code, 1)
        self.assertIn('includes "gate/judge/pipeline.h", which does not exist', err)


if __name__ == "__main__":
    unittest.main()
