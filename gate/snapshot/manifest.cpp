// SPDX-License-Identifier: MIT
#include "gate/snapshot/manifest.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <limits>

#include "gate/git/handles.h"
#include "gate/util/byte_names.h"
#include "gate/util/error.h"
#include "gate/util/json_reader.h"
#include "gate/util/paths.h"
#include "gate/util/io_errors.h"

namespace autofix::snapshot {

using nlohmann::json;

namespace {

json oid_or_null(const std::optional<git_oid>& oid) { return oid ? json(git::to_hex(*oid)) : json(nullptr); }

json timestamp_json(const Timestamp& t) { return {{"seconds", t.seconds}, {"nanoseconds", t.nanoseconds}}; }

// A file name: a JSON string when it is UTF-8, else {"bytes": hex, "shown": quoted} (JSON strings are
// UTF-8, file names are bytes). Read back by read_file_name.
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

// Reads what name_json() wrote: a JSON string, or {"bytes": hex}.
std::string read_file_name(const JsonValue& v) {
  if (v.json().is_string()) return v.string();
  if (v.json().is_object())
    if (auto bytes = v.find("bytes"); bytes && bytes->json().is_string())
      if (std::optional<std::string> name = bytes_from_hex(bytes->string())) return *name;
  v.fail("expected a file name (a string, or an object with hexadecimal 'bytes'), got " + describe_json(v.json()));
}

std::string file_name_at(const JsonValue& object, std::string_view key) {
  return read_file_name(object.at(key, "expected a file name"));
}

std::vector<std::string> file_names(const JsonValue& object, std::string_view key) {
  std::vector<std::string> out;
  for (const JsonValue& item : object.array(key, "file names")) out.push_back(read_file_name(item));
  return out;
}

git_oid read_oid(const JsonValue& v) {
  std::string hex = v.string();
  git_oid out;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&out, hex.c_str()) != 0)
    v.fail("expected an object id (40 hexadecimal digits), got " + describe_json(v.json()));
  return out;
}

git_oid oid_at(const JsonValue& object, std::string_view key) { return read_oid(object.at(key, "expected an object id")); }

std::optional<git_oid> oid_or_null_at(const JsonValue& object, std::string_view key) {
  JsonValue v = object.at(key, "expected an object id or null");
  if (v.is_null()) return std::nullopt;
  return read_oid(v);
}

Timestamp timestamp_at(const JsonValue& object, std::string_view key) {
  JsonValue t = object.object(key);
  return {t.integer("seconds", INT64_MIN, INT64_MAX), t.integer("nanoseconds", INT64_MIN, INT64_MAX)};
}

size_t count_at(const JsonValue& object, std::string_view key) {
  return static_cast<size_t>(object.unsigned_integer(key, std::numeric_limits<size_t>::max()));
}

constexpr auto kHeadKinds = enum_table<HeadState::Kind>(
    {{HeadState::Kind::branch, "branch"}, {HeadState::Kind::detached, "detached"}, {HeadState::Kind::unborn, "unborn"}});

}  // namespace

namespace {
json to_json_without_extras(const Manifest& m);
}  // namespace

const char* to_string(HeadState::Kind kind) noexcept { return kHeadKinds.c_name_of(kind); }

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

