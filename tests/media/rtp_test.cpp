#include "media/rtp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>  // doctest prints std::error_code through operator<<
#include <set>
#include <string>
#include <vector>

namespace media = gatehouse::media;
using media::rtp_errc;

namespace {

using bytes = std::vector<std::uint8_t>;

void put16(bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void put32(bytes& b, std::uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}

// A 24-octet report block (RFC 3550 §6.4.1).
void put_block(bytes& b, std::uint32_t ssrc, std::uint8_t fraction, std::uint32_t lost24,
               std::uint32_t highest, std::uint32_t jitter, std::uint32_t lsr, std::uint32_t dlsr) {
  put32(b, ssrc);
  b.push_back(fraction);
  b.push_back(static_cast<std::uint8_t>(lost24 >> 16));
  put16(b, lost24 & 0xffff);
  put32(b, highest);
  put32(b, jitter);
  put32(b, lsr);
  put32(b, dlsr);
}

// Writes an RTCP common header with the length field computed from `body_octets`.
void put_rtcp_header(bytes& b, std::uint8_t count, std::uint8_t type, std::size_t body_octets,
                     bool padding = false) {
  b.push_back(static_cast<std::uint8_t>(0x80 | (padding ? 0x20 : 0) | count));
  b.push_back(type);
  put16(b, static_cast<unsigned>((body_octets + 4) / 4 - 1));
}

// An RTP packet: 2 CSRCs, a one-word RFC 8285 extension, marker, PT 111, 20 octets of payload
// and 3 octets of padding. Extension and payload octets are large values so that no truncation
// leaves a plausible padding count at its end.
bytes full_rtp_packet() {
  bytes b = {0xb2, 0x80 | 111};  // V=2 P=1 X=1 CC=2, M=1 PT=111
  put16(b, 0xbeef);
  put32(b, 0x01020304);
  put32(b, 0xcafebabe);
  put32(b, 0x11111111);
  put32(b, 0x22222222);
  put16(b, 0xbede);
  put16(b, 1);
  put32(b, 0xfffefdfc);
  for (int i = 0; i < 20; ++i) b.push_back(0xee);
  b.push_back(0);
  b.push_back(0);
  b.push_back(3);
  return b;
}

std::error_code parse(bytes const& b, media::rtp_header& h) {
  return media::parse_rtp(b, h);
}

// An SR from 0x10203040 with two report blocks.
bytes sender_report() {
  bytes b;
  put_rtcp_header(b, 2, 200, 4 + 20 + 2 * 24);
  put32(b, 0x10203040);
  put32(b, 0xe1234567);  // NTP seconds
  put32(b, 0x89abcdef);  // NTP fraction
  put32(b, 160000);      // RTP timestamp
  put32(b, 1000);        // packet count
  put32(b, 160000);      // octet count
  put_block(b, 0xaaaaaaaa, 25, 0x000010, 0x00010203, 80, 0x45670000, 0x00018000);
  put_block(b, 0xbbbbbbbb, 255, 0xffffff, 0x0000ffff, 0, 0, 0);
  return b;
}

bytes receiver_report(std::uint32_t ssrc, std::size_t blocks) {
  bytes b;
  put_rtcp_header(b, static_cast<std::uint8_t>(blocks), 201, 4 + blocks * 24);
  put32(b, ssrc);
  for (std::size_t i = 0; i < blocks; ++i) {
    put_block(b, 0x1000 + static_cast<std::uint32_t>(i), 0, static_cast<std::uint32_t>(i), 0, 0, 0,
              0);
  }
  return b;
}

// SR (no blocks) + SDES (CNAME "hello") + BYE, the shape of a last compound (RFC 3550 §6.1).
bytes sr_sdes_bye() {
  bytes b;
  put_rtcp_header(b, 0, 200, 24);
  put32(b, 0x51525354);
  for (int i = 0; i < 5; ++i) put32(b, 0);
  put_rtcp_header(b, 1, 202, 12);
  put32(b, 0x51525354);
  b.push_back(1);  // CNAME
  b.push_back(5);
  for (char c : std::string("hello")) b.push_back(static_cast<std::uint8_t>(c));
  b.push_back(0);  // end of items
  put_rtcp_header(b, 1, 203, 4);
  put32(b, 0x51525354);
  return b;
}

}  // namespace

TEST_CASE("rtp errc: every code has its own message in the gatehouse.rtp category") {
  std::set<std::string> messages;
  auto const last = static_cast<int>(rtp_errc::rtcp_too_many_packets);
  for (int e = 1; e <= last; ++e) {
    std::error_code const ec = static_cast<rtp_errc>(e);
    CHECK(ec.category().name() == std::string("gatehouse.rtp"));
    CHECK(ec.message() != "unknown RTP error");
    messages.insert(ec.message());
  }
  CHECK(messages.size() == static_cast<std::size_t>(last));
}

TEST_CASE("RTP: a plain packet parses into its fields") {
  bytes b = {0x80, 0x00};
  put16(b, 1);
  put32(b, 160);
  put32(b, 0xdeadbeef);
  for (int i = 0; i < 160; ++i) b.push_back(0xff);
  media::rtp_header h;
  REQUIRE(parse(b, h) == std::error_code{});
  CHECK(h.payload_type == 0);
  CHECK_FALSE(h.marker);
  CHECK(h.sequence == 1);
  CHECK(h.timestamp == 160);
  CHECK(h.ssrc == 0xdeadbeef);
  CHECK(h.csrc_count == 0);
  CHECK_FALSE(h.has_extension);
  CHECK(h.header_size == 12);
  CHECK(h.padding == 0);
  CHECK(h.payload_size(b.size()) == 160);
}

TEST_CASE("RTP: CSRCs, extension, padding and marker") {
  bytes const b = full_rtp_packet();
  media::rtp_header h;
  REQUIRE(parse(b, h) == std::error_code{});
  CHECK(h.payload_type == 111);
  CHECK(h.marker);
  CHECK(h.sequence == 0xbeef);
  CHECK(h.timestamp == 0x01020304);
  CHECK(h.ssrc == 0xcafebabe);
  CHECK(h.csrc_count == 2);
  CHECK(h.has_extension);
  CHECK(h.header_size == 12 + 8 + 4 + 4);
  CHECK(h.padding == 3);
  CHECK(h.payload_size(b.size()) == 20);

  SUBCASE("parse_srtp_header leaves the (encrypted) padding alone") {
    media::rtp_header s;
    REQUIRE(media::parse_srtp_header(b, s) == std::error_code{});
    CHECK(s.header_size == h.header_size);
    CHECK(s.padding == 0);
  }
  SUBCASE("padding that takes the whole payload is allowed") {
    bytes p(b.begin(), b.begin() + 28);
    p.insert(p.end(), {0, 0, 0, 4});
    REQUIRE(parse(p, h) == std::error_code{});
    CHECK(h.payload_size(p.size()) == 0);
  }
}

TEST_CASE("RTP: every truncation of a packet is an error and reads nothing past its end") {
  bytes const full = full_rtp_packet();
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    bytes const cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));  // exact size
    media::rtp_header h;
    CHECK(parse(cut, h) != std::error_code{});
  }
  // Without the P bit only cuts into the header fail; shorter payloads are fine.
  bytes unpadded = full;
  unpadded[0] &= static_cast<std::uint8_t>(~0x20);
  for (std::size_t n = 0; n <= unpadded.size(); ++n) {
    CAPTURE(n);
    bytes const cut(unpadded.begin(), unpadded.begin() + static_cast<std::ptrdiff_t>(n));
    media::rtp_header h;
    CHECK((parse(cut, h) == std::error_code{}) == (n >= 28));
  }
}

