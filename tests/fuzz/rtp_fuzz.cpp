// Fuzz target: junk RTP at the relay. The RTP/RTCP parsers, and a relay stream with a plain leg
// and an SRTP leg fed the bytes from a stranger and from the latched source, on the RTP port and
// the RTCP port. Nothing may crash, read out of bounds, or let junk latch.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "media/relay.hpp"
#include "media/rtp.hpp"

namespace {

using namespace gatehouse::media;

relay_stream& stream() {
  static relay_stream s = [] {
    relay_stream r;
    auto const now = std::chrono::steady_clock::time_point{};
    r.set_remote(0, socket_address{*parse_ip("192.0.2.1"), 4000},
                 socket_address{*parse_ip("192.0.2.1"), 4001}, false, now, std::chrono::seconds(2));
    r.set_remote(1, socket_address{*parse_ip("198.51.100.1"), 5000}, std::nullopt, true, now,
                 std::chrono::seconds(2));
    (void)r.set_keys(1, srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80),
                     srtp_key::generate(srtp_suite::aead_aes_128_gcm));
    return r;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size > 1500) return 0;
  std::span<std::uint8_t const> const bytes(data, size);
  rtp_header h;
  (void)parse_rtp(bytes, h);
  (void)parse_srtp_header(bytes, h);
  rtcp_info info;
  (void)parse_rtcp(bytes, info);
  (void)is_rtcp(bytes);

  auto& s = stream();
  auto const latched_before = s.leg(1).rtp.latched;
  std::array<std::uint8_t, 1500 + srtp_max_trailer> buf;
  auto const now = std::chrono::steady_clock::time_point{} + std::chrono::seconds(10);
  for (std::uint8_t leg : {std::uint8_t(0), std::uint8_t(1)})
    for (bool rtcp_port : {false, true}) {
      if (size) std::memcpy(buf.data(), data, size);
      auto const source =
          socket_address{*parse_ip(leg == 0 ? "203.0.113.9" : "198.51.100.66"), 7777};
      auto const a = s.on_packet(leg, rtcp_port, buf.data(), size, buf.size(), source, now);
      if (a.send && a.length > buf.size()) __builtin_trap();
    }
  // The SRTP leg cannot be latched by bytes nobody could authenticate.
  if (s.leg(1).rtp.latched != latched_before) __builtin_trap();
  return 0;
}
