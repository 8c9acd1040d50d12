// SPDX-License-Identifier: MIT
#pragma once
// Applying a candidate fix given as a git patch, through libgit2 only, refusing anything unsafe
// before the work tree is touched.
//
// What is accepted: the output of `git diff` / `git format-patch` (text hunks; binary changes made
// with `git diff --binary`), with a/ and b/ prefixes. Changes: add, delete, modify, rename, copy,
// and a change between modes 100644 and 100755.
//
// What is refused, with PatchRefused (an Error of kind usage) naming the file, the line of the patch or the hunk, and a hint:
//   - an empty or whitespace-only patch, a NUL byte, text with no `diff --git` file header, a plain
//     `diff -u` patch, a combined diff (`diff --cc`), headers with CRLF line ends, a hunk whose body
//     is shorter or longer than its @@ header counts, anything libgit2's parser rejects;
//   - a path that is absolute, has a `..`, `.` or empty component, lies in `.git` (any letter case,
//     any depth, also `.git.` / `git~1` spellings), contains a control character or a backslash,
//     or lacks its a/ b/ prefix;
//   - symbolic links and submodules anywhere in the change: a delta whose mode is 120000 or
//     160000, a target that is a link in the work tree, a parent directory that is a link (the
//     write would go through it), a parent that is a nested repository (has its own .git);
//   - a file that must exist but does not (modify, delete, rename or copy source), or must not exist
//     but does (add, rename or copy target); a parent that is a file; the same path in two file
//     entries; one path used both as a file and as a directory;
//   - a deletion whose removed lines are not the whole file (libgit2 never compares them); a hunk
//     whose context and removed lines are not in the file; old-mode lines that contradict the work
//     tree; a binary change without data (`Binary files ... differ`), without an index line,
//     without full object ids, or made against other content than the work tree's;
//   - a file or directory the process cannot write (access()), so that libgit2 does not stop halfway.
// Also refused, with Error(repository_state): a repository that is not idle (Repository::require_idle).
//
// The text libgit2 applies is the patch with a few things made explicit, as `git apply` reads them:
//   - a hunk whose context sits at another line than its header says is applied where the context
//     is (the nearest exact match after the previous hunk, never fuzzy); PatchFile::hunks_at_offset
//     counts them (libgit2 1.5 only tries the line the header names);
//   - a modify, rename or copy without old/new mode lines keeps the file's mode in the work tree
//     (libgit2 alone writes 100644, or the index line's mode, dropping the executable bit or
//     stopping halfway with a checkout conflict);
//   - names with blanks are quoted, and an empty file added or deleted gets a "-- " separator:
//     libgit2 1.5 cannot parse either form of valid `git diff` output, and an unparsed name once
//     crashed git_apply (NULL path).
//
// Notes on libgit2 1.5: the dry run (GIT_APPLY_CHECK) writes the postimage blobs into the object
// database (unreferenced; gc removes them); the real apply takes .git/index.lock and rewrites
// .git/index (same entries), and writes the work tree file by file, so a failure midway (disk full)
// leaves the files before it changed: the caller's snapshot must roll back.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gate/git/repository.h"
#include "gate/util/error.h"

namespace autofix::git {

struct PatchFile {
  enum class Change { added, deleted, modified, renamed, copied, mode_changed };
  std::string old_path;  // for an add, the new path
  std::string new_path;  // for a delete, the old path
  Change change = Change::modified;
  uint32_t old_mode = 0;  // 0100644 or 0100755; 0 for an add. Taken from the work tree when the patch names none.
  uint32_t new_mode = 0;  // 0100644 or 0100755; 0 for a delete
  size_t hunks = 0;
  bool binary = false;
  size_t lines_added = 0, lines_deleted = 0;
  size_t hunks_at_offset = 0;  // hunks applied where their context was found, not where the header said
};

// A patch the gate will not apply (malformed, unsafe, or not applying to the work tree): the fix is
// rejected with this message, and nothing was changed. Its kind is usage, so that where it is not caught
// as a refusal (a patch given to a command that only reads it) it still exits 2.
class PatchRefused : public Error {
 public:
  PatchRefused(std::string message, std::string hint) : Error(ErrorKind::usage, std::move(message), std::move(hint)) {}
};

struct PatchSummary {
  std::vector<PatchFile> files;  // in the order of the patch
  size_t lines_added = 0, lines_deleted = 0;
};

// Parses and validates `patch_text` against the work tree, and dry-runs it with libgit2. Changes
// nothing in the work tree or the index. Throws PatchRefused as listed above.
PatchSummary check_patch(const Repository& repo, std::string_view patch_text);

// check_patch, then applies the patch to the work tree only (the index is not staged). Throws
// Error(git) when libgit2 fails midway; files written before the failure stay written.
PatchSummary apply_patch(const Repository& repo, std::string_view patch_text);

// The same checks as check_patch, made against the files of `tree` instead of the work tree, and the
// patch applied to that tree in memory (git_apply_to_tree): returns the resulting tree, stored in the
// object database. The work tree and the index are not touched. Throws PatchRefused as check_patch does.
// A batch step computes its content so, and then writes only the files that differ (gate/run/batch.cpp).
git_oid apply_patch_to_tree(const Repository& repo, const git_oid& tree, std::string_view patch_text);

// "3 files changed, +10 -2: mathlib/mathlib.cpp (modified), a.txt -> b.txt (renamed), ..."
// (at most 20 files are named, then "and N more").
std::string describe(const PatchSummary& summary);

const char* to_string(PatchFile::Change change) noexcept;

}  // namespace autofix::git
