// SPDX-License-Identifier: MIT
#include "gate/git/stored_object.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <climits>
#include <string>

#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix::git {

namespace {

using ZStream = std::unique_ptr<z_stream, decltype([](z_stream* z) {
                                  deflateEnd(z);
                                  delete z;
                                })>;

// "<header><content>" as one zlib stream of stored blocks (level 0): no compression work, only the
// framing and the Adler-32 checksum.
std::string deflate_stored(std::string_view header, std::string_view content) {
  ZStream z(new z_stream{});
  if (deflateInit(z.get(), Z_NO_COMPRESSION) != Z_OK) throw Error(ErrorKind::internal, "cannot start zlib");
  const uLong total = static_cast<uLong>(header.size() + content.size());
  std::string out(deflateBound(z.get(), total), '\0');
  z->next_out = reinterpret_cast<Bytef*>(out.data());
  z->avail_out = static_cast<uInt>(out.size());
  auto feed = [&](std::string_view part, bool last) {
    do {
      const size_t chunk = std::min<size_t>(part.size(), UINT_MAX / 2);
      z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
      z->avail_in = static_cast<uInt>(chunk);
      part.remove_prefix(chunk);
      const bool finish = last && part.empty();
      int rc = deflate(z.get(), finish ? Z_FINISH : Z_NO_FLUSH);
      if (rc != (finish ? Z_STREAM_END : Z_OK) || z->avail_in != 0)
        throw Error(ErrorKind::internal, "zlib could not frame an object of " + std::to_string(total) + " bytes");
    } while (!part.empty());
  };
  feed(header, false);
  feed(content, true);
  out.resize(z->total_out);
  return out;
}

const char* type_name(git_object_t type) {
  const char* name = git_object_type2string(type);
  if (!name || !*name) throw Error(ErrorKind::internal, "cannot write a loose object of type " + std::to_string(type));
  return name;
}

}  // namespace

void write_loose_object(const std::filesystem::path& objects_dir, const git_oid& id, git_object_t type,
                        std::string_view content, const LooseObjectModes& modes) {
  const std::string hex = to_hex(id);
  const std::filesystem::path dir = objects_dir / hex.substr(0, 2);
  const std::filesystem::path file = dir / hex.substr(2);
  struct stat st;
  if (::lstat(file.c_str(), &st) == 0) return;  // objects are immutable: the one there is this one
  if (::mkdir(dir.c_str(), modes.directory) != 0 && errno != EEXIST) throw_errno("cannot create directory", dir.string(), errno);

  const std::string header = std::string(type_name(type)) + " " + std::to_string(content.size()) + '\0';
  const std::string stream = deflate_stored(header, content);
  // git's own prefix for a temporary object: `git prune` removes one a killed process left behind.
  std::string tmp = (dir / "tmp_obj_XXXXXX").string();
  UniqueFd fd(::mkstemp(tmp.data()));
  if (!fd) throw_errno("cannot create a temporary object file in", dir.string(), errno);
  try {
    if (::fchmod(fd.get(), modes.file) != 0) throw_errno("cannot set the mode of", tmp, errno);
    write_all(fd.get(), stream, tmp);  // a full disk is named there, with the bytes it needed
    if (::close(fd.release()) != 0) throw_errno("cannot write", tmp, errno);
    if (::rename(tmp.c_str(), file.c_str()) != 0) throw_errno("cannot put the object in place at", file.string(), errno);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

git_oid store_blob_uncompressed(const Repository& repo, std::string_view content, std::string_view what) {
  git_oid id = hash_text(content, what);
  OdbPtr odb;
  check(git_repository_odb(out(odb), repo.get()), "cannot open the object database");
  if (git_odb_exists(odb.get(), &id)) return id;
  write_loose_object(std::filesystem::path(git_repository_commondir(repo.get())) / "objects", id, GIT_OBJECT_BLOB,
                     content);
  return id;
}

}  // namespace autofix::git
