#include "media/anchor.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>  // doctest prints std::error_code through operator<<
#include <string>
#include <string_view>
#include <vector>

#include "media/session.hpp"

namespace media = gatehouse::media;
namespace fs = std::filesystem;
using media::media_direction;
using media::session_description;
using media::session_errc;
using media::side;

namespace {

fs::path const golden_dir = fs::path(GATEHOUSE_TEST_DATA) / "anchor";

std::string read_file(fs::path const& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

session_description parse_ok(std::string_view text) {
  std::error_code ec;
  auto d = session_description::parse(text, ec);
  REQUIRE_MESSAGE(!ec, ec.message());
  return d;
}

std::vector<media::remote_stream> learn_ok(std::string_view text) {
  std::vector<media::remote_stream> out;
  auto const ec = media::learn_remote(parse_ok(text), out);
  REQUIRE_MESSAGE(!ec, ec.message());
  return out;
}

media::socket_address at(std::string_view ip, std::uint16_t port) {
  return {*media::parse_ip(ip), port};
}

media::media_interface make(std::string_view bind, std::string_view advertised, std::uint16_t first,
                            std::uint16_t last) {
  std::optional<media::media_interface> out;
  auto const ec =
      media::make_interface("test", bind, advertised, first, last, std::chrono::seconds(0), out);
  REQUIRE_MESSAGE(!ec, ec.message());
  return std::move(*out);
}

// Fixed keys, one letter per call, of the length the suite's key and salt take in base64.
media::key_generator fixed_keys() {
  return [n = 0](std::string_view suite) mutable {
    char const c = static_cast<char>('A' + n++ % 26);
    if (suite == "AEAD_AES_128_GCM") return "inline:" + std::string(38, c) + "==";
    if (suite == "AEAD_AES_256_GCM") return "inline:" + std::string(59, c) + "=";
    return "inline:" + std::string(40, c);
  };
}

std::string const head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n";

}  // namespace

TEST_CASE("anchor learn_remote: addresses, RTCP, direction, crypto, ICE") {
  SUBCASE("session-level c=, RTCP on port + 1, session default direction") {
    auto const r = learn_ok(head +
                            "c=IN IP4 192.0.2.7\r\nt=0 0\r\na=recvonly\r\n"
                            "m=audio 4000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\n");
    REQUIRE(r.size() == 2);
    CHECK(r[0].media_type == "audio");
    CHECK(r[0].port == 4000);
    CHECK(r[0].protocol == "RTP/AVP");
    CHECK(r[0].transport == media::transport_protocol::rtp_avp);
    CHECK(r[0].rtp == at("192.0.2.7", 4000));
    CHECK(r[0].rtcp == at("192.0.2.7", 4001));
    CHECK(r[0].direction == media_direction::recvonly);
    CHECK(!r[0].hold_address);
    CHECK(!r[0].rtcp_mux);
    CHECK(r[1].port == 0);  // rejected: no addresses
    CHECK(!r[1].rtp);
    CHECK(!r[1].rtcp);
  }
  SUBCASE("media-level c= wins; a=rtcp with and without an address (RFC 3605)") {
    auto const r = learn_ok(head +
                            "c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP 0\r\n"
                            "c=IN IP4 192.0.2.8\r\na=rtcp:5001 IN IP4 192.0.2.9\r\n"
                            "m=audio 4010 RTP/AVP 0\r\na=rtcp:4013\r\n");
    CHECK(r[0].rtp == at("192.0.2.8", 4000));
    CHECK(r[0].rtcp == at("192.0.2.9", 5001));
    CHECK(r[1].rtp == at("192.0.2.7", 4010));
    CHECK(r[1].rtcp == at("192.0.2.7", 4013));
  }
  SUBCASE("rtcp-mux puts RTCP on the RTP port, whatever a=rtcp says") {
    auto const r = learn_ok(head +
                            "c=IN IP6 2001:db8::7\r\nm=audio 4000 RTP/AVPF 0\r\n"
                            "a=rtcp:9 IN IP4 0.0.0.0\r\na=rtcp-mux\r\n");
    CHECK(r[0].rtcp_mux);
    CHECK(r[0].rtp == at("2001:db8::7", 4000));
    CHECK(r[0].rtcp == r[0].rtp);
  }
  SUBCASE("c=0.0.0.0 and c=:: are holds with no address; an FQDN has no address either") {
    auto const r = learn_ok(head +
                            "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\na=sendonly\r\n"
                            "m=audio 4002 RTP/AVP 0\r\nc=IN IP6 ::\r\n"
                            "m=audio 4004 RTP/AVP 0\r\nc=IN IP4 media.example.com\r\n");
    CHECK(r[0].hold_address);
    CHECK(!r[0].rtp);
    CHECK(!r[0].rtcp);
    CHECK(r[0].direction == media_direction::sendonly);
    CHECK(r[1].hold_address);
    CHECK(!r[1].rtp);
    CHECK(!r[2].hold_address);
    CHECK(!r[2].rtp);
  }
  SUBCASE("under ICE, c=0.0.0.0 is no hold (RFC 8840)") {
    auto const r = learn_ok(head +
                            "a=ice-ufrag:abcd\r\nm=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\n"
                            "a=candidate:1 1 udp 1 192.0.2.5 4000 typ host\r\n");
    CHECK(!r[0].hold_address);
    CHECK(!r[0].rtp);
    CHECK(r[0].ice);
  }
  SUBCASE("port 65535 has no port + 1; a malformed a=rtcp is ignored") {
    auto const r = learn_ok(head +
                            "c=IN IP4 192.0.2.7\r\nm=audio 65535 RTP/AVP 0\r\n"
                            "m=audio 4000 RTP/AVP 0\r\na=rtcp:99999\r\n");
    CHECK(r[0].rtp == at("192.0.2.7", 65535));
    CHECK(!r[0].rtcp);
    CHECK(r[1].rtcp == at("192.0.2.7", 4001));
  }
  SUBCASE("crypto lines: the well-formed ones, in order, with their session parameters") {
    auto const r = learn_ok(head +
                            "c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/SAVP 0\r\n"
                            "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:abc\r\n"
                            "a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:def UNENCRYPTED_SRTCP\r\n"
                            "a=crypto:3 AEAD_AES_128_GCM inline:ghi\r\n");
    REQUIRE(r[0].cryptos.size() == 2);
    CHECK(r[0].cryptos[0] ==
          media::crypto_line{7, "AES_CM_128_HMAC_SHA1_32", "inline:def", "UNENCRYPTED_SRTCP"});
    CHECK(r[0].cryptos[1] == media::crypto_line{3, "AEAD_AES_128_GCM", "inline:ghi", ""});
    CHECK(!r[0].ice);
  }
  SUBCASE("a stream with a port and no c= anywhere is an error; a rejected one is not") {
    std::vector<media::remote_stream> out;
    auto const bad = parse_ok(head + "m=audio 0 RTP/AVP 0\r\nm=audio 4000 RTP/AVP 0\r\n");
    CHECK(media::learn_remote(bad, out) == session_errc::missing_connection);
    CHECK(out.empty());
    CHECK(learn_ok(head + "m=audio 0 RTP/AVP 0\r\n").size() == 1);
  }
}

TEST_CASE("anchor write_anchored: the plan applied to one description") {
  media::anchor_plan plan;
  plan.address = *media::parse_ip("203.0.113.5");
  plan.origin = {"gh", 42, 7};
  media::session_description out;

  SUBCASE("a plan with the wrong number of streams is refused") {
    auto const in = parse_ok(head + "c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP 0\r\n");
    CHECK(media::write_anchored(in, plan, out) == session_errc::media_count_mismatch);
  }
  SUBCASE("no c= at the session level: each stream gets one; o= is the plan's") {
    auto const in = parse_ok(head + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.7\r\n" +
                             "m=audio 4002 RTP/AVP 0\r\nb=AS:64\r\n");
    plan.streams.resize(2);
    plan.streams[0] = {true, 30000, 30003, false, "RTP/AVP", {}};
    plan.streams[1] = {true, 30010, 30011, false, "RTP/AVP", {}};
    REQUIRE(!media::write_anchored(in, plan, out));
    CHECK(out.to_string() ==
          "v=0\r\no=gh 42 7 IN IP4 203.0.113.5\r\ns=-\r\nt=0 0\r\n"
          "m=audio 30000 RTP/AVP 0\r\nc=IN IP4 203.0.113.5\r\na=rtcp:30003\r\n"
          "m=audio 30010 RTP/AVP 0\r\nc=IN IP4 203.0.113.5\r\nb=AS:64\r\n");
  }
  SUBCASE("a disabled stream: port 0, keys and transport lines gone, formats kept") {
    auto const in = parse_ok(head +
                             "c=IN IP4 192.0.2.7\r\nm=video 4000/2 RTP/SAVP 96 97\r\n"
                             "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc\r\na=rtcp:4001\r\n"
                             "a=rtcp-mux\r\na=candidate:1 1 udp 1 192.0.2.7 4000 typ host\r\n"
                             "a=rtpmap:96 VP8/90000\r\n");
    plan.streams.resize(1);
    REQUIRE(!media::write_anchored(in, plan, out));
    std::string text;
    out.media()[0].write(text);
    CHECK(text == "m=video 0 RTP/SAVP 96 97\r\na=rtpmap:96 VP8/90000\r\n");
  }
  SUBCASE("multiplexed RTCP removes a=rtcp; a lone RTCP port is announced") {
    auto const in = parse_ok(head +
                             "c=IN IP4 192.0.2.7\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp:4001\r\n"
                             "m=audio 4002 RTP/AVP 0\r\n");
    plan.streams.resize(2);
    plan.streams[0] = {true, 30000, std::nullopt, true, "RTP/AVP", {}};
    plan.streams[1] = {true, 30010, 30010, true, "RTP/AVP", {}};
    REQUIRE(!media::write_anchored(in, plan, out));
    CHECK(!out.media()[0].has_attribute("rtcp"));
    CHECK(out.media()[0].rtcp_mux());
    CHECK(out.media()[1].attribute("rtcp") == "30010");
    CHECK(out.media()[1].rtcp_mux());
  }
  SUBCASE("c=0.0.0.0: the relay's address, and the hold said by direction (RFC 3264 §8.4)") {
    auto const in = parse_ok(head +
                             "c=IN IP4 0.0.0.0\r\na=recvonly\r\nm=audio 4000 RTP/AVP 0\r\n"
                             "m=audio 4002 RTP/AVP 0\r\na=sendonly\r\n"
                             "m=audio 4004 RTP/AVP 0\r\na=inactive\r\n"
                             "m=audio 4006 RTP/AVP 0\r\na=sendrecv\r\n");
    plan.streams.assign(4, {true, 30000, 30001, false, "RTP/AVP", {}});
    REQUIRE(!media::write_anchored(in, plan, out));
    CHECK(out.session().connection()->address == "203.0.113.5");
    CHECK(out.session().direction() == media_direction::recvonly);  // passes unchanged
    CHECK(out.media()[0].direction() == media_direction::inactive);
    CHECK(out.media()[1].direction() == media_direction::sendonly);
    CHECK(out.media()[2].direction() == media_direction::inactive);
    CHECK(out.media()[3].direction() == media_direction::sendonly);
    CHECK(out.media()[3].attributes("sendonly").size() == 1);
    CHECK(!out.media()[3].has_attribute("sendrecv"));
  }
  SUBCASE("BUNDLE groups go, other groups stay; session-level ICE and DTLS go") {
    auto const in = parse_ok(head +
                             "c=IN IP4 192.0.2.7\r\na=group:BUNDLE 0 1\r\na=group:LS 0 1\r\n"
                             "a=ice-lite\r\na=ice-options:trickle\r\na=fingerprint:sha-256 AB\r\n"
                             "m=audio 4000 RTP/AVP 0\r\na=mid:0\r\nm=video 4000 RTP/AVP 96\r\n"
                             "a=mid:1\r\na=setup:actpass\r\na=tls-id:x\r\n");
    plan.streams.assign(2, {true, 30000, 30001, false, "RTP/AVP", {}});
    REQUIRE(!media::write_anchored(in, plan, out));
    CHECK(out.session().attributes("group") == std::vector<std::string_view>{"LS 0 1"});
    CHECK(!out.session().has_attribute("ice-lite"));
    CHECK(!out.session().has_attribute("ice-options"));
    CHECK(!out.session().has_attribute("fingerprint"));
    CHECK(out.media()[1].attribute("mid") == "1");
    CHECK(!out.media()[1].has_attribute("setup"));
    CHECK(!out.media()[1].has_attribute("tls-id"));
  }
}

namespace {

enum class op { offer, answer };

struct step {
  op what;
  side from;
  char const* in;   // tests/data/anchor/<in>.in.sdp
  char const* out;  // tests/data/anchor/<out>.out.sdp
};

struct scenario {
  char const* name;
  bool a_ipv6;  // side A on an IPv6 interface
  media::security a_policy, b_policy;
  std::vector<step> steps;
};

// Side A faces phones on the Internet from a relay behind a 1:1 NAT (or over IPv6); side B faces
// a carrier from a public address.
struct test_call {
  media::media_interface a_public = make("10.0.0.5", "203.0.113.5", 20000, 20099);
  media::media_interface a_v6 = make("2001:db8:5::5", "", 40000, 40099);
  media::media_interface b_core = make("198.51.100.5", "", 30000, 30099);
  media::media_session session;

