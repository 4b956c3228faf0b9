// The first-run admin token: generated once into data_dir with mode 0600, then read back.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>

#include "access/admin_token.hpp"
#include "support/media.hpp"
#include "util/error.hpp"

using namespace hs;
using namespace hs::access;

TEST_CASE("an empty api_token makes one at first start, mode 0600, and reads it back later", "[access]") {
  test::TempDir tmp;
  auto first = admin_token("", tmp.path() / "var");
  CHECK(first.generated);
  CHECK(first.file == tmp.path() / "var" / "admin-token");
  CHECK(first.token.size() == 43);
  struct stat st {};
  REQUIRE(::stat(first.file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  auto again = admin_token("", tmp.path() / "var");
  CHECK_FALSE(again.generated);
  CHECK(again.token == first.token);
  auto configured = admin_token("configured-token-1234", tmp.path() / "var");
  CHECK(configured.token == "configured-token-1234");
  CHECK(configured.file.empty());
}

TEST_CASE("an admin-token file others may read, or too short, is refused", "[access]") {
  test::TempDir tmp;
  auto file = tmp.path() / "admin-token";
  std::ofstream(file) << "short\n";
  ::chmod(file.c_str(), 0600);
  REQUIRE_THROWS_WITH(admin_token("", tmp.path()), file.string() + ": the admin token must be at least 16 characters");
  ::chmod(file.c_str(), 0640);
  REQUIRE_THROWS_WITH(admin_token("", tmp.path()),
                      file.string() + ": mode 0640: only its owner may read the admin token (chmod 600 " + file.string() + ")");
}