Manifest manifest_from_json(const JsonDocument& doc, const std::string& source) {
  const JsonSource reader{"malformed snapshot manifest in " + source, ErrorKind::internal,
                          "the snapshot cannot be restored by this version; inspect it with `git show " + source + "`"};
  const JsonValue j(doc, reader);
  j.object();
  Manifest m;
  m.format = static_cast<int>(j.integer("format", INT_MIN, INT_MAX));
  if (m.format != kManifestFormat) j.fail("format " + std::to_string(m.format) + " is not supported");
  m.id = j.string("id");
  m.created = j.string("created");
  m.created_ns = j.integer("created_ns", INT64_MIN, INT64_MAX);
  m.message = file_name_at(j, "message");
  m.tool_version = j.string("tool_version");
  m.workdir = file_name_at(j, "workdir");

  const JsonValue head = j.object("head");
  m.head.kind = head.one_of("kind", kHeadKinds, "head kind");
  m.head.ref = file_name_at(head, "ref");
  m.head.oid = oid_or_null_at(head, "oid");

  const JsonValue index = j.object("index");
  m.index.present = index.boolean("present");
  m.index.blob = oid_or_null_at(index, "blob");
  m.index.mtime = timestamp_at(index, "mtime");
  const JsonValue stamp = index.object("stamp");
  m.index.stamp = {stamp.unsigned_integer("inode"), stamp.unsigned_integer("size"), timestamp_at(stamp, "mtime"),
                   timestamp_at(stamp, "ctime")};
  m.index.entries = count_at(index, "entries");
  m.index.conflicts = index.boolean("conflicts");
  if (m.index.present && !m.index.blob) j.fail("index is present but has no blob");

  const JsonValue trees = j.object("trees");
  m.worktree_tree = oid_at(trees, "worktree");
  m.staged_tree = oid_or_null_at(trees, "staged");

  m.scan.full = j.boolean("full");
  for (const JsonValue& c : j.objects("changes")) {
    Change change;
    change.path = file_name_at(c, "path");
    if (!is_safe_relative_path(change.path))
      j.fail("change path '" + quoted_name(change.path) + "' is outside the work tree");
    change.kind = c.one_of("kind", kFileStatuses, "change kind");
    if (change.kind != ChangeKind::deleted) {
      change.state.oid = oid_at(c, "oid");
      change.state.mode = static_cast<uint32_t>(c.unsigned_integer("mode", UINT32_MAX));
      if (change.state.mode != 0100644 && change.state.mode != 0100755 && change.state.mode != 0120000)
        j.fail("change '" + quoted_name(change.path) + "' has unsupported mode " + std::to_string(change.state.mode));
    }
    m.scan.changes.push_back(std::move(change));
  }
  m.scan.empty_dirs = file_names(j, "empty_dirs");
  for (const std::string& d : m.scan.empty_dirs)
    if (!is_safe_relative_path(d)) j.fail("directory '" + quoted_name(d) + "' is outside the work tree");
  const JsonValue left_out = j.object("left_out");
  m.scan.ignored = file_names(left_out, "ignored");
  m.scan.submodules = file_names(left_out, "submodules");
  m.scan.nested_repositories = file_names(left_out, "nested_repositories");
  for (const auto* list : {&m.scan.submodules, &m.scan.nested_repositories})
    for (const std::string& d : *list)
      if (!is_safe_relative_path(d)) j.fail("path '" + quoted_name(d) + "' is outside the work tree");
  m.scan.special_files = file_names(left_out, "special_files");
  m.excluded = file_names(left_out, "excluded");
  for (const std::string& e : m.excluded)
    if (!is_safe_relative_path(e)) j.fail("excluded path '" + quoted_name(e) + "' is outside the work tree");
  const JsonValue counts = j.object("counts");
  m.scan.stats.files = count_at(counts, "files");
  m.scan.stats.untracked_files = count_at(counts, "untracked_files");
  m.scan.stats.symlinks = count_at(counts, "symlinks");
  m.scan.stats.executables = count_at(counts, "executables");
  m.scan.stats.directories = count_at(counts, "directories");
  m.scan.stats.hashed_files = count_at(counts, "hashed_files");
  m.scan.stats.hashed_bytes = counts.unsigned_integer("hashed_bytes");
  // Absent in manifests of older versions.
  if (std::optional<JsonValue> g = j.find("git"); g && !g->is_null()) {
    g->object();
    GitMetadata git;
    git.files = oid_at(*g, "files");
    for (const JsonValue& ref : g->objects("refs")) {
      std::string name = file_name_at(ref, "name");
      if (name.rfind("refs/", 0) != 0) j.fail("'" + quoted_name(name) + "' is not a ref");
      git.refs[name] = ref.string("target");
    }
    m.git = std::move(git);
  }
  if (std::optional<JsonValue> p = j.find("permissions"); p && !p->is_null()) {
    p->object();
    Permissions perms;
    perms.umask = static_cast<uint32_t>(p->unsigned_integer("umask", UINT32_MAX)) & 0777;
    for (const JsonValue& e : p->objects("exceptions")) {
      PathMode pm{file_name_at(e, "path"), static_cast<uint32_t>(e.unsigned_integer("mode", UINT32_MAX)) & 07777};
      if (!pm.path.empty() && !is_safe_relative_path(pm.path)) j.fail("path '" + pm.path + "' is outside the work tree");
      perms.exceptions.push_back(std::move(pm));
    }
    m.permissions = std::move(perms);
  }
  return m;
}

}  // namespace autofix::snapshot
