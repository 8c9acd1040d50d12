// SPDX-License-Identifier: MIT
#include "runners/build_deps.h"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <fstream>
#include <system_error>

#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "runners/junit_reader.h"
#include "runners/process.h"

namespace autofix::runners {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxNinjaOutput = 256 * 1024 * 1024;
constexpr size_t kMaxDepfileBytes = 16 * 1024 * 1024;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string resolved(const fs::path& base, std::string_view path) {
  fs::path p{std::string(path)};
  return (p.is_absolute() ? p : base / p).lexically_normal().generic_string();
}

// An object path as a key: relative to the build directory when it is inside it.
std::string object_key(const fs::path& build_dir, std::string_view path) {
  fs::path p{std::string(path)};
  if (p.is_absolute()) {
    fs::path relative = p.lexically_normal().lexically_relative(fs::absolute(build_dir).lexically_normal());
    if (!relative.empty() && *relative.begin() != "..") p = relative;
  }
  return p.lexically_normal().generic_string();
}

// The ninja the build was generated for, when its cache names one that exists.
std::string ninja_program(const fs::path& build_dir) {
  std::ifstream cache(build_dir / "CMakeCache.txt");
  for (std::string line; std::getline(cache, line);) {
    if (!line.starts_with("CMAKE_MAKE_PROGRAM:")) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) break;
    fs::path program = line.substr(eq + 1);
    std::error_code ec;
    if (program.is_absolute() && program.filename().string().starts_with("ninja") && fs::is_regular_file(program, ec))
      return program.string();
    break;
  }
  return "ninja";
}

std::string read_capped(const fs::path& file, size_t cap) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_errno("cannot open depfile", file.string(), errno);
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > cap)
      throw Error(ErrorKind::io, "cannot read depfile " + quoted(file) + ": it is larger than the limit of " +
                                     std::to_string(cap) + " bytes",
                  "rebuild the project to write it again");
  }
  if (in.bad()) throw_errno("cannot read depfile", file.string(), errno);
  return text;
}

}  // namespace

ObjectDeps parse_ninja_deps(std::string_view text, const fs::path& build_dir, std::string_view source) {
  ObjectDeps deps;
  fs::path base = fs::absolute(build_dir).lexically_normal();
  auto bad = [&](size_t line_number, std::string_view line, const std::string& why) {
    throw Error(ErrorKind::internal,
                "cannot read " + std::string(source) + " (line " + std::to_string(line_number) + " \"" +
                    cap_text(line, 200) + "\"): " + why,
                "check that the ninja on PATH is the one that built the project");
  };
  std::vector<std::string>* current = nullptr;
  size_t expected = 0;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.starts_with("    ")) {
      if (!current || current->size() == expected) bad(line_number, line, "a dependency outside an entry");
      current->push_back(resolved(base, line.substr(4)));
      continue;
    }
    if (current && current->size() != expected) bad(line_number, line, "an entry has fewer dependencies than it says");
    current = nullptr;
    if (line.ends_with(": deps not found")) continue;
    size_t marker = line.rfind(": #deps ");
    if (marker == std::string_view::npos || marker == 0) bad(line_number, line, "not an entry of `ninja -t deps`");
    std::string_view count = line.substr(marker + 8);
    auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), expected);
    if (ec != std::errc() || ptr == count.data() || ptr == count.data() + count.size() || *ptr != ',')
      bad(line_number, line, "no dependency count");
    current = &deps[object_key(build_dir, line.substr(0, marker))];
    current->clear();
    current->reserve(expected);
  }
  if (current && current->size() != expected)
    bad(line_number, text.substr(0, 0), "the last entry has fewer dependencies than it says");
  return deps;
}

