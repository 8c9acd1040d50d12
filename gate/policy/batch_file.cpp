// SPDX-License-Identifier: MIT
#include "gate/policy/batch_file.h"

#include <algorithm>
#include <map>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/json_reader.h"
#include "gate/util/spelling.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDocHint = "see docs/batch.md for the batch file's format";
constexpr std::int64_t kMaxFixerTimeout = 7 * 24 * 3600;
constexpr std::size_t kMaxIdLength = 128;

// An id goes into commit trailers, reports and messages: printable, without blanks.
bool is_valid_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxIdLength && std::ranges::all_of(id, [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
  });
}

BatchFix parse_fix(const JsonValue& item, const fs::path& base_dir) {
  item.object().allow_only({"id", "patch", "fixer", "timeout", "depends_on"});
  BatchFix fix;
  const JsonValue id = item.at("id", "every fix needs an id");
  fix.id = id.text();
  if (!is_valid_id(fix.id))
    id.fail(quoted_text(fix.id) + " is not a usable id",
            "an id is 1 to 128 printable characters without blanks, such as \"tidy-1\"");
  std::optional<JsonValue> patch = item.find("patch");
  std::optional<JsonValue> fixer = item.find("fixer");
  if (patch && fixer)
    item.fail("has both \"patch\" and \"fixer\"", "a fix is either a patch file or a fixer command; split it in two fixes");
  if (!patch && !fixer)
    item.fail("has neither \"patch\" nor \"fixer\"", "give \"patch\": \"FILE.diff\" or \"fixer\": [\"command\", ...]");
  if (patch) {
    fix.patch = patch->text();
    fix.patch_path = base_dir / *fix.patch;
  } else {
    fix.fixer = fixer->texts("a fixer is a command: its program, then its arguments");
  }
  if (std::optional<JsonValue> timeout = item.find("timeout")) {
    if (patch) timeout->fail("only a fixer has a timeout", "remove \"timeout\" from this patch fix");
    fix.timeout = std::chrono::seconds(timeout->integer(1, kMaxFixerTimeout, "seconds"));
  }
  if (std::optional<JsonValue> deps = item.find("depends_on")) fix.depends_on = deps->texts();
  return fix;
}

std::string cycle_text(const BatchFile& batch, const std::vector<std::size_t>& cycle) {
  std::string out;
  for (std::size_t i : cycle) out += (out.empty() ? "" : " -> ") + batch.fixes[i].id;
  return out;
}

}  // namespace

FixDeps dependencies(const BatchFile& batch) {
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < batch.fixes.size(); ++i) index.emplace(batch.fixes[i].id, i);
  FixDeps deps(batch.fixes.size());
  for (std::size_t i = 0; i < batch.fixes.size(); ++i)
    for (const std::string& d : batch.fixes[i].depends_on)
      if (auto it = index.find(d); it != index.end()) deps[i].push_back(it->second);
  return deps;
}

BatchFile parse_batch_file(std::string_view text, const std::string& source, const fs::path& base_dir) {
  const JsonSource reader{source, ErrorKind::usage, std::string(kDocHint)};
  const JsonDocument doc =
      parse_json_strictly(text, reader, "check the file with a JSON validator; comments and trailing commas are not JSON");
  const JsonValue root(doc, reader);
  if (!doc.is_object()) root.fail("expected a JSON object, got " + describe_json(doc));
  const JsonValue version = root.at("version", "this gate reads version 1");
  if (!version.json().is_number_integer() || version.json() != 1)
    version.fail("expected the integer 1, got " + describe_json(version.json()),
                 "this gate reads batch files of version 1 (docs/batch.md)");
  root.allow_only({"version", "strategy", "fixes"});

  BatchFile batch;
  batch.source = source;
  if (root.find("strategy")) batch.strategy = root.one_of("strategy", kBatchStrategies, "strategy");
  std::vector<JsonValue> items = root.objects("fixes");
  if (items.empty()) root.at("fixes", "").fail("empty (a batch needs at least one fix)");
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < items.size(); ++i) {
    BatchFix fix = parse_fix(items[i], base_dir);
    if (auto [it, added] = index.emplace(fix.id, i); !added)
      items[i].at("id", "").fail(quoted_text(fix.id) + " is already the id of fixes[" + std::to_string(it->second) + "]",
                                 "every fix needs its own id");
    batch.fixes.push_back(std::move(fix));
  }
  std::vector<std::string_view> ids;
  for (const BatchFix& f : batch.fixes) ids.push_back(f.id);
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::optional<JsonValue> deps = items[i].find("depends_on");
    if (!deps) continue;
    std::vector<JsonValue> names = deps->array("fix ids");
    for (std::size_t j = 0; j < names.size(); ++j) {
      const std::string& d = batch.fixes[i].depends_on[j];
      if (index.contains(d)) continue;
      std::optional<std::string> near = closest_name(d, ids);
      names[j].fail("unknown fix id " + quoted_text(d) + (near ? " (did you mean '" + *near + "'?)" : ""),
                    "depends_on names the ids of other fixes in this file");
    }
  }
  if (std::optional<std::vector<std::size_t>> cycle = find_cycle(dependencies(batch)))
    root.at("fixes", "").fail("dependency cycle: " + cycle_text(batch, *cycle),
                              "each fix on the cycle depends on the next; remove one of these dependencies");
  return batch;
}

BatchFile load_batch_file(const fs::path& file) {
  std::optional<std::string> text = read_file_if_exists(file);
  if (!text)
    throw Error(ErrorKind::usage, "no such batch file: '" + file.string() + "'",
                "give a batch file (docs/batch.md) or --patch-dir DIR");
  BatchFile batch = parse_batch_file(*text, file.string(), file.parent_path());
  for (std::size_t i = 0; i < batch.fixes.size(); ++i) {
    BatchFix& fix = batch.fixes[i];
    if (!fix.patch) continue;
    std::error_code ec;
    std::optional<std::string> patch = fs::is_regular_file(fix.patch_path, ec) ? read_file_if_exists(fix.patch_path)
                                                                               : std::nullopt;
    if (!patch)
      throw Error(ErrorKind::usage,
                  file.string() + ": fixes[" + std::to_string(i) + "].patch: no such file " + quoted_text(*fix.patch) +
                      " ('" + fix.patch_path.string() + "')",
                  "patch paths are relative to the batch file's directory");
    fix.patch_text = std::move(*patch);
  }
  return batch;
}

BatchFile batch_from_patch_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ErrorKind::usage, "no such directory: '" + dir.string() + "'", "--patch-dir takes a directory of *.diff files");
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".diff") files.push_back(e.path());
  if (files.empty())
    throw Error(ErrorKind::usage, "no *.diff file in '" + dir.string() + "'",
                "--patch-dir takes a directory of patches named *.diff, applied in name order");
  std::ranges::sort(files, [](const fs::path& a, const fs::path& b) { return a.filename().native() < b.filename().native(); });
  BatchFile batch;
  batch.source = dir.string();
  for (const fs::path& f : files) {
    BatchFix fix;
    fix.id = f.stem().string();
    fix.patch = f.filename().string();
    fix.patch_path = f;
    fix.patch_text = read_file(f);
    batch.fixes.push_back(std::move(fix));
  }
  return batch;
}

}  // namespace autofix
