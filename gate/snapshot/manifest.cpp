#include "gate/snapshot/manifest.h"

#include <sys/stat.h>

#include <cerrno>

#include "gate/git/handles.h"
#include "gate/util/byte_names.h"
#include "gate/util/error.h"
#include "gate/util/paths.h"
#include "gate/util/io_errors.h"

namespace autofix::snapshot {

using nlohmann::json;

const char* to_string(HeadState::Kind kind) noexcept {
  switch (kind) {
    case HeadState::Kind::branch: return "branch";
    case HeadState::Kind::detached: return "detached";
    case HeadState::Kind::unborn: return "unborn";
  }
  return "unborn";
}

namespace {

json oid_or_null(const std::optional<git_oid>& oid) { return oid ? json(git::to_hex(*oid)) : json(nullptr); }

json timestamp_json(const Timestamp& t) { return {{"seconds", t.seconds}, {"nanoseconds", t.nanoseconds}}; }

// A file name: a JSON string when it is UTF-8, else {"bytes": hex, "shown": quoted} (JSON strings are
// UTF-8, file names are bytes). Read back by Reader::name.
json name_json(const std::string& name) {
  if (is_utf8(name)) return name;
  return {{"bytes", hex_bytes(name)}, {"shown", quoted_name(name)}};
}

json names_json(const std::vector<std::string>& names) {
  json out = json::array();
  for (const std::string& n : names) out.push_back(name_json(n));
  return out;
}

json stamp_json(const FileStamp& s) {
  return {{"inode", s.inode}, {"size", s.size}, {"mtime", timestamp_json(s.mtime)}, {"ctime", timestamp_json(s.ctime)}};
}

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  const json& field(const json& object, const char* name) {
    if (!object.is_object() || !object.contains(name)) fail(std::string("missing field '") + name + "'");
    return object.at(name);
  }
  std::string string(const json& object, const char* name) {
    const json& v = field(object, name);
    if (!v.is_string()) fail(std::string("field '") + name + "' is not a string");
    return v.get<std::string>();
  }
  int64_t integer(const json& object, const char* name) {
    const json& v = field(object, name);
    if (!v.is_number_integer()) fail(std::string("field '") + name + "' is not an integer");
    return v.get<int64_t>();
  }
  bool boolean(const json& object, const char* name) {
    const json& v = field(object, name);
    if (!v.is_boolean()) fail(std::string("field '") + name + "' is not a boolean");
    return v.get<bool>();
  }
  git_oid oid(const json& object, const char* name) {
    std::string hex = string(object, name);
    git_oid out;
    if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&out, hex.c_str()) != 0)
      fail(std::string("field '") + name + "' is not an object id");
    return out;
  }
  std::optional<git_oid> optional_oid(const json& object, const char* name) {
    if (field(object, name).is_null()) return std::nullopt;
    return oid(object, name);
  }
  // A file name written by name_json().
  std::string file_name(const json& v, const char* name) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("bytes") && v.at("bytes").is_string())
      if (std::optional<std::string> bytes = bytes_from_hex(v.at("bytes").get<std::string>())) return *bytes;
    fail(std::string("field '") + name + "' is not a file name (a string, or an object with hexadecimal 'bytes')");
  }
  std::string file_name_at(const json& object, const char* name) { return file_name(field(object, name), name); }
  std::vector<std::string> file_names(const json& object, const char* name) {
    const json& v = field(object, name);
    if (!v.is_array()) fail(std::string("field '") + name + "' is not a list");
    std::vector<std::string> out;
    for (const json& item : v) out.push_back(file_name(item, name));
    return out;
  }
  [[noreturn]] void fail(const std::string& what) {
    throw Error(ErrorKind::internal, "malformed snapshot manifest in " + source_ + ": " + what,
                "the snapshot cannot be restored by this version; inspect it with `git show " + source_ + "`");
  }

 private:
  std::string source_;
};

ChangeKind change_kind_from(const std::string& s, Reader& r) {
  if (s == "added") return ChangeKind::added;
  if (s == "modified") return ChangeKind::modified;
  if (s == "deleted") return ChangeKind::deleted;
  r.fail("unknown change kind '" + s + "'");
}

}  // namespace

namespace {
json to_json_without_extras(const Manifest& m);
}  // namespace

std::optional<FileStamp> file_stamp(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("cannot stat", path, errno);
  }
  return FileStamp{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                   {st.st_mtim.tv_sec, st.st_mtim.tv_nsec}, {st.st_ctim.tv_sec, st.st_ctim.tv_nsec}};
}

