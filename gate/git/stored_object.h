// SPDX-License-Identifier: MIT
#pragma once
// Loose objects written without compression, for large objects that are written once and read at most
// once (the saved index file, the rollback's private copy). libgit2's object writer deflates at zlib's
// default level and hashes the content a second time; for a 9 MB index that costs more than the rest of
// a snapshot. This writes the exact loose format git reads ("<type> <size>\0<content>" as one zlib
// stream) with zlib's level 0: stored blocks, no compression work, a valid object for git and libgit2.
#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "gate/git/repository.h"

namespace autofix::git {

struct LooseObjectModes {
  mode_t directory = 0777;  // objects/xx/ when it must be created (the umask applies), as git does
  mode_t file = 0444;       // objects are read-only, as git writes them
};

// Writes `content` as a loose object of `type` with id `id` (its git hash, computed by the caller) into
// `objects_dir` (objects/<xx>/<rest>), through a temporary renamed into place; an object file that exists
// already is left as it is. Not fsynced, like git's and libgit2's own loose objects by default.
// Throws Error(io) naming the object file (a full disk: how much to free).
void write_loose_object(const std::filesystem::path& objects_dir, const git_oid& id, git_object_t type,
                        std::string_view content, const LooseObjectModes& modes = {});

// Stores `content` as a blob in the repository's object store unless it has it already; returns its id.
// `what` names the content in errors ("the index").
git_oid store_blob_uncompressed(const Repository& repo, std::string_view content, std::string_view what);

}  // namespace autofix::git
