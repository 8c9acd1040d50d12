// SPDX-License-Identifier: MIT
#include "gate/snapshot/snapshot_store.h"

#include <sys/stat.h>

#include <random>


#include "gate/git/hash_text.h"
#include "gate/git/signature.h"
#include "gate/git/stored_object.h"
#include "gate/snapshot/git_metadata.h"
#include "gate/snapshot/scan_record.h"

#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/paths.h"
#include "gate/util/trace.h"

namespace autofix::snapshot {

namespace {

using TreeBuilderPtr = std::unique_ptr<git_treebuilder, git::Deleter<git_treebuilder_free>>;

std::string new_snapshot_id() {
  static std::mt19937_64 rng{std::random_device{}()};
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06llx", static_cast<unsigned long long>(rng() & 0xffffff));
  return format_compact_utc(std::chrono::system_clock::now()) + "-" + suffix;
}

bool valid_snapshot_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

struct IndexFile {
  std::optional<std::string> bytes;  // read only when the blob is not known already
  std::optional<git_oid> blob;       // known from the cache: an index with these exact bytes was saved before
  git::IndexPtr index;
  std::optional<FileStamp> stamp;
};

// <git_dir>/autofix/index-blob.json remembers the blob of the last index version saved, keyed by the
// index file's own checksum (its last 20 bytes: the SHA-1 of the rest, which libgit2 verifies as it
// reads the index) and size, so that an index with unchanged bytes (often megabytes) is neither read
// nor hashed nor stored again, even when git rewrote the file.
std::filesystem::path index_cache_path(const git::Repository& repo) { return repo.state_dir() / "index-blob.json"; }

std::optional<git_oid> cached_index_blob(const git::Repository& repo, const git_oid& checksum, uint64_t size) {
  std::optional<std::string> text = read_file_if_exists(index_cache_path(repo));
  if (!text) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    std::optional<git_oid> cached_checksum = git::try_from_hex(j.at("checksum").get<std::string>());
    std::optional<git_oid> blob = git::try_from_hex(j.at("blob").get<std::string>());
    if (!cached_checksum || !blob || !git::equal(*cached_checksum, checksum) || j.at("size").get<uint64_t>() != size)
      return std::nullopt;
    git::OdbPtr odb;
    git::check(git_repository_odb(git::out(odb), repo.get()), "cannot open the object database");
    // A blob of another size is not this index (the cache is a file anyone can edit).
    size_t blob_size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&blob_size, &type, odb.get(), &*blob) != 0 || type != GIT_OBJECT_BLOB || blob_size != size) {
      git_error_clear();
      return std::nullopt;
    }
    return blob;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged cache is only a slower snapshot
  }
}

void remember_index_blob(const git::Repository& repo, const git_oid& checksum, uint64_t size, const git_oid& blob) {
  nlohmann::json j = {{"checksum", git::to_hex(checksum)}, {"size", size}, {"blob", git::to_hex(blob)}};
  write_file_atomically(index_cache_path(repo), j.dump() + "\n", 0644, Durability::cache);
}

// Parses the index file, and reads its bytes only when no earlier snapshot stored the same bytes; both
// of the very same version of the file (libgit2 re-reads only when the file changed since it last loaded
// it), retrying if git rewrote it in between.
IndexFile read_index_consistently(const git::Repository& repo) {
  std::string path = (repo.git_dir() / "index").string();
  for (int attempt = 0; attempt < 3; ++attempt) {
    IndexFile f;
    f.stamp = file_stamp(path);
    if (f.stamp) {
      git::check(git_repository_index(git::out(f.index), repo.get()), "cannot open the index");
      git::check(git_index_read(f.index.get(), 0), "cannot read the index '" + path + "'");
      // The checksum libgit2 verified against the bytes it parsed (all zero for an index it did not read).
      const git_oid* checksum = git_index_checksum(f.index.get());
      if (checksum && !git_oid_is_zero(checksum)) f.blob = cached_index_blob(repo, *checksum, f.stamp->size);
      if (!f.blob) f.bytes = read_file_if_exists(path);
    } else {
      // No index file: an empty index, not the repository's cached one (which may hold a deleted file's entries).
      git::check(git_index_new(git::out(f.index)), "cannot create an empty index");
    }
    if (file_stamp(path) == f.stamp && (f.blob || f.bytes.has_value() == f.stamp.has_value())) return f;
  }
  throw Error(ErrorKind::repository_state, "the index '" + path + "' keeps changing while it is saved",
              "stop the other git process working in this repository and try again");
}

