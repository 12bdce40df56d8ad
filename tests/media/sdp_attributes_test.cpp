#include "media/sdp_attributes.hpp"

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through operator<<
#include <string>
#include <string_view>

namespace media = gatehouse::media;
using media::errc;
using namespace std::chrono_literals;

TEST_CASE("a=rtpmap") {
  std::error_code ec;
  auto r = media::parse_rtpmap("111 opus/48000/2", ec);
  REQUIRE(!ec);
  CHECK(r.payload_type == 111);
  CHECK(r.encoding_name == "opus");
  CHECK(r.clock_rate == 48000u);
  CHECK(r.channels == 2u);
  CHECK(media::to_string(r) == "111 opus/48000/2");

  r = media::parse_rtpmap("101 telephone-event/8000", ec);
  REQUIRE(!ec);
  CHECK(r.encoding_name == "telephone-event");
  CHECK(!r.channels);
  CHECK(media::to_string(r) == "101 telephone-event/8000");

  for (std::string_view bad :
       {"", "0", "0 PCMU", "0 PCMU/", "0 PCMU/x", "0 PCMU/0", "128 PCMU/8000", "x PCMU/8000",
        "0 /8000", "0 PCMU/8000/", "0 PCMU/8000/0", "0 PCMU/8000 extra", "-1 PCMU/8000"}) {
    CAPTURE(bad);
    media::parse_rtpmap(bad, ec);
    CHECK(ec == errc::malformed_rtpmap);
  }
}

TEST_CASE("a=fmtp") {
  std::error_code ec;
  auto f = media::parse_fmtp("101 0-16", ec);
  REQUIRE(!ec);
  CHECK(f.payload_type == 101);
  CHECK(f.parameters == "0-16");
  CHECK(media::to_string(f) == "101 0-16");
  f = media::parse_fmtp("111 minptime=10; useinbandfec=1", ec);
  REQUIRE(!ec);
  CHECK(f.parameters == "minptime=10; useinbandfec=1");
  for (std::string_view bad : {"", "x 0-16", "200 0-16", "webrtc-datachannel max=1"}) {
    CAPTURE(bad);
    media::parse_fmtp(bad, ec);
    CHECK(ec == errc::malformed_fmtp);
  }
}

TEST_CASE("a=ptime") {
  std::error_code ec;
  CHECK(media::parse_ptime("20", ec) == 20ms);
  CHECK(!ec);
  CHECK(media::parse_ptime("2.5", ec) == 2500us);
  CHECK(!ec);
  CHECK(media::parse_ptime("0.125", ec) == 125us);
  CHECK(!ec);
  for (std::string_view bad :
       {"", "0", "0.0", "x", "20ms", "1.", ".5", "-20", "1e3", "20 30", "99999999999"}) {
    CAPTURE(bad);
    media::parse_ptime(bad, ec);
    CHECK(ec == errc::malformed_ptime);
  }
}

TEST_CASE("a=rtcp (RFC 3605)") {
  std::error_code ec;
  auto r = media::parse_rtcp("53020", ec);
  REQUIRE(!ec);
  CHECK(r.port == 53020);
  CHECK(!r.connection);
  CHECK(media::to_string(r) == "53020");

  r = media::parse_rtcp("53020 IN IP4 126.16.64.4", ec);
  REQUIRE(!ec);
  REQUIRE(r.connection);
  CHECK(r.connection->address == "126.16.64.4");
  CHECK(media::to_string(r) == "53020 IN IP4 126.16.64.4");

  r = media::parse_rtcp("53020 IN IP6 2001:2345:6789:ABCD:EF01:2345:6789:ABCD", ec);
  REQUIRE(!ec);
  CHECK(r.connection->type == media::address_type::ip6);

  for (std::string_view bad : {"", "x", "65536", "53020 IN", "53020 IN IP4", "53020 IN IP9 1.2.3.4",
                               "53020 IN IP4 1.2.3.4 x"}) {
    CAPTURE(bad);
    media::parse_rtcp(bad, ec);
    CHECK(ec == errc::malformed_rtcp);
  }
}