TEST_CASE("RTP: malformed headers") {
  media::rtp_header h;
  bytes b = full_rtp_packet();
  for (std::uint8_t version : {0, 1, 3}) {
    b[0] = static_cast<std::uint8_t>((b[0] & 0x3f) | (version << 6));
    CHECK(parse(b, h) == rtp_errc::bad_version);
  }
  CHECK(parse(bytes(11, 0x80), h) == rtp_errc::truncated);
  CHECK(parse(bytes{}, h) == rtp_errc::truncated);

  bytes csrc(12, 0);
  csrc[0] = 0x8f;  // 15 CSRCs in a bare header
  CHECK(parse(csrc, h) == rtp_errc::csrc_overrun);

  bytes ext(16, 0);
  ext[0] = 0x90;
  ext[14] = 0xff;  // extension length 65535 words
  ext[15] = 0xff;
  CHECK(parse(ext, h) == rtp_errc::extension_overrun);
  ext.resize(13);
  CHECK(parse(ext, h) == rtp_errc::extension_overrun);

  bytes pad(16, 0);
  pad[0] = 0xa0;
  CHECK(parse(pad, h) == rtp_errc::bad_padding);  // count 0
  pad[15] = 5;
  CHECK(parse(pad, h) == rtp_errc::bad_padding);  // 5 octets of padding, 4 of payload
  pad[15] = 4;
  CHECK(parse(pad, h) == std::error_code{});
}

