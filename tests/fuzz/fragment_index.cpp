// Fuzz target: index_fragments (snapshot/fragment_index), the box scanner that finds keyframes for
// snapshots. Invariants: never reads out of bounds, always ends, refuses a file only with hs::Error;
// the fragments it returns lie inside the file, after the init segment.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "memfile.hpp"
#include "snapshot/fragment_index.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hs::snapshot::FragmentIndex idx;
  try {
    idx = hs::snapshot::index_fragments(hs::fuzz::memfile(data, size));
  } catch (const hs::Error&) {
    return 0;
  }
  for (const auto& f : idx.fragments)
    if (f.offset < idx.init_end || f.end <= f.offset || f.end > idx.file_size || f.samples == 0) std::abort();
  (void)idx.last_keyframe();
  (void)idx.first_pts();
  (void)idx.end_pts();
  return 0;
}
