// SPDX-License-Identifier: MIT
#pragma once
// RAII for libgit2: one unique_ptr alias per handle type, one adapter for git_x** out-parameters,
// and check() that turns a failed call into an Error naming what we were doing.
// This folder is the only code that includes git2.h.
#include <git2.h>

#include <memory>
#include <optional>
#include <string>

namespace autofix::git {

// Keeps libgit2 initialised while any object of this type lives (git_libgit2_init is reference counted).
class Library {
 public:
  Library();
  ~Library();
  Library(const Library&) : Library() {}
  Library& operator=(const Library&) noexcept { return *this; }
};

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using RepositoryPtr = std::unique_ptr<git_repository, Deleter<git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, Deleter<git_index_free>>;
using ReferencePtr = std::unique_ptr<git_reference, Deleter<git_reference_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb_free>>;
using OdbObjectPtr = std::unique_ptr<git_odb_object, Deleter<git_odb_object_free>>;
using SignaturePtr = std::unique_ptr<git_signature, Deleter<git_signature_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff_free>>;
using ConfigPtr = std::unique_ptr<git_config, Deleter<git_config_free>>;
using ReferenceIteratorPtr = std::unique_ptr<git_reference_iterator, Deleter<git_reference_iterator_free>>;
using ObjectPtr = std::unique_ptr<git_object, Deleter<git_object_free>>;

// Lets a unique_ptr receive a libgit2 out-parameter: git_x_lookup(out(ptr), ...).
template <typename Ptr>
class OutParam {
 public:
  explicit OutParam(Ptr& target) : target_(target) {}
  ~OutParam() { target_.reset(raw_); }
  operator typename Ptr::pointer*() noexcept { return &raw_; }

 private:
  Ptr& target_;
  typename Ptr::pointer raw_ = nullptr;
};

template <typename Ptr>
OutParam<Ptr> out(Ptr& target) {
  return OutParam<Ptr>(target);
}

// Throws Error(git) when rc < 0, with `doing` and libgit2's own message (read at once: it is only valid now).
void check(int rc, const std::string& doing);

std::string to_hex(const git_oid& oid);
// Throws Error(internal) unless `hex` is 40 hex digits.
git_oid from_hex(const std::string& hex);
// The same, nullopt instead of an error (for ids read from files anyone can edit).
std::optional<git_oid> try_from_hex(const std::string& hex);
bool equal(const git_oid& a, const git_oid& b) noexcept;

}  // namespace autofix::git