TEST_CASE("RTP/RTCP demultiplexing on one port (RFC 5761 §4)") {
  struct row {
    std::uint8_t second;
    bool rtcp;
    char const* what;
  };
  row const table[] = {
      {200, true, "SR (PT 72 with M)"},
      {201, true, "RR (PT 73 with M)"},
      {202, true, "SDES (PT 74 with M)"},
      {203, true, "BYE (PT 75 with M)"},
      {204, true, "APP (PT 76 with M)"},
      {205, true, "RTPFB"},
      {206, true, "PSFB"},
      {207, true, "XR"},
      {192, true, "lowest RTCP type"},
      {223, true, "highest RTCP type"},
      {72, true, "PT 72 without M: still in the reserved range"},
      {96, false, "dynamic PT 96"},
      {96 | 0x80, false, "dynamic PT 96 with marker"},
      {0, false, "PCMU"},
      {0x80, false, "PCMU with marker"},
      {8, false, "PCMA"},
      {63 | 0x80, false, "PT 63 with marker"},
      {127 | 0x80, false, "PT 127 with marker"},
      {224, false, "PT 96 with marker (224)"},
  };
  for (auto const& r : table) {
    CAPTURE(r.what);
    bytes b(12, 0);
    b[0] = 0x80;
    b[1] = r.second;
    CHECK(media::is_rtcp(b) == r.rtcp);
    CHECK(media::is_rtp_or_rtcp_v2(b));
  }
  CHECK_FALSE(media::is_rtcp(bytes{0x80}));
  CHECK_FALSE(media::is_rtcp(bytes{}));
}

TEST_CASE("RTP/RTCP: version-2 check tells media from STUN, DTLS and noise (RFC 7983 §7)") {
  CHECK(media::is_rtp_or_rtcp_v2(bytes{0x80, 0xc9, 0, 1, 1, 2, 3, 4}));
  CHECK_FALSE(media::is_rtp_or_rtcp_v2(bytes{0x80, 0xc9, 0, 1, 1, 2, 3}));  // too short
  CHECK_FALSE(media::is_rtp_or_rtcp_v2(bytes(20, 0x00)));                   // STUN
  CHECK_FALSE(media::is_rtp_or_rtcp_v2(bytes(20, 0x16)));                   // DTLS handshake
  CHECK_FALSE(media::is_rtp_or_rtcp_v2(bytes(20, 0x40)));                   // version 1
  CHECK_FALSE(media::is_rtp_or_rtcp_v2(bytes(20, 0xc0)));                   // version 3
  CHECK_FALSE(media::is_rtp_or_rtcp_v2(bytes{}));
}

