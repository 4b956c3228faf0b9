// Text forms of instants and durations, written by hand because MediaMTX's Go forms (durations with
// `d`, shortest-float seconds) have no library parser, and RFC 3339 needs strictness date::parse lacks.
#include "util/time.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "util/error.hpp"

namespace hs {

TimePoint Clock::now() const {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

namespace {
// Calendar arithmetic plus fmt: date::format goes through iostreams and costs microseconds, and the
// API formats several times per listed segment.
std::string format_utc(TimePoint t, bool micros) {
  auto day = std::chrono::floor<date::days>(t);
  date::year_month_day ymd{day};
  auto us = (t - day).count();
  int64_t secs = us / 1000000;
  int64_t frac = us % 1000000;
  auto y = static_cast<int>(ymd.year());
  auto mo = static_cast<unsigned>(ymd.month());
  auto d = static_cast<unsigned>(ymd.day());
  if (micros)
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", y, mo, d, secs / 3600, secs / 60 % 60, secs % 60, frac);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, mo, d, secs / 3600, secs / 60 % 60, secs % 60,
                     frac / 1000);
}
}  // namespace

std::string format_rfc3339_ms(TimePoint t) { return format_utc(t, false); }

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<TimePoint> try_parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_min = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  auto ymd = date::year{y} / mo / d;
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  auto t = date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
           std::chrono::seconds{sec} - std::chrono::minutes{offset_min};
  return TimePoint{t} + Micros{micros};
}

}  // namespace

TimePoint parse_rfc3339(std::string_view text) {
  if (auto t = try_parse_rfc3339(text)) return *t;
  throw BadInput(fmt::format("not an RFC 3339 time: {}", quote(text)));
}

std::chrono::year_month_day parse_date(std::string_view text) {
  int y, m, d;
  if (text.size() == 10 && digits(text, 0, 4, y) && text[4] == '-' && digits(text, 5, 2, m) && text[7] == '-' &&
      digits(text, 8, 2, d)) {
    std::chrono::year_month_day day{std::chrono::year{y}, std::chrono::month(static_cast<unsigned>(m)),
                                    std::chrono::day(static_cast<unsigned>(d))};
    if (day.ok()) return day;
  }
  throw BadInput(fmt::format("not a date like 2026-03-29: {}", quote(text)));
}

std::string format_date(std::chrono::year_month_day day) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

Micros parse_duration(std::string_view text) {
  auto fail = [&]() -> Micros {
    throw BadInput(fmt::format("expected a duration like 15d, 90m or 30s, got {}", quote(text)));
  };
  if (text.empty()) fail();
  if (text == "0") return Micros{0};
  long double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    bool dot = false;
    while (pos < text.size() && ((text[pos] >= '0' && text[pos] <= '9') || (text[pos] == '.' && !dot))) {
      dot |= text[pos] == '.';
      ++pos;
    }
    if (pos == start || (pos == start + 1 && text[start] == '.')) fail();
    if (pos - start > 20) fail();  // more digits than any duration up to the bound below; stold would overflow
    long double value = std::stold(std::string(text.substr(start, pos - start)));
    size_t ustart = pos;
    while (pos < text.size() && ((text[pos] >= 'a' && text[pos] <= 'z'))) ++pos;
    std::string_view unit = text.substr(ustart, pos - ustart);
    long double scale;
    if (unit == "d") scale = 86400e6L;
    else if (unit == "h") scale = 3600e6L;
    else if (unit == "m") scale = 60e6L;
    else if (unit == "s") scale = 1e6L;
    else if (unit == "ms") scale = 1e3L;
    else if (unit == "us") scale = 1;
    else return fail();
    total += value * scale;
  }
  if (total > 1e17L) fail();
  return Micros{static_cast<int64_t>(std::llround(total))};
}

std::string format_duration(Micros d) {
  int64_t us = d.count();
  if (us == 0) return "0s";
  std::string out;
  if (us < 0) {
    out = "-";
    us = -us;
  }
  const std::pair<int64_t, const char*> units[] = {
      {86400'000000, "d"}, {3600'000000, "h"}, {60'000000, "m"}, {1'000000, "s"}, {1000, "ms"}, {1, "us"}};
  for (auto [size, name] : units) {
    if (us >= size) {
      out += fmt::format("{}{}", us / size, name);
      us %= size;
    }
  }
  return out;
}

Micros parse_go_seconds(std::string_view text) {
  auto fail = [&]() -> Micros {
    throw BadInput(fmt::format("expected seconds like 3600.016, got {}", quote(text)));
  };
  size_t pos = 0;
  int64_t whole = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    whole = whole * 10 + (text[pos++] - '0');
    // 10^12 s (31,700 years) is beyond any segment; checked after each digit, so whole * 10^6
    // below cannot overflow (the check used to run before the last digit: 10^13 got through).
    if (whole > 1'000'000'000'000LL) fail();
  }
  if (pos == 0) fail();
  int64_t frac = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000;
    int round_digit = -1;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale > 0) frac += (text[pos] - '0') * scale;
      else if (round_digit < 0) round_digit = text[pos] - '0';
      scale /= 10;
      ++pos;
    }
    if (pos == start) fail();
    if (round_digit >= 5) ++frac;
  }
  if (pos != text.size()) fail();
  return Micros{whole * 1'000'000 + frac};
}

}  // namespace hs

namespace hs {
std::string format_rfc3339_us(TimePoint t) { return format_utc(t, true); }
}  // namespace hs
