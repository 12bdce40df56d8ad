// The relay's per-packet pipeline in process: latching behind NAT, strict source, junk and
// forged SRTP never latching, RTCP with and without mux, and every SRTP/RTP bridging combination.
#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <vector>

#include "media/relay.hpp"
#include "media/rtp.hpp"

using namespace gatehouse::media;
using namespace std::chrono_literals;

namespace {

using time_point = std::chrono::steady_clock::time_point;
time_point const t0 = time_point{} + 100s;

socket_address at(char const* ip, std::uint16_t port) {
  return {*parse_ip(ip), port};
}

// A buffer with room for the SRTP trailer, holding one RTP packet: 12-byte header, then payload
// bytes that encode the sequence number so the receiver can check what it got.
struct packet {
  std::array<std::uint8_t, 1500> buf{};
  std::size_t len = 0;
};

packet rtp(std::uint16_t seq, std::uint32_t ssrc, std::size_t payload = 172) {
  packet p;
  p.buf[0] = 0x80;
  p.buf[1] = 0;  // PCMU
  p.buf[2] = std::uint8_t(seq >> 8);
  p.buf[3] = std::uint8_t(seq);
  std::uint32_t const ts = seq * 160u;
  for (int i = 0; i < 4; ++i) p.buf[std::size_t(4 + i)] = std::uint8_t(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) p.buf[std::size_t(8 + i)] = std::uint8_t(ssrc >> (24 - 8 * i));
  for (std::size_t i = 0; i < payload; ++i) p.buf[12 + i] = std::uint8_t(seq + i);
  p.len = 12 + payload;
  return p;
}

// An RTCP receiver report from `ssrc` with one report block (fraction lost 10/256, jitter 80).
packet rtcp_rr(std::uint32_t ssrc) {
  packet p;
  std::uint8_t const rr[] = {0x81,
                             201,
                             0,
                             7,  // V=2, RC=1, PT=RR, length 7 words
                             std::uint8_t(ssrc >> 24),
                             std::uint8_t(ssrc >> 16),
                             std::uint8_t(ssrc >> 8),
                             std::uint8_t(ssrc),
                             0,
                             0,
                             0,
                             1,  // SSRC_1
                             10,
                             0,
                             0,
                             3,  // fraction lost 10, cumulative 3
                             0,
                             0,
                             1,
                             0,  // highest seq
                             0,
                             0,
                             0,
                             80,  // jitter 80
                             0,
                             0,
                             0,
                             0,
                             0,
                             0,
                             0,
                             0};  // LSR, DLSR
  std::memcpy(p.buf.data(), rr, sizeof rr);
  p.len = sizeof rr;
  return p;
}

relay_action relay(relay_stream& s, std::uint8_t leg, packet& p, socket_address const& from,
                   time_point now = t0, bool rtcp_port = false) {
  relay_action const a = s.on_packet(leg, rtcp_port, p.buf.data(), p.len, p.buf.size(), from, now);
  if (a.send) p.len = a.length;
  return a;
}

std::uint64_t dropped(relay_stream const& s, std::uint8_t leg, drop_reason r) {
  return s.leg(leg).stats.dropped[std::size_t(r)];
}

// The phone on side A is behind NAT: its SDP says 192.168.1.20:49170, it sends from 203.0.113.7.
socket_address const a_sdp = at("192.168.1.20", 49170);
socket_address const a_nat = at("203.0.113.7", 31337);
socket_address const b_sdp = at("198.51.100.20", 40000);
socket_address const stranger = at("192.0.2.66", 5555);

relay_stream plain_stream() {
  relay_stream s;
  s.set_remote(0, a_sdp, at("192.168.1.20", 49171), false, t0, 2s);
  s.set_remote(1, b_sdp, at("198.51.100.20", 40001), false, t0, 2s);
  return s;
}

}  // namespace

TEST_CASE("relay: latching behind NAT, both ways") {
  relay_stream s = plain_stream();
  // B speaks first: A has not sent yet, so B's packets go to A's SDP address.
  auto p = rtp(1, 0xb);
  auto a = relay(s, 1, p, b_sdp);
  REQUIRE(a.send);
  CHECK(a.out_leg == 0);
  CHECK(a.to == a_sdp);
  // A's first packet comes from its NAT address: latched, and relayed to B.
  p = rtp(1, 0xa);
  a = relay(s, 0, p, a_nat);
  REQUIRE(a.send);
  CHECK(a.to == b_sdp);
  CHECK(!a.from_rtcp_port);
  // Now B's packets go where A really is.
  p = rtp(2, 0xb);
  a = relay(s, 1, p, b_sdp);
  CHECK(a.to == a_nat);
  CHECK(s.leg(0).stats.packets == 1);
  CHECK(s.leg(0).stats.bytes == 184);
  CHECK(s.leg(1).stats.packets == 2);
}