ObjectDeps read_ninja_deps(const fs::path& build_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(build_dir / "build.ninja", ec)) return {};
  ProcessSpec spec;
  spec.argv = {ninja_program(build_dir), "-C", build_dir.string(), "-t", "deps"};
  spec.working_directory = build_dir;
  spec.timeout = std::chrono::minutes(2);
  spec.output_cap = kMaxNinjaOutput;
  spec.environment = {{"LC_ALL", "C"}};
  ProcessResult r = run_process(spec);
  if (r.interrupted) throw Error(ErrorKind::internal, "`ninja -t deps` was stopped by an interrupt");
  if (!r.succeeded())
    throw Error(ErrorKind::internal,
                "`ninja -C " + quoted(build_dir) + " -t deps` failed (" + r.describe() + "): " + cap_text(r.err, 2048),
                "check that the build directory was built with ninja");
  if (r.out_truncated)
    throw Error(ErrorKind::io,
                "`ninja -C " + quoted(build_dir) + " -t deps` printed more than " + std::to_string(kMaxNinjaOutput) +
                    " bytes; the dependency information cannot be read whole");
  return parse_ninja_deps(r.out, build_dir, "the output of `ninja -C " + quoted(build_dir) + " -t deps`");
}

std::vector<std::string> parse_depfile(std::string_view text, const fs::path& base_dir) {
  std::vector<std::string> out;
  fs::path base = fs::absolute(base_dir).lexically_normal();
  bool in_prerequisites = false;
  std::string token;
  auto flush = [&] {
    if (!token.empty() && in_prerequisites) out.push_back(resolved(base, token));
    token.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char next = text[i + 1];
      if (next == '\n' || (next == '\r' && i + 2 < text.size() && text[i + 2] == '\n')) {  // continuation
        flush();
        i += next == '\n' ? 1 : 2;
        continue;
      }
      if (next == ' ' || next == '#' || next == '\\' || next == ':') {
        token += next;
        ++i;
        continue;
      }
      token += c;
      continue;
    }
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      token += '$';
      ++i;
      continue;
    }
    if (c == ':' && !in_prerequisites && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\t' ||
                                          text[i + 1] == '\n' || text[i + 1] == '\r')) {
      token.clear();  // the rule's target
      in_prerequisites = true;
      continue;
    }
    if (c == '\n') {
      flush();
      if (in_prerequisites) break;  // the end of the first rule
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      flush();
      continue;
    }
    token += c;
  }
  flush();
  return out;
}

ObjectDeps read_makefile_deps(const fs::path& build_dir, const std::vector<std::string>& object_dirs) {
  ObjectDeps deps;
  fs::path build = fs::absolute(build_dir).lexically_normal();
  for (const std::string& object_dir : object_dirs) {
    fs::path relative = fs::path(object_dir).lexically_normal();
    if (relative.empty() || relative.is_absolute()) continue;
    bool escapes = false;
    for (const auto& part : relative) escapes = escapes || part == "..";
    if (escapes) continue;
    if (!relative.has_filename()) relative = relative.parent_path();  // the trailing '/'
    fs::path dir = build / relative;
    fs::path compiler_cwd = dir.parent_path().parent_path();  // <X>/CMakeFiles/<name>.dir → <X>
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;  // symbolic links are not followed
      std::string name = it->path().filename().string();
      if (!name.ends_with(".o.d") && !name.ends_with(".obj.d")) continue;
      fs::path object = it->path().parent_path() / name.substr(0, name.size() - 2);
      deps[object.lexically_relative(build).generic_string()] =
          parse_depfile(read_capped(it->path(), kMaxDepfileBytes), compiler_cwd);
    }
    if (ec) throw Error(ErrorKind::io, "cannot list " + quoted(dir) + ": " + ec.message());
  }
  return deps;
}

ObjectDeps read_build_deps(const fs::path& build_dir, const std::vector<std::string>& object_dirs) {
  std::error_code ec;
  if (fs::is_regular_file(build_dir / "build.ninja", ec)) return read_ninja_deps(build_dir);
  return read_makefile_deps(build_dir, object_dirs);
}

}  // namespace autofix::runners