TEST_CASE("a=crypto (RFC 4568)") {
  std::error_code ec;
  auto c = media::parse_crypto(
      "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32", ec);
  REQUIRE(!ec);
  CHECK(c.tag == 1u);
  CHECK(c.suite == "AES_CM_128_HMAC_SHA1_80");
  CHECK(c.key_params == "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");
  CHECK(c.session_params.empty());
  CHECK(media::to_string(c) ==
        "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");

  c = media::parse_crypto(
      "2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4;"
      "inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 FEC_ORDER=FEC_SRTP "
      "UNENCRYPTED_SRTCP",
      ec);
  REQUIRE(!ec);
  CHECK(c.tag == 2u);
  CHECK(c.session_params == "FEC_ORDER=FEC_SRTP UNENCRYPTED_SRTCP");

  for (std::string_view bad : {
           "",
           "1",
           "1 AES_CM_128_HMAC_SHA1_80",
           "x AES_CM_128_HMAC_SHA1_80 inline:abc",
           "1234567890 AES_CM_128_HMAC_SHA1_80 inline:abc",  // tag over 9 digits
           "1 AES-CM inline:abc",                            // '-' not in a suite name
           "1 AES_CM_128_HMAC_SHA1_80 inlineabc",            // no key method
           "1 AES_CM_128_HMAC_SHA1_80 :abc",
           "1 AES_CM_128_HMAC_SHA1_80 inline:",
       }) {
    CAPTURE(bad);
    media::parse_crypto(bad, ec);
    CHECK(ec == errc::malformed_crypto);
  }
}

TEST_CASE("a=ice-ufrag and a=ice-pwd (RFC 8839)") {
  std::error_code ec;
  CHECK(media::parse_ice_ufrag("EsAw", ec) == "EsAw");
  CHECK(!ec);
  CHECK(media::parse_ice_pwd("P2uYro0UCOQ4zxjKXaWCBui1", ec) == "P2uYro0UCOQ4zxjKXaWCBui1");
  CHECK(!ec);
  CHECK(media::parse_ice_pwd("abc+/abc+/abc+/abc+/ab", ec).size() == 22);
  CHECK(!ec);
  std::string const too_long(257, 'a');
  for (std::string_view bad :
       {std::string_view(), std::string_view("abc"), std::string_view("ab-cd"),
        std::string_view("abcd efgh"), std::string_view(too_long)}) {
    CAPTURE(bad);
    media::parse_ice_ufrag(bad, ec);
    CHECK(ec == errc::malformed_ice_ufrag);
  }
  for (std::string_view bad : {"", "short", "P2uYro0UCOQ4zxjKXaWCB", "P2uYro0UCOQ4zxjKX_WCBui1"}) {
    CAPTURE(bad);
    media::parse_ice_pwd(bad, ec);
    CHECK(ec == errc::malformed_ice_pwd);
  }
}

TEST_CASE("a=candidate (RFC 8839)") {
  std::error_code ec;
  auto c = media::parse_candidate(
      "842163049 1 udp 1677729535 198.51.100.33 54400 typ srflx raddr 192.168.0.196 rport "
      "54400 generation 0",
      ec);
  REQUIRE(!ec);
  CHECK(c.foundation == "842163049");
  CHECK(c.component == 1);
  CHECK(c.transport == "udp");
  CHECK(c.priority == 1677729535u);
  CHECK(c.address == "198.51.100.33");
  CHECK(c.port == 54400);
  CHECK(c.type == "srflx");
  CHECK(c.extensions == "raddr 192.168.0.196 rport 54400 generation 0");
  CHECK(media::to_string(c) ==
        "842163049 1 udp 1677729535 198.51.100.33 54400 typ srflx raddr 192.168.0.196 rport "
        "54400 generation 0");

  c = media::parse_candidate("1 1 UDP 2130706431 2001:db8::1 40000 typ host", ec);
  REQUIRE(!ec);
  CHECK(c.extensions.empty());

  for (std::string_view bad : {
           "",
           "1 1 UDP 2130706431 10.0.0.1 40000 typ",       // no type
           "1 1 UDP 2130706431 10.0.0.1 40000 host",      // no "typ"
           "1 1 UDP 2130706431 10.0.0.1 70000 typ host",  // port
           "1 1 UDP 4294967296 10.0.0.1 40000 typ host",  // priority over 32 bits
           "1 x UDP 2130706431 10.0.0.1 40000 typ host",
           "f_o 1 UDP 2130706431 10.0.0.1 40000 typ host",  // '_' is not an ice-char
           "123456789012345678901234567890123 1 UDP 1 10.0.0.1 1 typ host",
       }) {
    CAPTURE(bad);
    media::parse_candidate(bad, ec);
    CHECK(ec == errc::malformed_candidate);
  }
}

