#pragma once
// `hook-server doctor`: checks a setup end to end, as an operator would one by one, and says how to
// fix each problem. Checks, in order (a check that needs the configuration is skipped when it does
// not load):
//   config           hook-server.yml loads and validates
//   mediamtx-config  mediamtx.output is what gen-config would write now (gen-config --check)
//   record-cleaner   no path of that file lets MediaMTX's cleaner delete under the recordings root
//                    (recordDeleteAfter must be 0s there, MediaMTX's default of 1d included)
//   hook-commands    every hook command hook-server manages in that file starts as MediaMTX would
//                    start it: split with go-shellquote's rules, argv[0] looked up in MediaMTX's
//                    $PATH from its working directory (no shell), executable, and answering
//                    `--version` with this version; its --config file readable
//   recordings       the recordings root exists and this user can list, read and delete in it
//   mediamtx-api     MediaMTX's Control API answers GET /v3/info, and its version picks the same hook
//                    names as mediamtx.version (skipped when mediamtx.api_url is empty)
//   timezone         the newest segment file's name, read in mediamtx.timezone, is not after the
//                    file's own last write nor after now (else MediaMTX names files in a zone ahead
//                    of it; a zone behind cannot be told from a late write, e.g. a copy)
//   disk             free space on the recordings disk above retention.disk_min_free (warning below
//                    twice the floor)
//   snapshots        the capture module (hook-server-capture.so, libav) loads, found where the
//                    server will look for it (relative to the executable first)
//   server           hook-server answers GET /api/health at server.listen (hooks are spooled
//                    meanwhile, so a warning)
// The exit code is the worst result: 0 ok (or skipped), 1 warning, 2 failure.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "retention/retention.hpp"
#include "util/time.hpp"

namespace hs {

struct DoctorCheck {
  enum class Status { ok, skip, warn, fail };
  std::string name;
  Status status = Status::ok;
  std::string message;  // what was found, naming files and values
  std::string fix;      // what to do; empty for ok and skip
};

struct DoctorOptions {
  std::string path_var;  // MediaMTX's $PATH (doctor's own by default)
  const Clock* clock = nullptr;
  const DiskProbe* disk = nullptr;
};

std::vector<DoctorCheck> run_doctor(const std::filesystem::path& config_file, const DoctorOptions& options);

const char* status_name(DoctorCheck::Status status);  // "ok", "skip", "warn", "fail"
int doctor_exit_code(const std::vector<DoctorCheck>& checks);
// One line per check: "fail  hook-commands    <message>; fix: <fix>".
std::string doctor_text(const std::vector<DoctorCheck>& checks);
// {"status": worst, "checks": [{"name","status","message","fix"}...]}
nlohmann::json doctor_json(const std::vector<DoctorCheck>& checks);

}  // namespace hs