void insert(git_treebuilder* builder, const char* name, const git_oid& oid, git_filemode_t mode) {
  git::check(git_treebuilder_insert(nullptr, builder, name, &oid, mode),
             std::string("cannot add '") + name + "' to the snapshot tree");
}

// Stores a blob unless the object store has it already (git_blob_create_from_buffer would compress
// the content first either way, which for a large index costs more than everything else).
git_oid write_blob(git_repository* repo, const std::string& content, const char* what) {
  git_oid oid = git::hash_text(content, what);
  git::OdbPtr odb;
  git::check(git_repository_odb(git::out(odb), repo), "cannot open the object database");
  if (git_odb_exists(odb.get(), &oid)) return oid;
  git::check(git_odb_write(&oid, odb.get(), content.data(), content.size(), GIT_OBJECT_BLOB),
             std::string("cannot store ") + what);
  return oid;
}

std::string read_blob(git_repository* repo, const git_oid& oid, const std::string& what) {
  git::BlobPtr blob;
  git::check(git_blob_lookup(git::out(blob), repo, &oid), "cannot read " + what);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     static_cast<size_t>(git_blob_rawsize(blob.get())));
}

}  // namespace

HeadState read_head(const git::Repository& repo) {
  HeadState head;
  git::ReferencePtr ref;
  git::check(git_reference_lookup(git::out(ref), repo.get(), "HEAD"), "cannot read HEAD");
  if (git_reference_type(ref.get()) == GIT_REFERENCE_SYMBOLIC) {
    head.ref = git_reference_symbolic_target(ref.get());
    git_oid oid;
    int rc = git_reference_name_to_id(&oid, repo.get(), head.ref.c_str());
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      head.kind = HeadState::Kind::unborn;
      return head;
    }
    git::check(rc, "cannot resolve HEAD's branch '" + head.ref + "'");
    head.kind = HeadState::Kind::branch;
    head.oid = oid;
    return head;
  }
  head.kind = HeadState::Kind::detached;
  head.oid = *git_reference_target(ref.get());
  return head;
}

