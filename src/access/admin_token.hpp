#pragma once
// The admin token in access.mode jwt: server.api_token (or HOOK_SERVER_API_TOKEN) when set;
// otherwise one generated at first start into <data_dir>/admin-token (mode 0600), as notebook
// servers do, so that a first run is easy without being open. The server logs where the file is,
// never the token.
#include <filesystem>
#include <string>

namespace hs::access {

struct AdminToken {
  std::string token;
  std::filesystem::path file;  // empty when the token came from the configuration
  bool generated = false;      // created by this call
};

// Throws Error naming the file when it cannot be read or written, is empty, or others may read it.
AdminToken admin_token(const std::string& configured, const std::filesystem::path& data_dir);

}  // namespace hs::access
