#pragma once
// Finding and loading hook-server-capture.so, the module with all libav code (see capture.hpp), on
// the first capture rather than at start: a server that takes no snapshot never maps libav.
//
// Where it is looked for, in order:
//   1. $HOOK_SERVER_CAPTURE_MODULE when set (then nothing else is tried);
//   2. beside the running executable (a build tree: build/hook-server/);
//   3. <executable's dir>/../lib/hook-server/ (an installed tree: bin/ + lib/hook-server/);
//   4. where the build put it (HOOK_SERVER_CAPTURE_BUILD_PATH), for the tests and a build tree.
// A module that cannot be loaded is no reason to stop the server: captures fail with
// CaptureUnavailable, which names every path tried and dlopen's own reason.
#include <filesystem>
#include <vector>

#include "snapshot/capture.hpp"

namespace hs::snapshot {

// The capture module cannot be loaded (the snapshot API answers 503 for it). The message names
// every path tried and why it failed, e.g.
//   cannot load the snapshot capture module (set HOOK_SERVER_CAPTURE_MODULE to its path): "/x.so": no such file
struct CaptureUnavailable : Error {
  using Error::Error;
};

// The candidates in the order above, without duplicates.
std::vector<std::filesystem::path> capture_module_candidates();

// dlopen()s the first candidate that loads and returns its function table. Throws
// CaptureUnavailable listing each candidate with dlerror()'s text (or "no such file"). A loaded
// module is never unloaded; loading the same file again returns the same table.
const CaptureApi& load_capture_module(const std::vector<std::filesystem::path>& candidates);

// The process's module: loaded on the first call (thread-safe, once), from capture_module_candidates().
// Throws CaptureUnavailable on every call when that first load failed (the error is logged once).
const CaptureApi& capture_api();

}  // namespace hs::snapshot