json to_json(const Manifest& m) {
  json out = to_json_without_extras(m);
  if (m.git) {
    json refs = json::array();  // a list, not an object: a ref name is bytes, a JSON key UTF-8
    for (const auto& [name, target] : m.git->refs) refs.push_back({{"name", name_json(name)}, {"target", target}});
    out["git"] = {{"files", git::to_hex(m.git->files)}, {"refs", std::move(refs)}};
  }
  if (m.permissions) {
    json exceptions = json::array();
    for (const PathMode& p : m.permissions->exceptions) exceptions.push_back({{"path", name_json(p.path)}, {"mode", p.mode}});
    out["permissions"] = {{"umask", m.permissions->umask}, {"exceptions", std::move(exceptions)}};
  }
  return out;
}

namespace {

// Everything but the fields added later (git, permissions), which older manifests do not have.
json to_json_without_extras(const Manifest& m) {
  json changes = json::array();
  for (const Change& c : m.scan.changes) {
    json entry = {{"path", name_json(c.path)}, {"kind", to_string(c.kind)}};
    if (c.kind != ChangeKind::deleted) {
      entry["oid"] = git::to_hex(c.state.oid);
      entry["mode"] = c.state.mode;
    }
    changes.push_back(std::move(entry));
  }
  const ScanStats& s = m.scan.stats;
  return {
      {"format", m.format},
      {"id", m.id},
      {"created", m.created},
      {"created_ns", m.created_ns},
      {"message", name_json(m.message)},
      {"tool_version", m.tool_version},
      {"workdir", name_json(m.workdir)},
      {"head",
       {{"kind", to_string(m.head.kind)}, {"ref", name_json(m.head.ref)}, {"oid", oid_or_null(m.head.oid)}}},
      {"index",
       {{"present", m.index.present},
        {"blob", oid_or_null(m.index.blob)},
        {"mtime", timestamp_json(m.index.mtime)},
        {"stamp", stamp_json(m.index.stamp)},
        {"entries", m.index.entries},
        {"conflicts", m.index.conflicts}}},
      {"trees", {{"worktree", git::to_hex(m.worktree_tree)}, {"staged", oid_or_null(m.staged_tree)}}},
      {"full", m.scan.full},
      {"changes", std::move(changes)},
      {"empty_dirs", names_json(m.scan.empty_dirs)},
      {"counts",
       {{"files", s.files},
        {"untracked_files", s.untracked_files},
        {"changed_files", m.scan.changes.size()},
        {"symlinks", s.symlinks},
        {"executables", s.executables},
        {"directories", s.directories},
        {"hashed_files", s.hashed_files},
        {"hashed_bytes", s.hashed_bytes}}},
      {"left_out",
       {{"ignored_policy", "ignored files are not saved and are never touched by restore"},
        {"ignored", names_json(m.scan.ignored)},
        {"submodules", names_json(m.scan.submodules)},
        {"nested_repositories", names_json(m.scan.nested_repositories)},
        {"special_files", names_json(m.scan.special_files)},
        {"excluded", names_json(m.excluded)}}},
  };
}

}  // namespace

