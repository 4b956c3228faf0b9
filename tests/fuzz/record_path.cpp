// Fuzz target: the recordPath decoder (domain/record_path), which reads every file name found under
// the recordings folder and every MTX_SEGMENT_PATH a hook sends. Invariants: a name either decodes
// or does not (no exception, no out-of-bounds read); a decoded name's path is a valid MediaMTX path
// name; encoding the decoded segment and decoding that again gives the same path and start
// (within the years MediaMTX's own names read back, see below).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "domain/record_path.hpp"
#include "util/error.hpp"

namespace {

// Patterns MediaMTX users write (its default first), covering every specifier.
const hs::RecordPath& pattern(std::uint8_t which) {
  static const hs::RecordPath patterns[] = {
      {"./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", hs::Zone()},
      {"/rec/%path/%s", "mpegts", hs::Zone()},
      {"/rec/%path/%s-%f", "fmp4", hs::Zone()},
      {"rec/%Y/%m/%d/%path/%H%M%S%z", "fmp4", hs::Zone()},
      {"/srv/%path_%Y%m%d_%H%M%S_%f", "fmp4", hs::Zone()},
  };
  return patterns[which % std::size(patterns)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] >= 0xf0) {
    // A pattern from the configuration: constructing it either works or throws BadInput.
    auto nl = text.find('\n');
    std::string_view pat = text.substr(0, nl);
    try {
      hs::RecordPath rp(std::string(pat), (data[0] & 1) ? "mpegts" : "fmp4", hs::Zone());
      if (nl != std::string_view::npos) (void)rp.decode(text.substr(nl + 1));
    } catch (const hs::BadInput&) {
    }
    return 0;
  }
  const hs::RecordPath& rp = pattern(data[0]);
  auto decoded = rp.decode(text);
  if (!decoded) return 0;
  if (!hs::valid_path_name(decoded->path)) std::abort();
  // MediaMTX writes %s and %Y unpadded (FormatInt, Itoa) but reads them as exactly 10 and 4 digits,
  // and encode() copies it: names only read back alike between 2001-09-09 and 2286 (10-digit Unix
  // seconds). Outside that window the round trip is not promised (nor done by MediaMTX).
  const auto secs = std::chrono::floor<std::chrono::seconds>(decoded->start).time_since_epoch().count();
  if (secs < 1'000'000'000 || secs >= 9'999'999'999) return 0;
  std::string name = rp.encode(decoded->path, decoded->start);
  auto again = rp.decode(name);
  if (!again || again->path != decoded->path || again->start != decoded->start) std::abort();
  return 0;
}
