// The two homes of hook-server's data files (MediaMTX's reference configuration, the web console):
// the installed share folder and the source tree of the build.
#include "util/install_paths.hpp"

#ifndef HOOK_SERVER_SOURCE_DIR
#define HOOK_SERVER_SOURCE_DIR "."
#endif

namespace hs {

std::filesystem::path installed_share_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path().parent_path() / "share" / "hook-server";
}

std::filesystem::path source_tree_dir() {
  return HOOK_SERVER_SOURCE_DIR;
}

}  // namespace hs
