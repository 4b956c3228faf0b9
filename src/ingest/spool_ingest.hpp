#pragma once
// Ingesting the spool: the events hook clients left on disk while the server could not take them,
// applied like hooks that arrive late. Used by the server's worker and by `hook-server reconcile`.
#include <cstddef>

#include "hooks/spool.hpp"
#include "ingest/hook_ingest.hpp"

namespace hs {

// Applies every pending spooled event. Malformed or refused events are set aside in the spool's
// rejected file with the reason; an event that cannot be applied now (the index is busy or broken)
// stays, with the rest, for the next call. Returns the number of events handled.
std::size_t ingest_spool(Spool& spool, HookIngest& ingest, const Clock& clock);

}  // namespace hs
