// SPDX-License-Identifier: MIT
#include "gate/snapshot/scan_record.h"

#include <charconv>

#include "gate/git/hash_text.h"

namespace autofix::snapshot {

namespace {

// Text: a header line naming the format, the snapshot and the scan's start; then one entry a file,
// "<oid> <git mode> <size> <mtime s> <mtime ns> <ctime s> <ctime ns> <inode> <st_mode> <path>\0" (a
// path may hold any byte but NUL, newlines too); last, a line with the blob id of everything before
// it, so that a damaged record is refused as a whole.
constexpr std::string_view kMagic = "autofix-gate scan record 1";

void append_number(std::string& out, int64_t n) {
  out += std::to_string(n);
  out += ' ';
}

// Reads the next space-terminated decimal number from `text` at `at`.
std::optional<int64_t> number(std::string_view text, size_t& at) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() + text.size() || *end != ' ') return std::nullopt;
  at = static_cast<size_t>(end - text.data()) + 1;
  return value;
}

std::optional<ScanRecord> parse(std::string_view text, const std::string& snapshot_id) {
  // The checksum line: the last 41 bytes.
  if (text.size() < GIT_OID_HEXSZ + 1 || text.back() != '\n') return std::nullopt;
  std::string_view body = text.substr(0, text.size() - GIT_OID_HEXSZ - 1);
  std::optional<git_oid> sum = git::try_from_hex(std::string(text.substr(body.size(), GIT_OID_HEXSZ)));
  const git_oid actual = git::hash_text(body, "the scan record");
  if (!sum || !git::equal(*sum, actual)) return std::nullopt;

  size_t at = body.find('\n');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string header = std::string(kMagic) + " " + snapshot_id + " ";
  if (!body.substr(0, at).starts_with(header)) return std::nullopt;
  ScanRecord record;
  size_t h = header.size();
  std::string_view first = body.substr(0, at + 1);
  std::string first_line(first.substr(0, first.size() - 1));
  first_line += ' ';
  std::optional<int64_t> s = number(first_line, h);
  std::optional<int64_t> ns = number(first_line, h);
  if (!s || !ns || h != first_line.size()) return std::nullopt;
  record.scan_start = {*s, *ns};
  ++at;
  while (at < body.size()) {
    if (body.size() - at < GIT_OID_HEXSZ + 1 || body[at + GIT_OID_HEXSZ] != ' ') return std::nullopt;
    std::optional<git_oid> oid = git::try_from_hex(std::string(body.substr(at, GIT_OID_HEXSZ)));
    if (!oid) return std::nullopt;
    at += GIT_OID_HEXSZ + 1;
    int64_t v[8];
    for (int64_t& n : v) {
      std::optional<int64_t> got = number(body, at);
      if (!got) return std::nullopt;
      n = *got;
    }
    size_t nul = body.find('\0', at);
    if (nul == std::string_view::npos || nul == at) return std::nullopt;
    ReadFile f;
    f.path = std::string(body.substr(at, nul - at));
    f.state = FileState{*oid, static_cast<uint32_t>(v[0])};
    f.stat = StatData{static_cast<uint64_t>(v[1]), {v[2], v[3]}, {v[4], v[5]}, static_cast<uint64_t>(v[6]),
                      static_cast<uint32_t>(v[7])};
    std::string key = f.path;
    record.files.emplace(std::move(key), std::move(f));
    at = nul + 1;
  }
  return record;
}

}  // namespace

std::string scan_record_text(const std::string& snapshot_id, const Timestamp& scan_start, const ScanResult& scan) {
  std::string text = std::string(kMagic) + " " + snapshot_id + " " + std::to_string(scan_start.seconds) + " " +
                     std::to_string(scan_start.nanoseconds) + "\n";
  for (const ReadFile& f : scan.read_files) {
    text += git::to_hex(f.state.oid);
    text += ' ';
    append_number(text, f.state.mode);
    append_number(text, static_cast<int64_t>(f.stat.size));
    append_number(text, f.stat.mtime.seconds);
    append_number(text, f.stat.mtime.nanoseconds);
    append_number(text, f.stat.ctime.seconds);
    append_number(text, f.stat.ctime.nanoseconds);
    append_number(text, static_cast<int64_t>(f.stat.inode));
    append_number(text, f.stat.mode);
    text += f.path;
    text += '\0';
  }
  text += git::to_hex(git::hash_text(text, "the scan record")) + "\n";
  return text;
}

std::optional<ScanRecord> parse_scan_record(std::string_view text, const std::string& snapshot_id) {
  return parse(text, snapshot_id);
}

}  // namespace autofix::snapshot
