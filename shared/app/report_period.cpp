#include "shared/app/report_period.h"

#include <fmt/format.h>

namespace liaison::app {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int digits(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in(Month m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m.month == 2 && is_leap(m.year) ? 29 : kDays[m.month - 1];
}

}  // namespace

Result<Month> parse_month(std::string_view text) {
  bool shape = text.size() == 7 && text[4] == '-';
  for (size_t i = 0; shape && i < text.size(); ++i)
    if (i != 4 && !is_digit(text[i])) shape = false;
  if (!shape) return Status::invalid("err.bad_month", std::string(text));
  Month m{digits(text.substr(0, 4)), digits(text.substr(5, 2))};
  if (m.year < 1900 || m.month < 1 || m.month > 12)
    return Status::invalid("err.bad_month", std::string(text));
  return m;
}

Month month_of(std::string_view date) {
  return Month{digits(date.substr(0, 4)), digits(date.substr(5, 2))};
}

std::string month_name(Month m) { return fmt::format("{:04}-{:02}", m.year, m.month); }
std::string first_day(Month m) { return month_name(m) + "-01"; }
std::string last_day(Month m) { return fmt::format("{}-{:02}", month_name(m), days_in(m)); }

Month next_month(Month m) {
  return m.month == 12 ? Month{m.year + 1, 1} : Month{m.year, m.month + 1};
}
Month previous_month(Month m) {
  return m.month == 1 ? Month{m.year - 1, 12} : Month{m.year, m.month - 1};
}

Month quarter_start(Month m) { return Month{m.year, (m.month - 1) / 3 * 3 + 1}; }
std::string quarter_name(Month m) {
  return fmt::format("{:04}-Q{}", m.year, (m.month - 1) / 3 + 1);
}
Month next_quarter(Month m) {
  Month q = quarter_start(m);
  return q.month == 10 ? Month{q.year + 1, 1} : Month{q.year, q.month + 3};
}

Result<std::string> local_date(storage::Db& db, const std::string& iso_time) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, db.prepare("SELECT date(?, 'localtime')"));
  q.bind(1, iso_time);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found || q.column_is_null(0)) return Status::invalid("err.bad_time", iso_time);
  return q.column_text(0);
}

}  // namespace liaison::app