StoredSnapshot SnapshotStore::create(const std::string& message, const std::vector<std::string>& excluded) {
  repo_.require_idle();
  // Who the snapshot commit is by, read first: a GIT_*_DATE git cannot read refuses before any work.
  const git::CommitIdentity identity = git::commit_identity(repo_);
  git_repository* repo = repo_.get();
  StoredSnapshot out;
  Manifest& m = out.manifest;
  m.id = new_snapshot_id();
  auto now = std::chrono::system_clock::now();
  m.created = format_iso8601_utc(now);
  m.created_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  m.message = message;
  m.tool_version = AUTOFIX_GATE_VERSION;
  m.workdir = repo_.workdir().string();
  m.head = read_head(repo_);
  m.excluded = excluded;
  for (const std::string& e : excluded)
    if (!is_safe_relative_path(e))
      throw Error(ErrorKind::usage, "cannot exclude '" + e + "' from the snapshot: it is not a path inside the work tree");

  IndexFile index = [&] {
    TraceScope t("snapshot: read index");
    return read_index_consistently(repo_);
  }();
  m.index.present = index.stamp.has_value();
  if (index.stamp) {
    m.index.stamp = *index.stamp;
    m.index.mtime = index.stamp->mtime;
  }
  m.index.entries = git_index_entrycount(index.index.get());
  m.index.conflicts = git_index_has_conflicts(index.index.get()) != 0;

  std::string record;  // what the scan read, for the restore's scan to trust (scan_record.h)
  {
    TraceScope t("snapshot: scan work tree");
    uint32_t umask = current_umask();
    const Timestamp scan_start = scan_clock_now();
    // A snapshot comes before any change: a path it cannot save is the user's to fix (exit 2).
    m.scan = scan_worktree(repo_, index.index.get(),
                           ScanOptions{.index_mtime = m.index.mtime, .store_blobs = true, .excluded = m.excluded,
                                       .umask = umask, .unlock = false, .too_long_is_usage = true});
    m.permissions = Permissions{umask, m.scan.permissions};
    record = scan_record_text(m.id, scan_start, m.scan);
  }
  {
    TraceScope t("snapshot: .git files and refs");
    m.git = capture_git_metadata(repo_);
  }
  TraceScope write_trace("snapshot: write objects");
  m.worktree_tree = write_worktree_tree(repo_, index.index.get(), m.scan);
  m.staged_tree = write_index_tree(repo_, index.index.get());

  TreeBuilderPtr root;
  git::check(git_treebuilder_new(git::out(root), repo, nullptr), "cannot start the snapshot tree");
  insert(root.get(), "worktree", m.worktree_tree, GIT_FILEMODE_TREE);
  if (m.staged_tree) insert(root.get(), "staged", *m.staged_tree, GIT_FILEMODE_TREE);
  insert(root.get(), "git", m.git->files, GIT_FILEMODE_TREE);
  if (index.stamp) {
    m.index.blob = index.blob;
    if (!m.index.blob) {
      // The index file is large (about 90 bytes an entry) and new whenever git rewrites it: stored
      // without compression, which costs a write of its size instead of deflating it.
      m.index.blob = git::store_blob_uncompressed(repo_, *index.bytes, "the index");
      const git_oid* checksum = git_index_checksum(index.index.get());
      if (checksum && !git_oid_is_zero(checksum)) remember_index_blob(repo_, *checksum, index.stamp->size, *m.index.blob);
    }
    insert(root.get(), "index", *m.index.blob, GIT_FILEMODE_BLOB);
  }
  if (m.index.conflicts) {
    TreeBuilderPtr conflicts;
    git::check(git_treebuilder_new(git::out(conflicts), repo, nullptr), "cannot start the conflicts tree");
    size_t n = git_index_entrycount(index.index.get());
    for (size_t i = 0; i < n; ++i) {
      const git_index_entry* e = git_index_get_byindex(index.index.get(), i);
      if (GIT_INDEX_ENTRY_STAGE(e) == 0 || e->mode == GIT_FILEMODE_COMMIT) continue;
      std::string name = std::to_string(GIT_INDEX_ENTRY_STAGE(e)) + "-" + git::to_hex(e->id);
      insert(conflicts.get(), name.c_str(), e->id, GIT_FILEMODE_BLOB);
    }
    git_oid conflicts_tree;
    git::check(git_treebuilder_write(&conflicts_tree, conflicts.get()), "cannot write the conflicts tree");
    insert(root.get(), "conflicts", conflicts_tree, GIT_FILEMODE_TREE);
  }
  insert(root.get(), "scan-record", write_blob(repo, record, "the scan record"), GIT_FILEMODE_BLOB);
  git_oid manifest_blob = write_blob(repo, to_json(m).dump(2) + "\n", "the snapshot manifest");
  insert(root.get(), "manifest.json", manifest_blob, GIT_FILEMODE_BLOB);
  git_oid root_tree_oid;
  git::check(git_treebuilder_write(&root_tree_oid, root.get()), "cannot write the snapshot tree");

  git::TreePtr root_tree;
  git::check(git_tree_lookup(git::out(root_tree), repo, &root_tree_oid), "cannot read the snapshot tree");
  git::CommitPtr parent;
  if (m.head.oid) git::check(git_commit_lookup(git::out(parent), repo, &*m.head.oid), "cannot read HEAD's commit");
  const git_commit* parents[] = {parent.get()};
  git::SignaturePtr author = git::make_signature(identity.author);
  git::SignaturePtr committer = git::make_signature(identity.committer);
  std::string commit_message = "autofix-gate snapshot " + m.id + "\n";
  if (!message.empty()) commit_message += "\n" + message + "\n";
  git::check(git_commit_create(&out.commit, repo, nullptr, author.get(), committer.get(), nullptr,
                               commit_message.c_str(), root_tree.get(), parent ? 1 : 0, parents),
             "cannot write the snapshot commit");
  git::ReferencePtr ref;
  git::check(git_reference_create(git::out(ref), repo, ref_name(m.id).c_str(), &out.commit, 0,
                                  ("autofix-gate: snapshot " + m.id).c_str()),
             "cannot create ref " + ref_name(m.id));
  return out;
}

StoredSnapshot SnapshotStore::load(const std::string& id) const {
  if (!valid_snapshot_id(id))
    throw Error(ErrorKind::usage, "'" + id + "' is not a snapshot id", "list snapshots with `autofix-gate snapshots list`");
  git_repository* repo = repo_.get();
  StoredSnapshot out;
  int rc = git_reference_name_to_id(&out.commit, repo, ref_name(id).c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    throw Error(ErrorKind::usage, "no snapshot '" + id + "' in '" + repo_.workdir().string() + "'",
                "list snapshots with `autofix-gate snapshots list`");
  }
  git::check(rc, "cannot read ref " + ref_name(id));
  return load_commit(id, out.commit);
}