TEST_CASE("relay: a stranger after latching is dropped and counted (strict source)") {
  relay_stream s = plain_stream();
  auto p = rtp(1, 0xa);
  REQUIRE(relay(s, 0, p, a_nat).send);
  p = rtp(2, 0xe);
  auto const a = relay(s, 0, p, stranger);
  CHECK(!a.send);
  CHECK(a.reason == drop_reason::wrong_source);
  CHECK(dropped(s, 0, drop_reason::wrong_source) == 1);
  p = rtp(3, 0xa);
  CHECK(relay(s, 0, p, a_nat).send);
}

TEST_CASE("relay: junk is dropped and never latches (RTP Bleed)") {
  relay_stream s = plain_stream();
  packet junk;
  junk.len = 40;
  std::memset(junk.buf.data(), 0x41, junk.len);
  auto a = relay(s, 0, junk, stranger);
  CHECK(!a.send);
  CHECK(a.reason == drop_reason::not_rtp);
  packet tiny;
  tiny.len = 3;
  tiny.buf[0] = 0x80;
  CHECK(relay(s, 0, tiny, stranger).reason == drop_reason::not_rtp);
  // The real phone's first packet still latches.
  auto p = rtp(1, 0xa);
  REQUIRE(relay(s, 0, p, a_nat).send);
  p = rtp(2, 0xb);
  CHECK(relay(s, 1, p, b_sdp).to == a_nat);
}

TEST_CASE("relay: an SRTP side latches only on authenticated packets (RTP Inject)") {
  relay_stream s = plain_stream();
  auto const a_key = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80);
  auto const to_a_key = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80);
  REQUIRE(!s.set_keys(0, a_key, to_a_key));
  // A stranger sends a well-formed RTP packet with a made-up tag: SRTP authentication fails.
  auto forged = rtp(1, 0xa);
  forged.len += 10;
  auto a = relay(s, 0, forged, stranger);
  CHECK(!a.send);
  CHECK(a.reason == drop_reason::srtp_auth);
  // The real phone protects with its key: it latches.
  srtp_context phone;
  REQUIRE(!srtp_context::make(a_key, srtp_direction::outbound, phone));
  auto p = rtp(1, 0xa);
  REQUIRE(!phone.protect_rtp(p.buf.data(), p.len, p.buf.size()));
  a = relay(s, 0, p, a_nat);
  REQUIRE(a.send);
  CHECK(a.length == 184);  // plain RTP to B
  // The same packet again is a replay.
  auto again = rtp(1, 0xa);
  REQUIRE(!srtp_context::make(a_key, srtp_direction::outbound, phone));
  REQUIRE(!phone.protect_rtp(again.buf.data(), again.len, again.buf.size()));
  CHECK(relay(s, 0, again, a_nat).reason == drop_reason::srtp_replay);
}

