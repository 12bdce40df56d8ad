#include "media/sdp_fields.hpp"

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through operator<<
#include <string>
#include <string_view>

namespace media = gatehouse::media;
using media::errc;

TEST_CASE("sdp o=: parse and write") {
  std::error_code ec;
  SUBCASE("typical") {
    auto o = media::parse_origin("alice 2890844526 2890844527 IN IP4 192.0.2.10", ec);
    REQUIRE(!ec);
    CHECK(o.username == "alice");
    CHECK(o.session_id == 2890844526u);
    CHECK(o.session_version == 2890844527u);
    CHECK(o.net_type == "IN");
    CHECK(o.addr_type == "IP4");
    CHECK(o.address == "192.0.2.10");
    CHECK(media::to_string(o) == "alice 2890844526 2890844527 IN IP4 192.0.2.10");
  }
  SUBCASE("64-bit ids as WebRTC sends them") {
    auto o = media::parse_origin("- 18446744073709551615 2 IN IP4 127.0.0.1", ec);
    REQUIRE(!ec);
    CHECK(o.session_id == 18446744073709551615u);
  }
  SUBCASE("malformed") {
    for (std::string_view bad : {
             "",
             "- 1 1 IN IP4",                       // five fields
             "- 1 1 IN IP4 192.0.2.1 extra",       // seven fields
             "- x 1 IN IP4 192.0.2.1",             // sess-id not a number
             "- 1 -1 IN IP4 192.0.2.1",            // negative version
             "- 18446744073709551616 1 IN IP4 a",  // sess-id over uint64
             "- 1 1 I(N IP4 192.0.2.1",            // nettype not a token
         }) {
      CAPTURE(bad);
      media::parse_origin(bad, ec);
      CHECK(ec == errc::malformed_origin);
    }
  }
}

TEST_CASE("sdp c=: parse and write") {
  std::error_code ec;
  SUBCASE("IPv4 unicast") {
    auto c = media::parse_connection("IN IP4 192.0.2.10", ec);
    REQUIRE(!ec);
    CHECK(c.type == media::address_type::ip4);
    CHECK(c.address == "192.0.2.10");
    CHECK(!c.ttl);
    CHECK(!c.count);
    CHECK(media::to_string(c) == "IN IP4 192.0.2.10");
  }
  SUBCASE("IPv4 multicast with ttl and count") {
    auto c = media::parse_connection("IN IP4 224.2.1.1/127/3", ec);
    REQUIRE(!ec);
    CHECK(c.address == "224.2.1.1");
    CHECK(c.ttl == 127);
    CHECK(c.count == 3u);
    CHECK(media::to_string(c) == "IN IP4 224.2.1.1/127/3");
  }
  SUBCASE("IPv4 with a ttl only") {
    auto c = media::parse_connection("IN IP4 224.2.17.12/127", ec);
    REQUIRE(!ec);
    CHECK(c.ttl == 127);
    CHECK(!c.count);
  }
  SUBCASE("IPv6, with and without count") {
    auto c = media::parse_connection("IN IP6 2001:db8::2", ec);
    REQUIRE(!ec);
    CHECK(c.type == media::address_type::ip6);
    CHECK(c.address == "2001:db8::2");
    c = media::parse_connection("IN IP6 ff15::101/3", ec);
    REQUIRE(!ec);
    CHECK(c.address == "ff15::101");
    CHECK(c.count == 3u);
    CHECK(!c.ttl);
  }
  SUBCASE("FQDN") {
    auto c = media::parse_connection("IN IP4 media.example.com", ec);
    REQUIRE(!ec);
    CHECK(c.address == "media.example.com");
  }
  SUBCASE("malformed") {
    for (std::string_view bad : {
             "",
             "IN IP4",
             "IN IP5 192.0.2.1",
             "ATM IP4 192.0.2.1",
             "IN IP4 192.0.2.1 extra",
             "IN IP4 192.0.2.1/",
             "IN IP4 224.2.1.1/256",  // ttl over 255
             "IN IP4 224.2.1.1/1/",
             "IN IP4 224.2.1.1/x",
             "IN IP6 ff15::101/3/4",  // IPv6 has no ttl
             "IN IP4 /127",
             "IN IP4 192.0.2.1;rm",
         }) {
      CAPTURE(bad);
      media::parse_connection(bad, ec);
      CHECK(ec == errc::malformed_connection);
    }
  }
}

