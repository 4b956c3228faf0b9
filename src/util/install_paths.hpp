#pragma once
// Where hook-server's own data files are: installed under <prefix>/share/hook-server (beside the
// binary's bin/), or still in the source tree when run from a build directory.
#include <filesystem>

namespace hs {

// <dir of the running binary>/../share/hook-server (it may not exist); empty when /proc/self/exe
// cannot be read.
std::filesystem::path installed_share_dir();
// The source tree this binary was built from (it may be gone).
std::filesystem::path source_tree_dir();

}  // namespace hs
