#include "tools/faultproxy/fault_config.h"

#include <algorithm>
#include <charconv>

namespace liaison::faultproxy {

namespace {

// SplitMix64: spreads a seed and a connection number into independent streams.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::optional<Strike> strike(Rng& rng, const Trigger& t) {
  // Both draws happen whatever the outcome, so one trigger's settings never shift the others'.
  double roll = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  uint64_t at = draw(rng, t.after.min, std::max(t.after.min, t.after.max));
  if (t.chance <= 0 || roll >= t.chance) return std::nullopt;
  return Strike{t.turn, at, t.message};
}

Status check_trigger(const Trigger& t, const std::string& name) {
  if (!(t.chance >= 0 && t.chance <= 1)) return Status::invalid("err.usage", name + ".chance");
  if (t.after.min > t.after.max) return Status::invalid("err.usage", name + ".after");
  return {};
}

Status check_direction(const DirectionFaults& d, const std::string& name) {
  LIAISON_RETURN_IF_ERROR(check_trigger(d.cut, name + ".cut"));
  LIAISON_RETURN_IF_ERROR(check_trigger(d.stall, name + ".stall"));
  if (d.stall_for.count() < 0) return Status::invalid("err.usage", name + ".stall_for");
  if (d.delay.count() < 0) return Status::invalid("err.usage", name + ".delay");
  if (d.jitter.count() < 0) return Status::invalid("err.usage", name + ".jitter");
  return {};
}

Result<uint64_t> parse_count(std::string_view text) {
  uint64_t unit = 1;
  if (!text.empty() && (text.back() == 'k' || text.back() == 'K')) unit = 1024;
  if (!text.empty() && text.back() == 'M') unit = 1024 * 1024;
  if (unit != 1) text.remove_suffix(1);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      n > UINT64_MAX / unit)
    return Status::invalid("err.usage", std::string(text));
  return n * unit;
}

}  // namespace

FaultConfig bad_link(uint64_t bits_per_second, std::chrono::milliseconds round_trip) {
  FaultConfig c;
  for (DirectionFaults* d : {&c.up, &c.down}) {
    d->bytes_per_second = bits_per_second / 8;
    d->delay = round_trip / 2;
  }
  return c;
}

Status validate(const FaultConfig& config) {
  LIAISON_RETURN_IF_ERROR(check_direction(config.up, "up"));
  LIAISON_RETURN_IF_ERROR(check_direction(config.down, "down"));
  if (config.faulty_from == 0 || config.faulty_from > config.faulty_to)
    return Status::invalid("err.usage", "faulty_from");
  if (config.cut_every.count() < 0) return Status::invalid("err.usage", "cut_every");
  return {};
}

ConnectionPlan draw_plan(const FaultConfig& config, uint64_t connection_number) {
  Rng rng(mix(config.seed ^ mix(connection_number)));
  ConnectionPlan p;
  p.cut_up = strike(rng, config.up.cut);
  p.cut_down = strike(rng, config.down.cut);
  p.stall_up = strike(rng, config.up.stall);
  p.stall_down = strike(rng, config.down.stall);
  p.up_seed = rng();
  p.down_seed = rng();
  if (connection_number < config.faulty_from || connection_number > config.faulty_to) {
    p.cut_up = p.cut_down = p.stall_up = p.stall_down = std::nullopt;
  }
  return p;
}

uint64_t draw(Rng& rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}

Bandwidth::Clock::time_point Bandwidth::pass(Clock::time_point now, uint64_t n,
                                             uint64_t bytes_per_second) {
  auto start = std::max(now, free_at_);
  auto cost = std::chrono::nanoseconds(
      static_cast<int64_t>(static_cast<double>(n) * 1e9 / static_cast<double>(bytes_per_second)));
  free_at_ = start + std::chrono::duration_cast<Clock::duration>(cost);
  return free_at_;
}

Result<ByteRange> parse_byte_range(const std::string& text) {
  size_t dash = text.find('-');
  std::string_view all(text);
  if (dash == std::string::npos) {
    LIAISON_ASSIGN_OR_RETURN(uint64_t n, parse_count(all));
    return ByteRange{n, n};
  }
  LIAISON_ASSIGN_OR_RETURN(uint64_t lo, parse_count(all.substr(0, dash)));
  LIAISON_ASSIGN_OR_RETURN(uint64_t hi, parse_count(all.substr(dash + 1)));
  if (lo > hi) return Status::invalid("err.usage", text);
  return ByteRange{lo, hi};
}

Result<std::pair<std::string, uint16_t>> parse_host_port(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return Status::invalid("err.usage", text);
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string_view port = std::string_view(text).substr(colon + 1);
  unsigned n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc() || end != port.data() + port.size() || n > 65535)
    return Status::invalid("err.usage", text);
  return std::make_pair(host, static_cast<uint16_t>(n));
}

}  // namespace liaison::faultproxy