TEST_CASE("sdp m=: parse and write") {
  std::error_code ec;
  SUBCASE("RTP audio") {
    auto m = media::parse_media("audio 49170 RTP/AVP 0 8 101", ec);
    REQUIRE(!ec);
    CHECK(m.media == "audio");
    CHECK(m.port == 49170);
    CHECK(!m.port_count);
    CHECK(m.protocol == "RTP/AVP");
    CHECK(m.formats == "0 8 101");
    CHECK(media::to_string(m) == "audio 49170 RTP/AVP 0 8 101");
  }
  SUBCASE("port count") {
    auto m = media::parse_media("video 49170/2 RTP/AVP 31", ec);
    REQUIRE(!ec);
    CHECK(m.port_count == 2);
    CHECK(media::to_string(m) == "video 49170/2 RTP/AVP 31");
  }
  SUBCASE("non-RTP protocols and formats are kept as written") {
    auto m = media::parse_media("application 9 UDP/DTLS/SCTP webrtc-datachannel", ec);
    REQUIRE(!ec);
    CHECK(m.protocol == "UDP/DTLS/SCTP");
    CHECK(m.formats == "webrtc-datachannel");
    CHECK(media::classify_protocol(m.protocol) == media::transport_protocol::other);
  }
  SUBCASE("a rejected stream without formats is tolerated") {
    auto m = media::parse_media("video 0 RTP/AVP", ec);
    REQUIRE(!ec);
    CHECK(m.port == 0);
    CHECK(m.formats.empty());
    CHECK(media::to_string(m) == "video 0 RTP/AVP");
  }
  SUBCASE("extra blanks are tolerated") {
    auto m = media::parse_media("audio  8000 RTP/AVP 0  8 ", ec);
    REQUIRE(!ec);
    CHECK(m.port == 8000);
    CHECK(m.formats == "0  8");
  }
  SUBCASE("port limits") {
    auto m = media::parse_media("audio 65535 RTP/AVP 0", ec);
    CHECK(!ec);
    CHECK(m.port == 65535);
    for (std::string_view bad : {"audio 65536 RTP/AVP 0", "audio 4294967296 RTP/AVP 0",
                                 "audio 99999999999999999999999 RTP/AVP 0",
                                 "audio 1000/0 RTP/AVP 0", "audio 1000/65536 RTP/AVP 0"}) {
      CAPTURE(bad);
      media::parse_media(bad, ec);
      CHECK(ec == errc::invalid_port);
    }
  }
  SUBCASE("malformed") {
    for (std::string_view bad : {
             "",
             "audio",
             "audio 1000",
             "audio x RTP/AVP 0",
             "audio -1 RTP/AVP 0",
             "audio +1 RTP/AVP 0",
             "audio 1000/ RTP/AVP 0",
             "audio /2 RTP/AVP 0",
             "audio 1000 RTP//AVP 0",
             "audio 1000 /RTP 0",
             "audio 1000 RTP/ 0",
             "audio 1000 RTP/AVP 0 (8)",
             "au(dio 1000 RTP/AVP 0",
         }) {
      CAPTURE(bad);
      media::parse_media(bad, ec);
      CHECK(ec == errc::malformed_media);
    }
  }
}

TEST_CASE("sdp m=: protocol classification") {
  using media::transport_protocol;
  CHECK(media::classify_protocol("RTP/AVP") == transport_protocol::rtp_avp);
  CHECK(media::classify_protocol("rtp/avp") == transport_protocol::rtp_avp);
  CHECK(media::classify_protocol("RTP/AVPF") == transport_protocol::rtp_avpf);
  CHECK(media::classify_protocol("RTP/SAVP") == transport_protocol::rtp_savp);
  CHECK(media::classify_protocol("RTP/SAVPF") == transport_protocol::rtp_savpf);
  CHECK(media::classify_protocol("UDP/TLS/RTP/SAVP") == transport_protocol::udp_tls_rtp_savp);
  CHECK(media::classify_protocol("UDP/TLS/RTP/SAVPF") == transport_protocol::udp_tls_rtp_savpf);
  CHECK(media::classify_protocol("udptl") == transport_protocol::other);
  CHECK(media::is_srtp(transport_protocol::rtp_savp));
  CHECK(media::is_srtp(transport_protocol::udp_tls_rtp_savpf));
  CHECK(!media::is_srtp(transport_protocol::rtp_avp));
  CHECK(!media::is_srtp(transport_protocol::rtp_avpf));
  CHECK(!media::is_srtp(transport_protocol::other));
}

TEST_CASE("sdp b= and t=") {
  std::error_code ec;
  auto b = media::parse_bandwidth("AS:2048", ec);
  REQUIRE(!ec);
  CHECK(b.type == "AS");
  CHECK(b.value == 2048u);
  CHECK(media::to_string(b) == "AS:2048");
  b = media::parse_bandwidth("TIAS:1920000", ec);
  CHECK(!ec);
  CHECK(b.value == 1920000u);
  for (std::string_view bad : {"", "AS", "AS:", ":64", "AS:x", "AS:-1", "A S:64"}) {
    CAPTURE(bad);
    media::parse_bandwidth(bad, ec);
    CHECK(ec == errc::malformed_bandwidth);
  }

  auto t = media::parse_timing("2873397496 2873404696", ec);
  REQUIRE(!ec);
  CHECK(t.start == 2873397496u);
  CHECK(t.stop == 2873404696u);
  CHECK(media::to_string(t) == "2873397496 2873404696");
  for (std::string_view bad : {"", "0", "0 0 0", "x 0", "0 -1"}) {
    CAPTURE(bad);
    media::parse_timing(bad, ec);
    CHECK(ec == errc::malformed_timing);
  }
}