TEST_CASE("RTCP: an SR with two report blocks") {
  bytes const b = sender_report();
  media::rtcp_info info;
  REQUIRE(media::parse_rtcp(b, info) == std::error_code{});
  REQUIRE(info.packet_count == 1);
  CHECK(info.packets[0].type == 200);
  CHECK(info.packets[0].count == 2);
  CHECK(info.packets[0].size == b.size());
  CHECK(info.has_sender_ssrc);
  CHECK(info.sender_ssrc == 0x10203040);
  REQUIRE(info.has_sender_info);
  CHECK(info.sender_info.ntp_timestamp == 0xe123456789abcdefull);
  CHECK(info.sender_info.rtp_timestamp == 160000);
  CHECK(info.sender_info.packet_count == 1000);
  CHECK(info.sender_info.octet_count == 160000);
  REQUIRE(info.report_count == 2);
  auto const& a = info.reports[0];
  CHECK(a.ssrc == 0xaaaaaaaa);
  CHECK(a.fraction_lost == 25);
  CHECK(a.cumulative_lost == 16);
  CHECK(a.highest_sequence == 0x00010203);
  CHECK(a.jitter == 80);
  CHECK(a.last_sr == 0x45670000);
  CHECK(a.delay_since_last_sr == 0x00018000);
  auto const& c = info.reports[1];
  CHECK(c.ssrc == 0xbbbbbbbb);
  CHECK(c.fraction_lost == 255);
  CHECK(c.cumulative_lost == -1);  // 24-bit signed: duplicates outnumber losses
  CHECK(c.highest_sequence == 0xffff);
  CHECK_FALSE(info.has_bye);
}

TEST_CASE("RTCP: cumulative lost is a 24-bit signed number") {
  for (auto [raw, value] : {std::pair<std::uint32_t, std::int32_t>{0, 0},
                            {0x7fffff, 8388607},
                            {0x800000, -8388608},
                            {0xfffffe, -2}}) {
    bytes b;
    put_rtcp_header(b, 1, 201, 28);
    put32(b, 1);
    put_block(b, 2, 0, raw, 0, 0, 0, 0);
    media::rtcp_info info;
    REQUIRE(media::parse_rtcp(b, info) == std::error_code{});
    CHECK(info.reports[0].cumulative_lost == value);
  }
}

TEST_CASE("RTCP: an RR") {
  bytes const b = receiver_report(0x0a0b0c0d, 1);
  media::rtcp_info info;
  REQUIRE(media::parse_rtcp(b, info) == std::error_code{});
  CHECK(info.packet_count == 1);
  CHECK(info.packets[0].type == 201);
  CHECK(info.sender_ssrc == 0x0a0b0c0d);
  CHECK_FALSE(info.has_sender_info);
  REQUIRE(info.report_count == 1);
  CHECK(info.reports[0].ssrc == 0x1000);

  bytes const empty = receiver_report(7, 0);
  REQUIRE(media::parse_rtcp(empty, info) == std::error_code{});
  CHECK(info.report_count == 0);
  CHECK(info.sender_ssrc == 7);
}

TEST_CASE("RTCP: a compound SR + SDES + BYE") {
  bytes const b = sr_sdes_bye();
  media::rtcp_info info;
  REQUIRE(media::parse_rtcp(b, info) == std::error_code{});
  REQUIRE(info.packet_count == 3);
  CHECK(info.packets[0].type == 200);
  CHECK(info.packets[1].type == 202);
  CHECK(info.packets[2].type == 203);
  CHECK(info.packets[1].offset == 28);
  CHECK(info.packets[2].offset == 44);
  CHECK(info.packets[2].size == 8);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(info.packets[i].has_ssrc);
    CHECK(info.packets[i].ssrc == 0x51525354);
  }
  CHECK(info.sender_ssrc == 0x51525354);
  CHECK(info.has_sender_info);
  CHECK(info.report_count == 0);
  CHECK(info.has_bye);
}

TEST_CASE("RTCP: every truncation of a compound fails unless it ends on a packet boundary") {
  bytes const full = sr_sdes_bye();
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    bytes const cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    media::rtcp_info info;
    bool const boundary = n == 28 || n == 44;
    CHECK((media::parse_rtcp(cut, info) == std::error_code{}) == boundary);
  }
  bytes const sr = sender_report();
  for (std::size_t n = 0; n < sr.size(); ++n) {
    bytes const cut(sr.begin(), sr.begin() + static_cast<std::ptrdiff_t>(n));
    media::rtcp_info info;
    CHECK(media::parse_rtcp(cut, info) != std::error_code{});
  }
}

