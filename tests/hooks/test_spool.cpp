// The spool's fallback folder: one per user and spool, used only while it is this user's alone.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "hooks/spool.hpp"
#include "support/media.hpp"

using namespace hs;
namespace fs = std::filesystem;

TEST_CASE("each spool has its own fallback folder, used only while it is private to this user", "[spool]") {
  test::TempDir dir;
  const auto a = fallback_spool_dir(dir.path() / "a" / "spool");
  CHECK(a == fallback_spool_dir(dir.path() / "a" / "." / "spool"));  // the same spool, written otherwise
  CHECK(a != fallback_spool_dir(dir.path() / "b" / "spool"));
  CHECK(a.parent_path() == "/dev/shm");
  CHECK(a.filename().string().find("hook-server-spool-" + std::to_string(::geteuid()) + "-") == 0);

  const auto mine = dir.path() / "mine";
  CHECK_FALSE(private_spool_dir(mine, false));  // missing, not made
  CHECK(private_spool_dir(mine, true));
  CHECK((fs::status(mine).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK(private_spool_dir(mine, false));

  const auto shared = dir.path() / "shared";
  fs::create_directory(shared);
  ::chmod(shared.c_str(), 0755);
  CHECK_FALSE(private_spool_dir(shared, true));  // others may read it
  const auto link = dir.path() / "link";
  fs::create_directory_symlink(mine, link);
  CHECK_FALSE(private_spool_dir(link, true));  // a symlink, even to a private folder
}
