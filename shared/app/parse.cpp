#include "shared/app/parse.h"

#include <ctime>

#include <fmt/format.h>

namespace liaison::app {

namespace {

// Length in bytes of the whitespace character at the start of s, or 0.
size_t space_at(std::string_view s) {
  if (s.empty()) return 0;
  unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (s.substr(0, 2) == "\xC2\xA0") return 2;      // U+00A0 no-break space
  if (s.substr(0, 3) == "\xE3\x80\x80") return 3;  // U+3000 ideographic space
  return 0;
}

// Length in bytes of the whitespace character at the end of s, or 0.
size_t space_before_end(std::string_view s) {
  if (s.empty()) return 0;
  unsigned char c = static_cast<unsigned char>(s.back());
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") return 2;
  if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") return 3;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at s[pos...] into out; false when they are not all digits.
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// True when s[0..10) is a valid "YYYY-MM-DD"; fills the parts.
bool date_part(std::string_view s, int& y, int& m, int& d) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return false;
  return y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

// "+08:00" for this machine's offset from UTC at the given local wall time.
std::string local_offset(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  std::tm local{};
  localtime_r(&t, &local);
  long off = local.tm_gmtoff / 60;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return fmt::format("{}{:02}:{:02}", sign, off / 60, off % 60);
}

// Parses the zone suffix at s[pos...]: "", "Z" or "±HH:MM". Empty zone means none given.
bool zone_part(std::string_view s, size_t pos, std::string& zone) {
  std::string_view rest = s.substr(pos);
  if (rest.empty()) return true;
  if (rest == "Z") {
    zone = "Z";
    return true;
  }
  int h = 0, m = 0;
  if (rest.size() != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':') return false;
  if (!digits(rest, 1, 2, h) || !digits(rest, 4, 2, m) || h > 23 || m > 59) return false;
  zone = std::string(rest);
  return true;
}

}  // namespace

std::string trim(std::string_view s) {
  while (size_t n = space_at(s)) s.remove_prefix(n);
  while (size_t n = space_before_end(s)) s.remove_suffix(n);
  return std::string(s);
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;  // continuation bytes
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07;
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    bool overlong = (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += n + 1;
  }
  return true;
}

Status check_text(std::string_view text, std::string_view field) {
  if (text.size() > kMaxText) return Status::limit(std::string(field));
  if (!is_utf8(text)) return Status::invalid("err.utf8", std::string(field));
  return {};
}

Status check_required_text(std::string_view text, std::string_view field) {
  if (is_blank(text)) return Status::invalid("err.empty", std::string(field));
  return check_text(text, field);
}

Result<std::string> parse_time(std::string_view text) {
  std::string t = trim(text);
  auto bad = [&] { return Status::invalid("err.bad_time", t); };
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!date_part(t, y, mo, d)) return bad();
  if (t.size() == 10) return t;
  if (t[10] != 'T' || t.size() < 16 || t[13] != ':') return bad();
  if (!digits(t, 11, 2, h) || !digits(t, 14, 2, mi) || h > 23 || mi > 59) return bad();
  size_t pos = 16;
  std::string fraction;
  if (pos < t.size() && t[pos] == ':') {
    if (!digits(t, pos + 1, 2, sec) || sec > 59) return bad();
    pos += 3;
    if (pos < t.size() && t[pos] == '.') {
      size_t end = pos + 1;
      while (end < t.size() && is_digit(t[end])) ++end;
      if (end == pos + 1 || end - pos > 10) return bad();
      fraction = t.substr(pos, end - pos);
      pos = end;
    }
  }
  std::string zone;
  if (!zone_part(t, pos, zone)) return bad();
  if (zone.empty()) zone = local_offset(y, mo, d, h, mi, sec);
  return fmt::format("{}T{:02}:{:02}:{:02}{}{}", t.substr(0, 10), h, mi, sec, fraction, zone);
}

Result<std::string> parse_date(std::string_view text) {
  std::string t = trim(text);
  int y, m, d;
  if (t.size() != 10 || !date_part(t, y, m, d)) return Status::invalid("err.bad_date", t);
  return t;
}

Result<std::string> parse_phone(std::string_view text) {
  std::string t = trim(text);
  auto bad = [&] { return Status::invalid("err.bad_phone", t); };
  if (t.size() < 5 || t.size() > 20) return bad();
  size_t n_digits = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (is_digit(c)) ++n_digits;
    else if (!(c == '-' || c == ' ' || (c == '+' && i == 0))) return bad();
  }
  if (n_digits < 5) return bad();
  return t;
}

Result<int64_t> parse_count(std::string_view text) {
  std::string t = trim(text);
  if (t.empty() || t.size() > 13) return Status::invalid("err.bad_number", t);
  int64_t v = 0;
  for (char c : t) {
    if (!is_digit(c)) return Status::invalid("err.bad_number", t);
    v = v * 10 + (c - '0');
  }
  if (v > 1'000'000'000'000) return Status::invalid("err.bad_number", t);
  return v;
}

Status check_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || !is_utf8(id)) return Status::invalid("err.bad_id", std::string(id));
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return Status::invalid("err.bad_id", std::string(id));
  }
  bool wide_space = id.find("\xC2\xA0") != std::string_view::npos ||
                    id.find("\xE3\x80\x80") != std::string_view::npos;
  if (wide_space) return Status::invalid("err.bad_id", std::string(id));
  return {};
}

}  // namespace liaison::app
