// recordPath encoding and decoding with a small backtracking matcher (only %path is variable in
// width), written by hand because std::regex costs microseconds per name and reconcile reads
// hundreds of thousands of names.
#include "domain/record_path.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"

namespace hs {

namespace {

bool all_digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int to_int(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

bool valid_path_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  for (char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              c == '-' || c == '/' || c == '.';
    if (!ok) return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    auto element = name.substr(start, end - start);
    if (element.empty() || element == "." || element == "..") return false;
    start = end + 1;
  }
  return true;
}

struct RecordPath::Fields {
  std::string path;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micro = 0;
  bool has_offset = false;
  int offset_minutes = 0;
  int64_t unix = 0;
};

RecordPath::RecordPath(std::string pattern, std::string_view format, Zone zone)
    : pattern_(std::move(pattern)), zone_(std::move(zone)) {
  if (format == "fmp4") extension_ = ".mp4";
  else if (format == "mpegts") extension_ = ".ts";
  else throw BadInput(fmt::format("recordFormat: expected fmp4 or mpegts, got {}", quote(format)));

  auto has = [&](std::string_view spec) { return pattern_.find(spec) != std::string::npos; };
  if (!has("%path"))
    throw BadInput(fmt::format("recordPath {} must contain %path", quote(pattern_)));
  if (!has("%s") && !(has("%Y") && has("%m") && has("%d") && has("%H") && has("%M") && has("%S")))
    throw BadInput(fmt::format("recordPath {} must contain %s or all of %Y %m %d %H %M %S", quote(pattern_)));

  // Split off the common root: directory elements before the first one holding '%'.
  size_t cut = 0;
  size_t percent = pattern_.find('%');
  size_t slash = pattern_.rfind('/', percent);
  if (slash != std::string::npos) cut = slash + 1;
  root_ = slash == std::string::npos ? "." : pattern_.substr(0, slash == 0 ? 1 : slash);
  relative_ = pattern_.substr(cut) + extension_;

  static constexpr std::pair<char, Kind> kSpecs[] = {
      {'Y', Kind::year},   {'m', Kind::month},  {'d', Kind::day},   {'H', Kind::hour},
      {'M', Kind::minute}, {'S', Kind::second}, {'f', Kind::micro}, {'z', Kind::offset},
      {'s', Kind::unix}};
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) tokens_.push_back({Kind::literal, std::exchange(literal, {})});
  };
  for (size_t i = 0; i < relative_.size(); ++i) {
    if (relative_[i] == '%') {
      if (relative_.compare(i, 5, "%path") == 0) {
        flush();
        tokens_.push_back({Kind::path, {}});
        i += 4;
        continue;
      }
      if (i + 1 < relative_.size()) {
        bool found = false;
        for (auto [c, kind] : kSpecs) {
          if (relative_[i + 1] == c) {
            flush();
            tokens_.push_back({kind, {}});
            has_unix_ |= kind == Kind::unix;
            ++i;
            found = true;
            break;
          }
        }
        if (found) continue;
      }
    }
    literal += relative_[i];
  }
  flush();
  // Each %path is matched lazily by trying every end; with two or more the tries multiply (a
  // fuzzed pattern with a dozen took minutes per name). A name holds its path once.
  if (std::count_if(tokens_.begin(), tokens_.end(), [](const Token& t) { return t.kind == Kind::path; }) > 1)
    throw BadInput(fmt::format("recordPath {} must contain %path only once", quote(pattern_)));
}