TEST_CASE("a=fingerprint (RFC 8122)") {
  std::error_code ec;
  auto f = media::parse_fingerprint("sha-256 D2:FA:0E:C3:22:59", ec);
  REQUIRE(!ec);
  CHECK(f.hash_function == "sha-256");
  CHECK(f.value == "D2:FA:0E:C3:22:59");
  CHECK(media::to_string(f) == "sha-256 D2:FA:0E:C3:22:59");
  f = media::parse_fingerprint("SHA-1 4a:ad", ec);
  CHECK(!ec);
  for (std::string_view bad : {"", "sha-256", "sha-256 D2:FA:", "sha-256 D2FA", "sha-256 D2:F",
                               "sha-256 :D2", "sha-256 D2:GG", "sha-256 D2 FA"}) {
    CAPTURE(bad);
    media::parse_fingerprint(bad, ec);
    CHECK(ec == errc::malformed_fingerprint);
  }
}

TEST_CASE("a=setup (RFC 4145)") {
  std::error_code ec;
  CHECK(media::parse_setup("active", ec) == media::setup_role::active);
  CHECK(media::parse_setup("passive", ec) == media::setup_role::passive);
  CHECK(media::parse_setup("actpass", ec) == media::setup_role::actpass);
  CHECK(media::parse_setup("holdconn", ec) == media::setup_role::holdconn);
  CHECK(!ec);
  for (auto r : {media::setup_role::active, media::setup_role::passive, media::setup_role::actpass,
                 media::setup_role::holdconn}) {
    CHECK(media::parse_setup(media::to_string(r), ec) == r);
  }
  for (std::string_view bad : {"", "Active", "act", "active passive"}) {
    CAPTURE(bad);
    media::parse_setup(bad, ec);
    CHECK(ec == errc::malformed_setup);
  }
}

TEST_CASE("a=mid and a=group (RFC 5888)") {
  std::error_code ec;
  CHECK(media::parse_mid("audio", ec) == "audio");
  CHECK(!ec);
  for (std::string_view bad : {"", "a b", "a(b"}) {
    CAPTURE(bad);
    media::parse_mid(bad, ec);
    CHECK(ec == errc::malformed_mid);
  }

  auto g = media::parse_group("BUNDLE 0 1 2", ec);
  REQUIRE(!ec);
  CHECK(g.semantics == "BUNDLE");
  CHECK(g.ids == std::vector<std::string_view>{"0", "1", "2"});
  CHECK(media::to_string(g) == "BUNDLE 0 1 2");
  g = media::parse_group("LS", ec);
  CHECK(!ec);
  CHECK(g.ids.empty());
  for (std::string_view bad : {"", "BUNDLE 0 (1)"}) {
    CAPTURE(bad);
    media::parse_group(bad, ec);
    CHECK(ec == errc::malformed_group);
  }
}

TEST_CASE("direction attribute names") {
  for (auto d : {media::media_direction::sendrecv, media::media_direction::sendonly,
                 media::media_direction::recvonly, media::media_direction::inactive}) {
    CHECK(media::direction_from_name(media::to_string(d)) == d);
  }
  CHECK(!media::direction_from_name("SENDONLY"));
  CHECK(!media::direction_from_name("sendonly:"));
}
