// SPDX-License-Identifier: MIT
#include "gate/git/diff_lines.h"

#include "gate/git/handles.h"

namespace autofix::git {

namespace {

TreePtr lookup_tree(const Repository& repo, const git_oid& oid) {
  TreePtr tree;
  check(git_tree_lookup(out(tree), repo.get(), &oid), "cannot read tree " + to_hex(oid));
  return tree;
}

int on_file(const git_diff_delta* d, float, void* payload) {
  auto* files = static_cast<std::vector<FileDiff>*>(payload);
  FileDiff f;
  bool deleted = d->status == GIT_DELTA_DELETED;
  f.path = deleted ? d->old_file.path : d->new_file.path;
  f.old_path = d->old_file.path ? d->old_file.path : f.path;
  f.status = d->status == GIT_DELTA_ADDED ? FileStatus::added : deleted ? FileStatus::deleted : FileStatus::modified;
  f.binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
  files->push_back(std::move(f));
  return 0;
}

int on_binary(const git_diff_delta*, const git_diff_binary*, void* payload) {
  static_cast<std::vector<FileDiff>*>(payload)->back().binary = true;
  return 0;
}

int on_line(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* l, void* payload) {
  if (l->origin != GIT_DIFF_LINE_ADDITION && l->origin != GIT_DIFF_LINE_DELETION) return 0;
  LineChange c;
  c.origin = l->origin == GIT_DIFF_LINE_ADDITION ? '+' : '-';
  c.old_line = l->old_lineno > 0 ? l->old_lineno : 0;
  c.new_line = l->new_lineno > 0 ? l->new_lineno : 0;
  c.text.assign(l->content, l->content_len);
  while (!c.text.empty() && (c.text.back() == '\n' || c.text.back() == '\r')) c.text.pop_back();
  static_cast<std::vector<FileDiff>*>(payload)->back().lines.push_back(std::move(c));
  return 0;
}

}  // namespace

std::vector<FileDiff> diff_lines(const Repository& repo, const git_oid& old_tree, const git_oid& new_tree) {
  TreePtr a = lookup_tree(repo, old_tree);
  TreePtr b = lookup_tree(repo, new_tree);
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.context_lines = 0;
  DiffPtr diff;
  check(git_diff_tree_to_tree(out(diff), repo.get(), a.get(), b.get(), &opts), "cannot compare the trees");
  std::vector<FileDiff> files;
  check(git_diff_foreach(diff.get(), on_file, on_binary, nullptr, on_line, &files), "cannot read the difference");
  return files;
}

std::optional<std::string> read_blob_at(const Repository& repo, const git_oid& tree_oid, const std::string& path) {
  TreePtr tree = lookup_tree(repo, tree_oid);
  TreeEntryPtr entry;
  if (git_tree_entry_bypath(out(entry), tree.get(), path.c_str()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  BlobPtr blob;
  check(git_blob_lookup(out(blob), repo.get(), git_tree_entry_id(entry.get())), "cannot read " + path);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(blob.get())));
}

}  // namespace autofix::git