TEST_CASE("relay: SRTP/RTP bridging in every combination") {
  struct combo {
    char const* name;
    bool a_srtp, b_srtp;
    srtp_suite suite;
  };
  combo const combos[] = {
      {"SRTP on A, RTP on B", true, false, srtp_suite::aes_cm_128_hmac_sha1_80},
      {"RTP on A, SRTP on B", false, true, srtp_suite::aes_cm_128_hmac_sha1_32},
      {"SRTP on both, different keys", true, true, srtp_suite::aead_aes_128_gcm},
      {"SRTP on both, 256-bit GCM", true, true, srtp_suite::aead_aes_256_gcm},
      {"RTP on both", false, false, srtp_suite::aes_cm_128_hmac_sha1_80},
  };
  for (auto const& c : combos) {
    INFO(c.name);
    relay_stream s = plain_stream();
    // Each side: the key it sends with, and the key the relay sends it with.
    std::optional<srtp_key> a_send, to_a, b_send, to_b;
    if (c.a_srtp) a_send = srtp_key::generate(c.suite), to_a = srtp_key::generate(c.suite);
    if (c.b_srtp) b_send = srtp_key::generate(c.suite), to_b = srtp_key::generate(c.suite);
    REQUIRE(!s.set_keys(0, a_send, to_a));
    REQUIRE(!s.set_keys(1, b_send, to_b));
    srtp_context a_out, a_in, b_out, b_in;  // the phones' own contexts
    if (c.a_srtp) {
      REQUIRE(!srtp_context::make(*a_send, srtp_direction::outbound, a_out));
      REQUIRE(!srtp_context::make(*to_a, srtp_direction::inbound, a_in));
    }
    if (c.b_srtp) {
      REQUIRE(!srtp_context::make(*b_send, srtp_direction::outbound, b_out));
      REQUIRE(!srtp_context::make(*to_b, srtp_direction::inbound, b_in));
    }
    for (std::uint16_t seq = 1; seq <= 500; ++seq) {
      auto const original = rtp(seq, 0xa);
      // A -> relay -> B
      auto p = original;
      if (c.a_srtp) REQUIRE(!a_out.protect_rtp(p.buf.data(), p.len, p.buf.size()));
      auto a = relay(s, 0, p, a_nat);
      REQUIRE(a.send);
      if (c.b_srtp) REQUIRE(!b_in.unprotect_rtp(p.buf.data(), p.len, p.buf.size()));
      REQUIRE(p.len == original.len);
      CHECK(std::memcmp(p.buf.data(), original.buf.data(), p.len) == 0);
      // B -> relay -> A
      auto const back = rtp(seq, 0xb);
      p = back;
      if (c.b_srtp) REQUIRE(!b_out.protect_rtp(p.buf.data(), p.len, p.buf.size()));
      a = relay(s, 1, p, b_sdp);
      REQUIRE(a.send);
      CHECK(a.to == a_nat);
      if (c.a_srtp) REQUIRE(!a_in.unprotect_rtp(p.buf.data(), p.len, p.buf.size()));
      REQUIRE(p.len == back.len);
      CHECK(std::memcmp(p.buf.data(), back.buf.data(), p.len) == 0);
    }
    // SRTCP too: an RR from A reaches B intact, and its report is recorded.
    auto r = rtcp_rr(0xa);
    auto const rr = r;
    if (c.a_srtp) REQUIRE(!a_out.protect_rtcp(r.buf.data(), r.len, r.buf.size()));
    auto a = relay(s, 0, r, at("203.0.113.7", 31338), t0, true);
    REQUIRE(a.send);
    CHECK(a.from_rtcp_port);
    CHECK(a.to == at("198.51.100.20", 40001));
    if (c.b_srtp) REQUIRE(!b_in.unprotect_rtcp(r.buf.data(), r.len, r.buf.size()));
    REQUIRE(r.len == rr.len);
    CHECK(std::memcmp(r.buf.data(), rr.buf.data(), r.len) == 0);
    CHECK(s.leg(0).stats.has_report);
    CHECK(s.leg(0).stats.fraction_lost == 10);
    CHECK(s.leg(0).stats.jitter == 80);
    CHECK(s.leg(0).stats.packets == 501);
  }
}

TEST_CASE("relay: RTCP follows rtcp-mux on each side") {
  relay_stream s;
  s.set_remote(0, a_sdp, at("192.168.1.20", 49171), false, t0, 2s);
  s.set_remote(1, b_sdp, std::nullopt, true, t0, 2s);  // B muxes RTCP onto its RTP port
  auto r = rtcp_rr(0xa);
  auto a = relay(s, 0, r, at("203.0.113.7", 31338), t0, true);
  REQUIRE(a.send);
  CHECK(!a.from_rtcp_port);
  CHECK(a.to == b_sdp);
  // B's RTCP arrives on its RTP port, is told apart from RTP, and goes to A's RTCP port.
  r = rtcp_rr(0xb);
  a = relay(s, 1, r, b_sdp);
  REQUIRE(a.send);
  CHECK(a.from_rtcp_port);
  CHECK(a.to == at("203.0.113.7", 31338));  // A's RTCP port latched on its first RTCP packet
}

TEST_CASE("relay: nowhere to send, and a re-INVITE moving a side") {
  relay_stream s;
  s.set_remote(0, a_sdp, std::nullopt, true, t0, 2s);
  auto p = rtp(1, 0xa);
  auto a = relay(s, 0, p, a_nat);
  CHECK(!a.send);
  CHECK(a.reason == drop_reason::no_destination);  // B's answer has not come yet
  s.set_remote(1, b_sdp, std::nullopt, true, t0, 2s);
  p = rtp(2, 0xa);
  REQUIRE(relay(s, 0, p, a_nat).send);
  // B moves (re-INVITE with a new address): its old source keeps flowing until the new one
  // sends, then the new one takes over; after the window a third address is refused.
  auto const b_new = at("198.51.100.21", 40100);
  s.set_remote(1, b_new, std::nullopt, true, t0 + 10s, 2s);
  p = rtp(3, 0xb);
  CHECK(relay(s, 1, p, b_sdp).send);
  p = rtp(4, 0xb);
  CHECK(relay(s, 1, p, b_new, t0 + 11s).send);
  p = rtp(5, 0xa);
  CHECK(relay(s, 0, p, a_nat, t0 + 11s).to == b_new);
  p = rtp(6, 0xb);
  CHECK(relay(s, 1, p, stranger, t0 + 13s).reason == drop_reason::wrong_source);
  CHECK(s.last_activity() == t0 + 11s);
}
