#include "shared/sync/row_clock.h"

#include "shared/util/varint.h"

namespace liaison::sync {

std::string RowClock::encode() const {
  std::string out;
  std::vector<bool> done(fields.size(), false);
  for (size_t i = 1; i < fields.size(); ++i) {
    if (done[i] || fields[i].stamp.hlc == 0) continue;
    const FieldClock& f = fields[i];
    uint64_t mask = 0;
    bool has_bases = false;
    for (size_t j = i; j < fields.size(); ++j) {
      if (done[j] || fields[j].stamp != f.stamp || fields[j].seq != f.seq) continue;
      mask |= uint64_t{1} << j;
      has_bases = has_bases || fields[j].base.hlc != 0;
      done[j] = true;
    }
    put_varint(out, f.stamp.hlc);
    put_varint(out, f.stamp.origin);
    put_varint(out, f.seq);
    put_varint(out, mask << 1 | (has_bases ? 1 : 0));
    if (!has_bases) continue;
    for (size_t j = i; j < fields.size(); ++j) {
      if (!(mask & (uint64_t{1} << j))) continue;
      put_varint(out, fields[j].base.hlc);
      if (fields[j].base.hlc != 0) put_varint(out, fields[j].base.origin);
    }
  }
  return out;
}

Result<RowClock> RowClock::decode(std::string_view blob, size_t n_columns) {
  RowClock clock;
  clock.fields.resize(n_columns);
  size_t pos = 0;
  while (pos < blob.size()) {
    uint64_t hlc, origin, seq, word;
    if (!get_varint(blob, pos, hlc) || !get_varint(blob, pos, origin) ||
        !get_varint(blob, pos, seq) || !get_varint(blob, pos, word) || origin > UINT32_MAX)
      return Status::corruption("row clock truncated");
    uint64_t mask = word >> 1;
    if (n_columns < 64 && (mask >> n_columns) != 0) return Status::corruption("row clock mask");
    for (size_t j = 1; j < n_columns && j < 64; ++j) {
      if (!(mask & (uint64_t{1} << j))) continue;
      FieldClock& f = clock.fields[j];
      f.stamp = {hlc, static_cast<uint32_t>(origin)};
      f.seq = seq;
      if (word & 1) {
        uint64_t base_hlc = 0, base_origin = 0;
        if (!get_varint(blob, pos, base_hlc)) return Status::corruption("row clock base");
        if (base_hlc != 0 && !get_varint(blob, pos, base_origin))
          return Status::corruption("row clock base origin");
        f.base = {base_hlc, static_cast<uint32_t>(base_origin)};
      }
    }
  }
  return clock;
}

}  // namespace liaison::sync
