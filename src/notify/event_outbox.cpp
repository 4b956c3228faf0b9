// Events into the outbox: webhook subscriptions and the debounce of state changes.
#include "notify/event_outbox.hpp"

#include "util/log.hpp"

namespace hs {

std::vector<WebhookTarget> webhook_targets(const Config& config) {
  std::vector<WebhookTarget> out;
  for (const auto& w : config.webhooks) out.push_back({w.url, w.events, w.secret});
  for (const auto& url : config.retention.notify_webhooks)
    out.push_back({url,
                   {std::string(event_type_name(EventType::recordings_expiring)),
                    std::string(event_type_name(EventType::recordings_deleted))},
                   ""});
  return out;
}

std::vector<std::string> webhook_urls(const std::vector<WebhookTarget>& targets, EventType type) {
  std::vector<std::string> out;
  for (const auto& t : targets)
    if (wants(t.events, type)) out.push_back(t.url);
  return out;
}

EventOutbox::EventOutbox(const Config& config, Database& db, const Clock& clock, Micros window)
    : db_(db), clock_(clock), targets_(webhook_targets(config)), debounce_(window) {}

void add_event(Writer& w, const std::vector<WebhookTarget>& targets, EventType type, const std::string& camera,
               TimePoint at, nlohmann::json data, TimePoint now) {
  WebhookEvent e{"", type, at, camera.empty() ? std::nullopt : std::optional<std::string>(camera), std::move(data)};
  w.add_event(e, webhook_urls(targets, type), now);
}

void EventOutbox::change(EventType type, const std::string& camera, TimePoint at, nlohmann::json data) {
  std::lock_guard lock(mutex_);
  // Offered even when no webhook wants this type: the debounce must see both states of a family.
  data_[{camera, type}] = std::move(data);
  if (auto e = debounce_.offer(type, camera, at, clock_.now())) write(*e);
}

std::size_t EventOutbox::flush_due() {
  std::lock_guard lock(mutex_);
  auto due = debounce_.due(clock_.now());
  for (const auto& e : due) write(e);
  return due.size();
}

void EventOutbox::write(const EventDebounce::Event& e) {
  if (webhook_urls(targets_, e.type).empty()) return;
  nlohmann::json data = data_[{e.camera, e.type}];
  if (!data.is_object()) data = nlohmann::json::object();
  data["changes"] = e.changes;
  try {
    auto now = clock_.now();
    db_.write([&](Writer& w) { add_event(w, targets_, e.type, e.camera, e.time, std::move(data), now); });
  } catch (const std::exception& err) {
    log::get("notify")->error("{} of camera {} not written to the outbox: {}", event_type_name(e.type), e.camera,
                              err.what());
  }
}

}  // namespace hs
