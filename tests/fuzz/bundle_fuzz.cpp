// Fuzz target: the sync bundle reader (shared/sync/bundle.cpp) on arbitrary files. A bundle's
// body is parsed only after its HMAC has been checked, so random files stop at the header or the
// proof; each input is therefore also tried as a body: the first byte picks the kind, the rest
// is sealed with a fixed device id and key, and the whole goes through the decoder.
//
// Invariants: read_bundle_header() and decode_request()/decode_answer() return a bundle or an
// error and never throw; what they accept keeps the limits; it re-encodes, and the re-encoding
// decodes to a bundle that re-encodes to the same bytes again.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shared/sync/bundle.h"
#include "tests/fuzz/fuzz_check.h"

namespace liaison::fuzz {
namespace {

constexpr std::string_view kKey = "6b3a55e0261b0304143f805a24924d0c1c44524821305f31d9277843b8a10c4d";
constexpr std::string_view kDevice = "dev";

sync::BundleLimits limits() {
  sync::BundleLimits l;
  l.max_bytes = 1 << 20;
  l.max_changesets = 64;
  l.max_changeset_bytes = 64 << 10;
  l.max_origins = 256;
  l.max_refusals = 256;
  l.max_blobs = 64;
  return l;
}

// The bundle file around body, signed with kKey.
std::string sealed(sync::BundleKind kind, std::string_view body) {
  std::string out = "LSB";
  out += static_cast<char>(sync::kBundleFormat);
  out += static_cast<char>(kind);
  out += static_cast<char>(kDevice.size());
  out += kDevice;
  auto n = static_cast<uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  out += body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(out.data()), out.size(), mac, &len);
  out.append(reinterpret_cast<const char*>(mac), len);
  return out;
}

template <typename Bundle, typename Decode>
void round_trip(const Bundle& b, Decode decode) {
  check(b.changesets.size() <= limits().max_changesets, "changesets over the limit");
  check(b.blobs.size() <= limits().max_blobs, "blobs over the limit");
  std::string once = sync::encode_bundle(b, kKey);
  auto again = decode(once, kKey, limits());
  check(again.is_ok(), "a re-encoded bundle does not decode");
  check(sync::encode_bundle(again.value(), kKey) == once, "re-encoding is not stable");
}

void try_file(std::string_view in) {
  (void)sync::read_bundle_header(in, limits());
  if (auto r = sync::decode_request(in, kKey, limits())) round_trip(r.value(), sync::decode_request);
  if (auto a = sync::decode_answer(in, kKey, limits())) round_trip(a.value(), sync::decode_answer);
}

}  // namespace
}  // namespace liaison::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace liaison;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  fuzz::try_file(in);
  if (!in.empty()) {
    auto kind = (data[0] & 1) != 0 ? sync::BundleKind::kRequest : sync::BundleKind::kAnswer;
    fuzz::try_file(fuzz::sealed(kind, in.substr(1)));
  }
  return 0;
}