StoredSnapshot SnapshotStore::load_commit(const std::string& id, const git_oid& commit_id) const {
  if (!valid_snapshot_id(id)) throw Error(ErrorKind::internal, "'" + id + "' is not a snapshot id");
  git_repository* repo = repo_.get();
  StoredSnapshot out;
  out.commit = commit_id;
  git::CommitPtr commit;
  git::check(git_commit_lookup(git::out(commit), repo, &out.commit), "cannot read snapshot commit " + id);
  git::TreePtr tree;
  git::check(git_commit_tree(git::out(tree), commit.get()), "cannot read snapshot tree " + id);
  const git_tree_entry* manifest_entry = git_tree_entry_byname(tree.get(), "manifest.json");
  if (!manifest_entry)
    throw Error(ErrorKind::internal, "snapshot " + id + " has no manifest.json", "it was not written by autofix-gate");
  std::string text = read_blob(repo, *git_tree_entry_id(manifest_entry), "the manifest of snapshot " + id);
  const JsonSource source{"malformed snapshot manifest in " + ref_name(id), ErrorKind::internal, {}};
  out.manifest = manifest_from_json(
      parse_json_strictly(text, source, "it was not written by autofix-gate; inspect it with `git show " + ref_name(id) + "`"),
      ref_name(id));
  if (out.manifest.id != id)
    throw Error(ErrorKind::internal, "snapshot ref " + id + " holds the manifest of snapshot " + out.manifest.id);
  return out;
}

std::optional<std::string> SnapshotStore::index_bytes(const Manifest& manifest) const {
  if (!manifest.index.present) return std::nullopt;
  return read_blob(repo_.get(), *manifest.index.blob, "the index saved by snapshot " + manifest.id);
}

std::optional<ScanRecord> SnapshotStore::scan_record(const StoredSnapshot& snapshot) const {
  try {
    git::CommitPtr commit;
    git::check(git_commit_lookup(git::out(commit), repo_.get(), &snapshot.commit), "cannot read the snapshot commit");
    git::TreePtr tree;
    git::check(git_commit_tree(git::out(tree), commit.get()), "cannot read the snapshot tree");
    const git_tree_entry* entry = git_tree_entry_byname(tree.get(), "scan-record");
    if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return std::nullopt;  // an older snapshot
    return parse_scan_record(read_blob(repo_.get(), *git_tree_entry_id(entry), "the scan record"), snapshot.manifest.id);
  } catch (const Error&) {
    return std::nullopt;  // unreadable: the restore reads more, nothing else
  }
}

std::vector<StoredSnapshot> SnapshotStore::list() const {
  std::vector<std::string> ids;
  git::ReferenceIteratorPtr it;
  git::check(git_reference_iterator_glob_new(git::out(it), repo_.get(), (std::string(kSnapshotRefPrefix) + "*").c_str()),
             "cannot list snapshot refs");
  const char* name = nullptr;
  int rc;
  while ((rc = git_reference_next_name(&name, it.get())) == 0)
    ids.emplace_back(std::string(name).substr(std::string(kSnapshotRefPrefix).size()));
  if (rc != GIT_ITEROVER) git::check(rc, "cannot list snapshot refs");
  git_error_clear();
  std::vector<StoredSnapshot> out;
  for (const std::string& id : ids) out.push_back(load(id));
  std::sort(out.begin(), out.end(), [](const StoredSnapshot& a, const StoredSnapshot& b) {
    return std::tie(a.manifest.created_ns, a.manifest.id) < std::tie(b.manifest.created_ns, b.manifest.id);
  });
  return out;
}

bool SnapshotStore::ensure_ref(const std::string& id, const git_oid& commit) {
  git_oid now;
  int rc = git_reference_name_to_id(&now, repo_.get(), ref_name(id).c_str());
  if (rc == 0 && git_oid_equal(&now, &commit)) return false;
  git_error_clear();
  git::ReferencePtr ref;
  git::check(git_reference_create(git::out(ref), repo_.get(), ref_name(id).c_str(), &commit, 1,
                                  ("autofix-gate: snapshot " + id + " put back").c_str()),
             "cannot create ref " + ref_name(id));
  return true;
}

void SnapshotStore::drop(const std::string& id) {
  load(id);  // same error for a bad or unknown id
  git::check(git_reference_remove(repo_.get(), ref_name(id).c_str()), "cannot delete ref " + ref_name(id));
}

}  // namespace autofix::snapshot
