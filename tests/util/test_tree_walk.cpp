// The reconcile walk: every file below the root once with its relative name, symlinks reported and
// never followed, entry types from fstatat when readdir gives none.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "support/media.hpp"
#include "util/tree_walk.hpp"

using namespace hs;
using hs::test::TempDir;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p, const std::string& content = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << content;
}

const char* kind_name(TreeEntry::Kind k) {
  switch (k) {
    case TreeEntry::Kind::regular:
      return "regular";
    case TreeEntry::Kind::symlink:
      return "symlink";
    case TreeEntry::Kind::other:
      return "other";
  }
  return "?";
}

// relative name -> kind, for every entry walk_tree reports; the walk must finish.
std::map<std::string, std::string> walk_all(const fs::path& root) {
  std::map<std::string, std::string> seen;
  std::string error = walk_tree(root, [&](const TreeEntry& e) {
    CHECK(seen.emplace(std::string(e.relative), kind_name(e.kind)).second);  // once each
    CHECK(std::string_view(e.name) == fs::path(std::string(e.relative)).filename().string());
  });
  CHECK(error == "");
  return seen;
}

}  // namespace

TEST_CASE("walk_tree reports files at any depth with names relative to the root", "[tree_walk]") {
  TempDir dir;
  fs::path root = dir.path() / "recordings";
  touch(root / "camera_1" / "a.mp4");
  touch(root / "site" / "cam2" / "2025" / "01" / "b.mp4");
  touch(root / "top.txt");
  fs::create_directories(root / "empty" / "deeper");
  ::mkfifo((root / "camera_1" / "pipe").c_str(), 0600);

  std::map<std::string, std::string> expected{{"camera_1/a.mp4", "regular"},
                                              {"site/cam2/2025/01/b.mp4", "regular"},
                                              {"top.txt", "regular"},
                                              {"camera_1/pipe", "other"}};
  CHECK(walk_all(root) == expected);
  CHECK(walk_all(dir.path().string() + "/recordings/") == expected);  // a trailing slash changes nothing
}

TEST_CASE("walk_tree reports symlinks without following them", "[tree_walk]") {
  TempDir dir;
  fs::path root = dir.path() / "recordings";
  fs::path outside = dir.path() / "outside";
  touch(outside / "secret.mp4");
  touch(root / "camera_1" / "a.mp4");
  fs::create_symlink(outside, root / "camera_2");                           // a directory elsewhere
  fs::create_symlink(outside / "secret.mp4", root / "camera_1" / "b.mp4");  // a file elsewhere
  fs::create_symlink(root / "camera_1", root / "camera_3");                 // a directory inside

  CHECK(walk_all(root) == std::map<std::string, std::string>{{"camera_1/a.mp4", "regular"},
                                                             {"camera_1/b.mp4", "symlink"},
                                                             {"camera_2", "symlink"},
                                                             {"camera_3", "symlink"}});
  // The root itself may be a symlink (recordings on another disk).
  fs::create_symlink(root, dir.path() / "link");
  CHECK(walk_all(dir.path() / "link").count("camera_1/a.mp4") == 1);
}

TEST_CASE("walk_tree hands out the directory to stat a file in", "[tree_walk]") {
  TempDir dir;
  touch(dir.path() / "a" / "b" / "f.mp4", "12345");
  std::int64_t size = -1;
  CHECK(walk_tree(dir.path(), [&](const TreeEntry& e) {
          struct stat st {};
          REQUIRE(::fstatat(e.dir_fd, e.name, &st, AT_SYMLINK_NOFOLLOW) == 0);
          size = st.st_size;
        }) == "");
  CHECK(size == 5);
}

TEST_CASE("walk_tree names the call and the directory that stopped it", "[tree_walk]") {
  TempDir dir;
  CHECK(walk_tree(dir.path() / "nope", [](const TreeEntry&) {}) ==
        "open(" + (dir.path() / "nope").string() + "): No such file or directory");
  touch(dir.path() / "file");
  CHECK(walk_tree(dir.path() / "file", [](const TreeEntry&) {}) ==
        "open(" + (dir.path() / "file").string() + "): Not a directory");
}

TEST_CASE("walk_tree skips directories it may not read", "[tree_walk]") {
  if (::geteuid() == 0) return;  // root reads every directory
  TempDir dir;
  touch(dir.path() / "locked" / "a.mp4");
  touch(dir.path() / "open" / "b.mp4");
  fs::permissions(dir.path() / "locked", fs::perms::none);
  auto seen = walk_all(dir.path());
  fs::permissions(dir.path() / "locked", fs::perms::owner_all);
  CHECK(seen == std::map<std::string, std::string>{{"open/b.mp4", "regular"}});
}

TEST_CASE("tree_entry_type asks the inode when readdir gives DT_UNKNOWN", "[tree_walk]") {
  TempDir dir;
  touch(dir.path() / "file");
  fs::create_directories(dir.path() / "dir");
  fs::create_symlink(dir.path() / "dir", dir.path() / "link");
  ::mkfifo((dir.path() / "fifo").c_str(), 0600);
  int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(tree_entry_type(fd, "file", DT_UNKNOWN) == DT_REG);
  CHECK(tree_entry_type(fd, "dir", DT_UNKNOWN) == DT_DIR);
  CHECK(tree_entry_type(fd, "link", DT_UNKNOWN) == DT_LNK);  // not followed to the directory
  CHECK(tree_entry_type(fd, "fifo", DT_UNKNOWN) == DT_FIFO);
  CHECK(tree_entry_type(fd, "gone", DT_UNKNOWN) == DT_UNKNOWN);
  // What readdir reports is trusted without a stat.
  CHECK(tree_entry_type(fd, "gone", DT_REG) == DT_REG);
  CHECK(tree_entry_type(fd, "gone", DT_SOCK) == DT_FIFO);
  ::close(fd);
}