  test_call(bool a_ipv6, media::security a, media::security b)
      : session(a_ipv6 ? a_v6 : a_public, a, b_core, b, fixed_keys()) {}
};

std::vector<scenario> const scenarios = {
    {"plain audio behind NAT; hold, resume, identical re-offers both ways, c=0.0.0.0 hold",
     false,
     media::security::rtp,
     media::security::rtp,
     {{op::offer, side::a, "nat_offer", "nat_offer"},
      {op::answer, side::b, "nat_answer", "nat_answer"},
      {op::offer, side::a, "hold_offer", "hold_offer"},
      {op::answer, side::b, "hold_answer", "hold_answer"},
      {op::offer, side::a, "resume_offer", "resume_offer"},
      {op::answer, side::b, "resume_answer", "resume_answer"},
      // RFC 3264 §8: unchanged content, unchanged version, whoever offers.
      {op::offer, side::a, "resume_again_offer", "resume_offer"},
      {op::answer, side::b, "resume_answer", "resume_answer"},
      {op::offer, side::b, "resume_answer", "resume_answer"},
      {op::answer, side::a, "resume_offer", "resume_offer"},
      {op::offer, side::a, "zero_hold_offer", "zero_hold_offer"}}},
    {"audio and video, video rejected",
     false,
     media::security::rtp,
     media::security::rtp,
     {{op::offer, side::a, "av_offer", "av_offer"},
      {op::answer, side::b, "av_answer", "av_answer"}}},
    {"rtcp-mux offered and accepted",
     false,
     media::security::rtp,
     media::security::rtp,
     {{op::offer, side::a, "mux_offer", "mux_offer"},
      {op::answer, side::b, "mux_answer", "mux_answer"}}},
    {"a=rtcp rewritten",
     false,
     media::security::rtp,
     media::security::rtp,
     {{op::offer, side::a, "rtcp_offer", "rtcp_offer"},
      {op::answer, side::b, "rtcp_answer", "rtcp_answer"}}},
    {"WebRTC-ish SDES offer: ICE, BUNDLE and crypto stripped toward RTP",
     false,
     media::security::as_offered,
     media::security::rtp,
     {{op::offer, side::a, "webrtc_offer", "webrtc_offer"},
      {op::answer, side::b, "webrtc_answer", "webrtc_answer"}}},
    {"SRTP on A, RTP on B",
     false,
     media::security::as_offered,
     media::security::rtp,
     {{op::offer, side::a, "srtp_to_rtp_offer", "srtp_to_rtp_offer"},
      {op::answer, side::b, "nat_answer", "srtp_to_rtp_answer"}}},
    {"RTP on A, SRTP on B",
     false,
     media::security::rtp,
     media::security::srtp,
     {{op::offer, side::a, "nat_offer", "rtp_to_srtp_offer"},
      {op::answer, side::b, "rtp_to_srtp_answer", "rtp_to_srtp_answer"}}},
    {"SRTP on both sides, fresh keys on each",
     false,
     media::security::srtp,
     media::security::srtp,
     {{op::offer, side::a, "srtp_both_offer", "srtp_both_offer"},
      {op::answer, side::b, "srtp_both_answer", "srtp_both_answer"}}},
    {"IPv6 on A, IPv4 on B",
     true,
     media::security::rtp,
     media::security::rtp,
     {{op::offer, side::a, "ipv6_offer", "ipv6_offer"},
      {op::answer, side::b, "ipv6_answer", "ipv6_answer"}}},
};

}  // namespace

TEST_CASE("anchor goldens: offers and answers through a media session, byte for byte") {
  auto const now = media::time_point{} + std::chrono::hours(1);
  for (auto const& sc : scenarios) {
    std::string const scenario_name = sc.name;
    CAPTURE(scenario_name);
    test_call call(sc.a_ipv6, sc.a_policy, sc.b_policy);
    for (auto const& st : sc.steps) {
      std::string const input = st.in;
      CAPTURE(input);
      auto const in = parse_ok(read_file(golden_dir / (std::string(st.in) + ".in.sdp")));
      session_description out;
      auto const ec = st.what == op::offer ? call.session.offer(st.from, in, now, out)
                                           : call.session.answer(st.from, in, now, out);
      REQUIRE_MESSAGE(!ec, ec.message());
      auto const expected = read_file(golden_dir / (std::string(st.out) + ".out.sdp"));
      CHECK(out.to_string() == expected);
      CHECK(parse_ok(out.to_string()) == out);
    }
  }
}

TEST_CASE("anchor truncation: every prefix of every golden input, offered, never crashes") {
  auto const now = media::time_point{} + std::chrono::hours(1);
  std::vector<fs::path> inputs;
  for (auto const& e : fs::directory_iterator(golden_dir)) {
    if (e.path().string().ends_with(".in.sdp")) inputs.push_back(e.path());
  }
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(inputs.size() >= 15);
  struct policies {
    media::security a, b;
  };
  std::vector<policies> const combos = {{media::security::rtp, media::security::rtp},
                                        {media::security::as_offered, media::security::srtp},
                                        {media::security::srtp, media::security::as_offered}};
  std::size_t offered = 0, refused = 0;
  for (auto const& path : inputs) {
    CAPTURE(path);
    auto const text = read_file(path);
    auto const whole = parse_ok(text);
    for (std::size_t n = 0; n <= text.size(); ++n) {
      std::error_code ec;
      auto const d = session_description::parse(std::string_view(text).substr(0, n), ec);
      if (ec) continue;
      for (auto const& p : combos) {
        test_call call(false, p.a, p.b);
        auto const free_a = call.a_public.ports.free_ports(now);
        auto const free_b = call.b_core.ports.free_ports(now);
        session_description out;
        ec = call.session.offer(side::a, d, now, out);
        if (ec) {
          ++refused;
          CHECK(call.session.streams().empty());
        } else {
          ++offered;
          CHECK(parse_ok(out.to_string()) == out);
          // The whole input as the answer: right or wrong, it must not crash either.
          call.session.answer(side::b, whole, now, out);
        }
        call.session.release_all(now);
        CHECK(call.a_public.ports.free_ports(now) == free_a);
        CHECK(call.b_core.ports.free_ports(now) == free_b);
      }
    }
  }
  CHECK(offered > 0);
  CHECK(refused > 0);
}