TEST_CASE("RTCP: lengths and counts that overrun are errors") {
  media::rtcp_info info;

  bytes longer = receiver_report(1, 1);
  longer[3] += 1;  // claims one word more than there is
  CHECK(media::parse_rtcp(longer, info) == rtp_errc::rtcp_length_overrun);

  bytes huge = receiver_report(1, 0);
  huge[2] = 0xff;
  huge[3] = 0xff;
  CHECK(media::parse_rtcp(huge, info) == rtp_errc::rtcp_length_overrun);

  bytes trailing = receiver_report(1, 0);
  trailing.insert(trailing.end(), {0x80, 0xc9});
  CHECK(media::parse_rtcp(trailing, info) == rtp_errc::rtcp_length_overrun);

  bytes blocks = receiver_report(1, 1);
  blocks[0] = 0x82;  // RC 2, room for 1
  CHECK(media::parse_rtcp(blocks, info) == rtp_errc::rtcp_report_overrun);

  bytes sr = sender_report();
  sr[0] = 0x83;
  CHECK(media::parse_rtcp(sr, info) == rtp_errc::rtcp_report_overrun);

  bytes bye;
  put_rtcp_header(bye, 2, 203, 4);  // two SSRCs announced, one present
  put32(bye, 9);
  CHECK(media::parse_rtcp(bye, info) == rtp_errc::rtcp_report_overrun);

  bytes second = receiver_report(1, 0);
  bytes bad_version = receiver_report(2, 0);
  bad_version[0] = 0x40;
  second.insert(second.end(), bad_version.begin(), bad_version.end());
  CHECK(media::parse_rtcp(second, info) == rtp_errc::bad_version);

  bytes rtp(12, 0);
  rtp[0] = 0x80;
  rtp[1] = 96;
  CHECK(media::parse_rtcp(rtp, info) == rtp_errc::not_rtcp);
  CHECK(media::parse_rtcp(bytes{0x80, 0xc9, 0}, info) == rtp_errc::truncated);
}

TEST_CASE("RTCP: padding is counted inside the packet's length") {
  bytes b;
  put_rtcp_header(b, 0, 201, 8, true);
  put32(b, 0x42);
  put32(b, 0x00000004);  // four octets of padding, the last one counting them
  media::rtcp_info info;
  REQUIRE(media::parse_rtcp(b, info) == std::error_code{});
  CHECK(info.sender_ssrc == 0x42);
  b.back() = 0;
  CHECK(media::parse_rtcp(b, info) == rtp_errc::bad_padding);
  b.back() = 9;
  CHECK(media::parse_rtcp(b, info) == rtp_errc::bad_padding);
  b.back() = 8;  // padding eats the SSRC an RR must have
  CHECK(media::parse_rtcp(b, info) == rtp_errc::rtcp_report_overrun);
}

TEST_CASE("RTCP: feedback alone is accepted (reduced-size RTCP, RFC 5506)") {
  bytes b;
  put_rtcp_header(b, 1, 206, 8);  // PSFB PLI
  put32(b, 0x01010101);
  put32(b, 0x02020202);
  media::rtcp_info info;
  REQUIRE(media::parse_rtcp(b, info) == std::error_code{});
  CHECK(info.packets[0].type == 206);
  CHECK(info.sender_ssrc == 0x01010101);
}

TEST_CASE("RTCP: bounded packets per compound and report blocks kept") {
  bytes many;
  for (std::size_t i = 0; i < media::rtcp_info::max_packets; ++i) {
    bytes const rr = receiver_report(static_cast<std::uint32_t>(i), 0);
    many.insert(many.end(), rr.begin(), rr.end());
  }
  media::rtcp_info info;
  REQUIRE(media::parse_rtcp(many, info) == std::error_code{});
  CHECK(info.packet_count == media::rtcp_info::max_packets);
  bytes const one_more = receiver_report(99, 0);
  many.insert(many.end(), one_more.begin(), one_more.end());
  CHECK(media::parse_rtcp(many, info) == rtp_errc::rtcp_too_many_packets);

  bytes blocks = receiver_report(1, 31);
  bytes const more = receiver_report(1, 9);
  blocks.insert(blocks.end(), more.begin(), more.end());
  REQUIRE(media::parse_rtcp(blocks, info) == std::error_code{});
  CHECK(info.report_count == media::rtcp_info::max_report_blocks);
  CHECK(info.reports_omitted == 9);
  CHECK(info.reports[30].ssrc == 0x1000 + 30);
}
