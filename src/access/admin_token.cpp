// First-run admin token: 32 random bytes (base64url) kept in <data_dir>/admin-token.
#include "access/admin_token.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "access/signing_key.hpp"
#include "util/base64url.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace hs::access {

AdminToken admin_token(const std::string& configured, const std::filesystem::path& data_dir) {
  if (!configured.empty()) return {configured, {}, false};
  auto file = data_dir / "admin-token";
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (st.st_mode & 077)
      throw Error(fmt::format("{}: mode {:04o}: only its owner may read the admin token (chmod 600 {})", file.string(),
                              st.st_mode & 07777, file.string()));
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) throw Error(fmt::format("{}: cannot read the admin token: {}", file.string(), std::strerror(errno)));
    std::string token = text.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.size() < 16) throw Error(fmt::format("{}: the admin token must be at least 16 characters", file.string()));
    return {token, file, false};
  }
  if (errno != ENOENT) throw Error(fmt::format("{}: cannot read the admin token: {}", file.string(), std::strerror(errno)));
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  std::string token = base64url_encode(random_bytes(32));
  write_file_atomic(file, token + "\n", 0600);
  return {token, file, true};
}

}  // namespace hs::access