bool RecordPath::match(size_t ti, std::string_view s, size_t pos, Fields& f) const {
  if (ti == tokens_.size()) return pos == s.size();
  const Token& t = tokens_[ti];
  auto fixed = [&](size_t n, int& out) {
    if (!all_digits(s, pos, n)) return false;
    out = to_int(s, pos, n);
    return match(ti + 1, s, pos + n, f);
  };
  switch (t.kind) {
    case Kind::literal:
      return s.compare(pos, t.text.size(), t.text) == 0 && match(ti + 1, s, pos + t.text.size(), f);
    case Kind::path:
      // Lazy, like MediaMTX's (.*?): the shortest name that lets the rest match.
      for (size_t end = pos + 1; end <= s.size(); ++end) {
        if (match(ti + 1, s, end, f)) {
          f.path = std::string(s.substr(pos, end - pos));
          return true;
        }
      }
      return false;
    case Kind::year: return fixed(4, f.year);
    case Kind::month: return fixed(2, f.month);
    case Kind::day: return fixed(2, f.day);
    case Kind::hour: return fixed(2, f.hour);
    case Kind::minute: return fixed(2, f.minute);
    case Kind::second: return fixed(2, f.second);
    case Kind::micro: return fixed(6, f.micro);
    case Kind::unix:
      if (!all_digits(s, pos, 10)) return false;
      f.unix = 0;
      for (size_t i = pos; i < pos + 10; ++i) f.unix = f.unix * 10 + (s[i] - '0');
      return match(ti + 1, s, pos + 10, f);
    case Kind::offset:
      if (pos < s.size() && s[pos] == 'Z') {
        f.has_offset = true;
        f.offset_minutes = 0;
        return match(ti + 1, s, pos + 1, f);
      }
      if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && all_digits(s, pos + 1, 4)) {
        f.has_offset = true;
        int hh = to_int(s, pos + 1, 2), mm = to_int(s, pos + 3, 2);
        f.offset_minutes = (hh * 60 + mm) * (s[pos] == '-' ? -1 : 1);
        return match(ti + 1, s, pos + 5, f);
      }
      return false;
  }
  return false;
}

std::optional<RecordPath::Decoded> RecordPath::decode(std::string_view relative) const {
  Fields f;
  if (!match(0, relative, 0, f) || !valid_path_name(f.path)) return std::nullopt;
  if (has_unix_ && f.unix > 0)
    return Decoded{f.path, TimePoint{std::chrono::seconds{f.unix}} + Micros{f.micro}};
  auto ymd = date::year{f.year} / f.month / f.day;
  if (!ymd.ok() || f.hour > 23 || f.minute > 59 || f.second > 59) return std::nullopt;
  auto wall = date::sys_days{ymd}.time_since_epoch() + std::chrono::hours{f.hour} +
              std::chrono::minutes{f.minute} + std::chrono::seconds{f.second};
  std::chrono::sys_seconds start =
      f.has_offset ? std::chrono::sys_seconds{wall - std::chrono::minutes{f.offset_minutes}}
                   : zone_.from_local(std::chrono::duration_cast<std::chrono::seconds>(wall));
  return Decoded{f.path, TimePoint{start} + Micros{f.micro}};
}

RecordPath::Decoded RecordPath::decode_or_throw(std::string_view relative) const {
  if (auto d = decode(relative)) return *d;
  throw BadInput(fmt::format("segment name {} does not match recordPath {}", quote(relative),
                             quote(pattern_ + extension_)));
}

std::string RecordPath::encode(std::string_view path, TimePoint start) const {
  auto secs = std::chrono::floor<std::chrono::seconds>(start);
  auto offset = zone_.offset_at(secs);
  auto local = date::sys_seconds{secs.time_since_epoch() + offset};
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  date::hh_mm_ss hms{local - day};
  int micro = static_cast<int>((start - std::chrono::time_point_cast<Micros>(secs)).count());
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.kind) {
      case Kind::literal: out += t.text; break;
      case Kind::path: out += path; break;
      case Kind::year: out += fmt::format("{}", static_cast<int>(ymd.year())); break;
      case Kind::month: out += fmt::format("{:02}", static_cast<unsigned>(ymd.month())); break;
      case Kind::day: out += fmt::format("{:02}", static_cast<unsigned>(ymd.day())); break;
      case Kind::hour: out += fmt::format("{:02}", hms.hours().count()); break;
      case Kind::minute: out += fmt::format("{:02}", hms.minutes().count()); break;
      case Kind::second: out += fmt::format("{:02}", hms.seconds().count()); break;
      case Kind::micro: out += fmt::format("{:06}", micro); break;
      case Kind::unix: out += fmt::format("{}", secs.time_since_epoch().count()); break;
      case Kind::offset: {
        auto minutes = std::chrono::duration_cast<std::chrono::minutes>(offset).count();
        if (minutes == 0) out += "Z";
        else out += fmt::format("{}{:02}{:02}", minutes < 0 ? '-' : '+', std::abs(minutes) / 60, std::abs(minutes) % 60);
        break;
      }
    }
  }
  return out;
}

}  // namespace hs
