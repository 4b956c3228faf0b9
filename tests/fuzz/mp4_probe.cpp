// Fuzz target: probe_mp4 (media/mp4_probe), the box scanner that measures every segment the
// reconciler finds. Invariants: never reads out of bounds, always ends, throws nothing for a file
// it can read; the counts it returns are consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "media/mp4_probe.hpp"
#include "memfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hs::Mp4Probe p = hs::probe_mp4(hs::fuzz::memfile(data, size));
  if (p.fragments > 0 && !p.fragmented) std::abort();
  if (p.duration && p.duration->count() < 0) std::abort();
  return 0;
}
