// The engine-independent half of a connection: statement ids and the per-connection statement
// vector behind Connection::query().
#include "index/connection.hpp"

namespace hs::index {

namespace {
std::atomic<int>& next_sql_id() {
  static std::atomic<int> next{0};
  return next;
}
}  // namespace

Sql::Sql(std::string text) : text_(std::move(text)), id_(next_sql_id()++) {}

Query::Query(Statement& cached) : stmt_(&cached) { cached.leased_ = true; }

Query::Query(std::unique_ptr<Statement> own) : owned_(std::move(own)), stmt_(owned_.get()) {}

Query::~Query() {
  if (owned_) return;
  stmt_->reset();
  stmt_->leased_ = false;
}

Connection::~Connection() = default;

Query Connection::query(const Sql& sql) {
  const auto id = static_cast<std::size_t>(sql.id());
  if (id >= statements_.size()) statements_.resize(id + 1);  // Queries point at statements, not slots
  auto& kept = statements_[id];
  if (!kept) kept = compile(sql);
  if (kept->leased_) return Query(compile(sql));
  return Query(*kept);
}

void Connection::drop_statements() noexcept { statements_.clear(); }

std::string render_tokens(std::string text, const std::vector<std::pair<std::string_view, std::string_view>>& tokens) {
  for (const auto& [token, rendering] : tokens)
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at + rendering.size()))
      text.replace(at, token.size(), rendering);
  return text;
}

}  // namespace hs::index
