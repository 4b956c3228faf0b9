#pragma once
// GET /metrics: Prometheus' text exposition (route_table.cpp: loopback callers or the admin token).
#include "api/route_table.hpp"

namespace hs {

void get_metrics(ApiContext& ctx, const Call& call);

}  // namespace hs