Manifest manifest_from_json(const json& j, const std::string& source) {
  Reader r(source);
  Manifest m;
  m.format = static_cast<int>(r.integer(j, "format"));
  if (m.format != kManifestFormat) r.fail("format " + std::to_string(m.format) + " is not supported");
  m.id = r.string(j, "id");
  m.created = r.string(j, "created");
  m.created_ns = r.integer(j, "created_ns");
  m.message = r.file_name_at(j, "message");
  m.tool_version = r.string(j, "tool_version");
  m.workdir = r.file_name_at(j, "workdir");

  const json& head = r.field(j, "head");
  std::string kind = r.string(head, "kind");
  if (kind == "branch") m.head.kind = HeadState::Kind::branch;
  else if (kind == "detached") m.head.kind = HeadState::Kind::detached;
  else if (kind == "unborn") m.head.kind = HeadState::Kind::unborn;
  else r.fail("unknown head kind '" + kind + "'");
  m.head.ref = r.file_name_at(head, "ref");
  m.head.oid = r.optional_oid(head, "oid");

  const json& index = r.field(j, "index");
  m.index.present = r.boolean(index, "present");
  m.index.blob = r.optional_oid(index, "blob");
  const json& mtime = r.field(index, "mtime");
  m.index.mtime = {r.integer(mtime, "seconds"), r.integer(mtime, "nanoseconds")};
  const json& stamp = r.field(index, "stamp");
  auto timestamp = [&](const char* name) {
    const json& t = r.field(stamp, name);
    return Timestamp{r.integer(t, "seconds"), r.integer(t, "nanoseconds")};
  };
  m.index.stamp = {static_cast<uint64_t>(r.integer(stamp, "inode")), static_cast<uint64_t>(r.integer(stamp, "size")),
                   timestamp("mtime"), timestamp("ctime")};
  m.index.entries = static_cast<size_t>(r.integer(index, "entries"));
  m.index.conflicts = r.boolean(index, "conflicts");
  if (m.index.present && !m.index.blob) r.fail("index is present but has no blob");

  const json& trees = r.field(j, "trees");
  m.worktree_tree = r.oid(trees, "worktree");
  m.staged_tree = r.optional_oid(trees, "staged");

  m.scan.full = r.boolean(j, "full");
  const json& changes = r.field(j, "changes");
  if (!changes.is_array()) r.fail("field 'changes' is not a list");
  for (const json& c : changes) {
    Change change;
    change.path = r.file_name_at(c, "path");
    if (!is_safe_relative_path(change.path))
      r.fail("change path '" + quoted_name(change.path) + "' is outside the work tree");
    change.kind = change_kind_from(r.string(c, "kind"), r);
    if (change.kind != ChangeKind::deleted) {
      change.state.oid = r.oid(c, "oid");
      change.state.mode = static_cast<uint32_t>(r.integer(c, "mode"));
      if (change.state.mode != 0100644 && change.state.mode != 0100755 && change.state.mode != 0120000)
        r.fail("change '" + quoted_name(change.path) + "' has unsupported mode " + std::to_string(change.state.mode));
    }
    m.scan.changes.push_back(std::move(change));
  }
  m.scan.empty_dirs = r.file_names(j, "empty_dirs");
  for (const std::string& d : m.scan.empty_dirs)
    if (!is_safe_relative_path(d)) r.fail("directory '" + quoted_name(d) + "' is outside the work tree");
  const json& left_out = r.field(j, "left_out");
  m.scan.ignored = r.file_names(left_out, "ignored");
  m.scan.submodules = r.file_names(left_out, "submodules");
  m.scan.nested_repositories = r.file_names(left_out, "nested_repositories");
  for (const auto* list : {&m.scan.submodules, &m.scan.nested_repositories})
    for (const std::string& d : *list)
      if (!is_safe_relative_path(d)) r.fail("path '" + quoted_name(d) + "' is outside the work tree");
  m.scan.special_files = r.file_names(left_out, "special_files");
  m.excluded = r.file_names(left_out, "excluded");
  for (const std::string& e : m.excluded)
    if (!is_safe_relative_path(e)) r.fail("excluded path '" + quoted_name(e) + "' is outside the work tree");
  const json& counts = r.field(j, "counts");
  m.scan.stats.files = static_cast<size_t>(r.integer(counts, "files"));
  m.scan.stats.untracked_files = static_cast<size_t>(r.integer(counts, "untracked_files"));
  m.scan.stats.symlinks = static_cast<size_t>(r.integer(counts, "symlinks"));
  m.scan.stats.executables = static_cast<size_t>(r.integer(counts, "executables"));
  m.scan.stats.directories = static_cast<size_t>(r.integer(counts, "directories"));
  m.scan.stats.hashed_files = static_cast<size_t>(r.integer(counts, "hashed_files"));
  m.scan.stats.hashed_bytes = static_cast<uint64_t>(r.integer(counts, "hashed_bytes"));
  if (j.contains("git") && !j.at("git").is_null()) {
    const json& g = j.at("git");
    GitMetadata git;
    git.files = r.oid(g, "files");
    const json& refs = r.field(g, "refs");
    if (!refs.is_array()) r.fail("field 'refs' is not a list");
    for (const json& ref : refs) {
      std::string name = r.file_name_at(ref, "name");
      if (name.rfind("refs/", 0) != 0) r.fail("'" + quoted_name(name) + "' is not a ref");
      git.refs[name] = r.string(ref, "target");
    }
    m.git = std::move(git);
  }
  if (j.contains("permissions") && !j.at("permissions").is_null()) {
    const json& p = j.at("permissions");
    Permissions perms;
    perms.umask = static_cast<uint32_t>(r.integer(p, "umask")) & 0777;
    const json& exceptions = r.field(p, "exceptions");
    if (!exceptions.is_array()) r.fail("field 'exceptions' is not a list");
    for (const json& e : exceptions) {
      PathMode pm{r.file_name_at(e, "path"), static_cast<uint32_t>(r.integer(e, "mode")) & 07777};
      if (!pm.path.empty() && !is_safe_relative_path(pm.path)) r.fail("path '" + pm.path + "' is outside the work tree");
      perms.exceptions.push_back(std::move(pm));
    }
    m.permissions = std::move(perms);
  }
  return m;
}

}  // namespace autofix::snapshot
