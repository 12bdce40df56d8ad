#include "media/session.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <ostream>  // doctest prints std::error_code through operator<<
#include <string>
#include <string_view>
#include <utility>

namespace media = gatehouse::media;
using media::interface_errc;
using media::media_session;
using media::security;
using media::session_description;
using media::session_errc;
using media::side;
using namespace std::string_literals;

namespace {

auto const t0 = media::time_point{} + std::chrono::hours(1);

media::media_interface make(std::string_view bind, std::string_view advertised, std::uint16_t first,
                            std::uint16_t last, std::chrono::milliseconds quarantine = {}) {
  std::optional<media::media_interface> out;
  auto const ec = media::make_interface("test", bind, advertised, first, last, quarantine, out);
  REQUIRE_MESSAGE(!ec, ec.message());
  return std::move(*out);
}

// Counts the keys made; each is "inline:" and the suite's first letter and the count.
struct counting_keys {
  int* made;
  std::string operator()(std::string_view suite) const {
    return "inline:" + std::string(suite.substr(0, 4)) + std::to_string(++*made);
  }
};

// A description from `address` with the given m= sections.
session_description sdp(std::string_view address, std::string const& media) {
  auto const text = "v=0\r\no=- 1 1 IN IP4 " + std::string(address) + "\r\ns=-\r\nc=IN IP4 " +
                    std::string(address) + "\r\nt=0 0\r\n" + media;
  std::error_code ec;
  auto d = session_description::parse(text, ec);
  REQUIRE_MESSAGE(!ec, ec.message());
  return d;
}

std::string audio(int port, std::string const& extra = "") {
  return "m=audio " + std::to_string(port) + " RTP/AVP 0\r\n" + extra;
}

std::string video(int port) {
  return "m=video " + std::to_string(port) + " RTP/AVP 96\r\n";
}

std::string srtp_audio(int port, std::string const& cryptos) {
  return "m=audio " + std::to_string(port) + " RTP/SAVP 0\r\n" + cryptos;
}

media::socket_address at(std::string_view ip, std::uint16_t port) {
  return {*media::parse_ip(ip), port};
}

// Side A on 203.0.113.5 (behind a 1:1 NAT), side B on 198.51.100.5; 100 ports each.
struct fixture {
  media::media_interface a_if = make("10.0.0.5", "203.0.113.5", 20000, 20099);
  media::media_interface b_if = make("198.51.100.5", "", 30000, 30099);
  int keys_made = 0;
  media_session session;
  session_description out;

  explicit fixture(security a = security::rtp, security b = security::rtp)
      : session(a_if, a, b_if, b, counting_keys{&keys_made}) {}

  std::size_t free_a() { return a_if.ports.free_ports(t0); }
  std::size_t free_b() { return b_if.ports.free_ports(t0); }
  media::stream_end const& end(std::size_t i, side s) { return session.streams()[i].end(s); }

  void offer_ok(side from, session_description const& d) {
    auto const ec = session.offer(from, d, t0, out);
    REQUIRE_MESSAGE(!ec, ec.message());
  }
  void answer_ok(side from, session_description const& d) {
    auto const ec = session.answer(from, d, t0, out);
    REQUIRE_MESSAGE(!ec, ec.message());
  }
};

}  // namespace

TEST_CASE("interface: construction and validation") {
  std::optional<media::media_interface> i;
  auto const q = std::chrono::milliseconds(0);
  CHECK(!media::make_interface("core", "198.51.100.5", "", 30000, 30099, q, i));
  REQUIRE(i);
  CHECK(i->name == "core");
  CHECK(i->advertised == i->bind);
  CHECK(i->ports.size() == 100);
  CHECK(!media::make_interface("nat", "0.0.0.0", "203.0.113.5", 20001, 20010, q, i));
  CHECK(media::to_string(i->advertised) == "203.0.113.5");
  CHECK(media::is_unspecified(i->bind));
  CHECK(i->ports.size() == 9);  // 20002..20010: RTP starts even
  CHECK(!media::make_interface("v6", "::", "2001:db8::5", 40000, 40001, q, i));

  struct bad_case {
    char const* bind;
    char const* advertised;
    std::uint16_t first, last;
    interface_errc expected;
  };
  bad_case const cases[] = {
      {"10.0.0.300", "", 20000, 20099, interface_errc::bad_bind_address},
      {"", "", 20000, 20099, interface_errc::bad_bind_address},
      {"10.0.0.5", "relay.example.com", 20000, 20099, interface_errc::bad_advertised_address},
      {"10.0.0.5", "2001:db8::5", 20000, 20099, interface_errc::address_family_mismatch},
      {"2001:db8::5", "203.0.113.5", 20000, 20099, interface_errc::address_family_mismatch},
      {"0.0.0.0", "", 20000, 20099, interface_errc::unspecified_advertised_address},
      {"10.0.0.5", "0.0.0.0", 20000, 20099, interface_errc::unspecified_advertised_address},
      {"::", "", 20000, 20099, interface_errc::unspecified_advertised_address},
      {"10.0.0.5", "", 20099, 20000, interface_errc::empty_port_range},
      {"10.0.0.5", "", 20000, 20000, interface_errc::empty_port_range},
      {"10.0.0.5", "", 20001, 20002, interface_errc::empty_port_range},
      {"10.0.0.5", "", 0, 1, interface_errc::empty_port_range},
      {"10.0.0.5", "", 65535, 65535, interface_errc::empty_port_range},
  };
  for (auto const& c : cases) {
    CAPTURE(std::string(c.bind));
    CAPTURE(std::string(c.advertised));
    std::optional<media::media_interface> out;
    auto const ec = media::make_interface("x", c.bind, c.advertised, c.first, c.last, q, out);
    CHECK(ec == c.expected);
    CHECK(ec.category() == media::interface_category());
    CHECK(!ec.message().empty());
    CHECK(!out);
  }
}

TEST_CASE("session ports: a pair on each side per stream, kept by the answer, all returned") {
  fixture f;
  f.offer_ok(side::a, sdp("192.168.1.20", audio(49170)));
  CHECK(f.free_a() == 98);
  CHECK(f.free_b() == 98);
  REQUIRE(f.session.streams().size() == 1);
  CHECK(f.session.streams()[0].active);
  CHECK(f.session.offerer() == side::a);
  auto const& a = f.end(0, side::a);
  CHECK(a.rtp_port == 20000);
  CHECK(a.rtcp_port == 20001);
  CHECK(a.remote_rtp == at("192.168.1.20", 49170));
  CHECK(a.remote_rtcp == at("192.168.1.20", 49171));
  CHECK(!a.rtcp_mux);
  CHECK(f.end(0, side::b).rtp_port == 30000);
  CHECK(f.end(0, side::b).local_rtcp_port() == 30001);
  CHECK(!f.end(0, side::b).remote_rtp);  // not known before the answer
  CHECK(f.out.media()[0].port() == 30000);

  f.answer_ok(side::b, sdp("198.51.100.77", audio(8000, "a=rtcp:8005\r\n")));
  CHECK(!f.session.offerer());
  CHECK(f.free_a() == 98);
  CHECK(f.free_b() == 98);
  CHECK(f.end(0, side::b).remote_rtp == at("198.51.100.77", 8000));
  CHECK(f.end(0, side::b).remote_rtcp == at("198.51.100.77", 8005));
  CHECK(f.out.media()[0].port() == 20000);
  CHECK(f.out.media()[0].attribute("rtcp") == "20001");

  f.session.release_all(t0);
  CHECK(f.free_a() == 100);
  CHECK(f.free_b() == 100);
  CHECK(f.session.streams().empty());

  // Idempotent: the ports now belong to another call, and stay with it.
  media_session other(f.a_if, security::rtp, f.b_if, security::rtp, counting_keys{&f.keys_made});
  session_description out;
  REQUIRE(!other.offer(side::a, sdp("192.168.1.21", audio(4000)), t0, out));
  f.session.release_all(t0);
  CHECK(f.free_a() == 98);
  CHECK(f.free_b() == 98);
  CHECK(f.session.offer(side::a, sdp("192.168.1.20", audio(4000)), t0, out) ==
        session_errc::session_released);
  CHECK(f.session.answer(side::b, sdp("192.168.1.20", audio(4000)), t0, out) ==
        session_errc::session_released);
}

TEST_CASE("session ports: the destructor and moves return every port once") {
  auto a_if = make("10.0.0.5", "203.0.113.5", 20000, 20099, std::chrono::seconds(30));
  auto b_if = make("198.51.100.5", "", 30000, 30099, std::chrono::seconds(30));
  int made = 0;
  session_description out;
  {
    media_session s(a_if, security::rtp, b_if, security::rtp, counting_keys{&made});
    REQUIRE(!s.offer(side::a, sdp("192.168.1.20", audio(4000) + video(4002)), t0, out));
    media_session moved(std::move(s));
    CHECK(moved.streams().size() == 2);
    CHECK(s.streams().empty());
    media_session assigned(a_if, security::rtp, b_if, security::rtp, counting_keys{&made});
    REQUIRE(!assigned.offer(side::b, sdp("192.168.1.30", audio(5000)), t0, out));
    CHECK(a_if.ports.free_ports(t0) == 94);
    assigned = std::move(moved);  // gives back its own stream's ports
    CHECK(a_if.ports.free_ports(t0) == 94);
    CHECK(a_if.ports.free_ports(t0 + std::chrono::seconds(30)) == 96);
  }
  // Released at the last event's time; quarantined for 30 s from then (port_pool).
  CHECK(a_if.ports.free_ports(t0 + std::chrono::seconds(29)) == 96);
  CHECK(a_if.ports.free_ports(t0 + std::chrono::seconds(30)) == 100);
  CHECK(b_if.ports.free_ports(t0 + std::chrono::seconds(30)) == 100);
}

TEST_CASE("session rtcp-mux: one port where it is used, a pair where it may be declined") {
  fixture f;
  f.offer_ok(side::a, sdp("192.168.1.20", audio(7078, "a=rtcp-mux\r\n")));
  CHECK(f.free_a() == 99);  // the relay accepts mux toward A: one port
  CHECK(f.free_b() == 98);  // B may decline it: a pair
  CHECK(f.end(0, side::a).rtcp_mux);
  CHECK(!f.end(0, side::a).rtcp_port);
  CHECK(f.end(0, side::a).local_rtcp_port() == f.end(0, side::a).rtp_port);
  CHECK(f.end(0, side::a).remote_rtcp == at("192.168.1.20", 7078));
  CHECK(f.out.media()[0].rtcp_mux());

  SUBCASE("accepted: the spare RTCP port goes back") {
    f.answer_ok(side::b, sdp("198.51.100.90", audio(9000, "a=rtcp-mux\r\n")));
    CHECK(f.free_b() == 99);
    CHECK(f.end(0, side::b).rtcp_mux);
    CHECK(f.end(0, side::b).remote_rtcp == at("198.51.100.90", 9000));
    CHECK(f.out.media()[0].rtcp_mux());
    CHECK(!f.out.media()[0].has_attribute("rtcp"));

    // A re-offer keeps B's one port and names it in a=rtcp, in case B declines this time.
    auto const b_port = *f.end(0, side::b).rtp_port;
    f.offer_ok(side::a, sdp("192.168.1.20", audio(7078, "a=rtcp-mux\r\n")));
    CHECK(f.free_b() == 99);
    CHECK(f.end(0, side::b).rtp_port == b_port);
    CHECK(f.out.media()[0].attribute("rtcp") == std::to_string(b_port));
    f.answer_ok(side::b, sdp("198.51.100.90", audio(9000)));
    CHECK(!f.end(0, side::b).rtcp_mux);
    CHECK(f.end(0, side::b).local_rtcp_port() == b_port);
    CHECK(f.end(0, side::b).remote_rtcp == at("198.51.100.90", 9001));

    // Without mux, both sides need pairs again: new ones, the single ports go back.
    f.offer_ok(side::a, sdp("192.168.1.20", audio(7078)));
    CHECK(f.free_a() == 98);
    CHECK(f.free_b() == 98);
    CHECK(f.end(0, side::a).rtcp_port);
    CHECK(f.end(0, side::b).rtcp_port);
    CHECK(!f.out.media()[0].rtcp_mux());
  }
  SUBCASE("declined: the pair stays") {
    f.answer_ok(side::b, sdp("198.51.100.90", audio(9000)));
    CHECK(f.free_b() == 98);
    CHECK(!f.end(0, side::b).rtcp_mux);
    CHECK(f.end(0, side::b).remote_rtcp == at("198.51.100.90", 9001));
    CHECK(f.out.media()[0].rtcp_mux());  // A still gets mux: the legs are independent
  }
}

TEST_CASE("session re-offers: continuing streams keep their ports, removed ones give them back") {
  fixture f;
  f.offer_ok(side::a, sdp("192.168.1.20", audio(4000) + video(4002)));
  f.answer_ok(side::b, sdp("198.51.100.77", audio(8000) + video(8002)));
  CHECK(f.free_a() == 96);
  CHECK(f.free_b() == 96);
  auto const audio_a = f.end(0, side::a).rtp_port;
  auto const audio_b = f.end(0, side::b).rtp_port;

  // The offerer changes its address and drops video (RFC 3264 §8.2: port 0).
  f.offer_ok(side::a, sdp("192.168.1.99", audio(4100) + video(0)));
  CHECK(f.free_a() == 98);
  CHECK(f.free_b() == 98);
  CHECK(f.end(0, side::a).rtp_port == audio_a);
  CHECK(f.end(0, side::b).rtp_port == audio_b);
  CHECK(f.end(0, side::a).remote_rtp == at("192.168.1.99", 4100));
  CHECK(f.end(0, side::b).remote_rtp == at("198.51.100.77", 8000));  // until B answers
  CHECK(!f.session.streams()[1].active);
  CHECK(!f.end(1, side::a).rtp_port);
  CHECK(f.out.media()[1].port() == 0);
  f.answer_ok(side::b, sdp("198.51.100.77", audio(8000) + video(0)));
  CHECK(f.out.media()[1].port() == 0);

  // B re-offers the other way round: same ports; the stopped slot becomes a new audio stream.
  f.offer_ok(side::b, sdp("198.51.100.77", audio(8000) + audio(8010)));
  CHECK(f.end(0, side::a).rtp_port == audio_a);
  CHECK(f.end(0, side::b).rtp_port == audio_b);
  CHECK(f.session.streams()[1].active);
  CHECK(f.free_a() == 96);
  CHECK(f.free_b() == 96);
  f.answer_ok(side::a, sdp("192.168.1.99", audio(4100) + audio(4110)));

  // A slot of a stream that goes on with another media type is a new stream: new ports.
  auto const second_a = f.end(1, side::a).rtp_port;
  f.offer_ok(side::a, sdp("192.168.1.99", audio(4100) + video(4110)));
  CHECK(f.end(1, side::a).rtp_port != second_a);
  CHECK(f.free_a() == 96);
  CHECK(f.free_b() == 96);
  f.answer_ok(side::b, sdp("198.51.100.77", audio(8000) + video(8010)));

  // RFC 3264 §8: no m= line may disappear.
  CHECK(f.session.offer(side::a, sdp("192.168.1.99", audio(4100)), t0, f.out) ==
        session_errc::media_count_mismatch);
  CHECK(f.free_a() == 96);
}

TEST_CASE("session exhaustion: the error, and nothing taken or changed") {
  auto a_if = make("10.0.0.5", "203.0.113.5", 20000, 20099);
  auto b_if = make("198.51.100.5", "", 30000, 30005);  // three pairs
  int made = 0;
  media_session s(a_if, security::rtp, b_if, security::rtp, counting_keys{&made});
  session_description out;
  auto const four = sdp("192.168.1.20", audio(4000) + audio(4002) + audio(4004) + audio(4006));
  CHECK(s.offer(side::a, four, t0, out) == session_errc::ports_exhausted);
  CHECK(a_if.ports.free_ports(t0) == 100);
  CHECK(b_if.ports.free_ports(t0) == 6);
  CHECK(s.streams().empty());
  CHECK(!s.offerer());

  auto const two = sdp("192.168.1.20", audio(4000) + audio(4002));
  REQUIRE(!s.offer(side::a, two, t0, out));
  REQUIRE(!s.answer(side::b, sdp("198.51.100.7", audio(8000) + audio(8002)), t0, out));
  CHECK(b_if.ports.free_ports(t0) == 2);
  auto const before = s.streams()[1].end(side::b).rtp_port;

  // A failed re-offer leaves the call as it was.
  auto const three = sdp("192.168.1.20", audio(4000) + video(4002) + audio(4004) + audio(4006));
  CHECK(s.offer(side::a, three, t0, out) == session_errc::ports_exhausted);
  CHECK(a_if.ports.free_ports(t0) == 96);
  CHECK(b_if.ports.free_ports(t0) == 2);
  REQUIRE(s.streams().size() == 2);
  CHECK(s.streams()[1].media_type == "audio");
  CHECK(s.streams()[1].end(side::b).rtp_port == before);
  CHECK(!s.offerer());

  // The offerer's side can run out too (its ports are taken for the answer).
  auto small_a = make("10.0.0.6", "", 20000, 20001);
  media_session t(small_a, security::rtp, b_if, security::rtp, counting_keys{&made});
  CHECK(t.offer(side::a, two, t0, out) == session_errc::ports_exhausted);
  CHECK(small_a.ports.free_ports(t0) == 2);
  CHECK(b_if.ports.free_ports(t0) == 2);
}

TEST_CASE("session offer/answer order and answer errors") {
  fixture f;
  auto const offer = sdp("192.168.1.20", audio(4000) + video(4002));
  CHECK(f.session.answer(side::b, offer, t0, f.out) == session_errc::no_offer_pending);
  f.offer_ok(side::a, offer);
  CHECK(f.session.offer(side::a, offer, t0, f.out) == session_errc::offer_pending);
  CHECK(f.session.offer(side::b, offer, t0, f.out) == session_errc::offer_pending);  // glare
  CHECK(f.session.answer(side::a, offer, t0, f.out) == session_errc::answer_from_offerer);
  CHECK(f.session.answer(side::b, sdp("198.51.100.7", audio(8000)), t0, f.out) ==
        session_errc::media_count_mismatch);
  CHECK(f.session.answer(side::b, sdp("198.51.100.7", audio(8000) + video(8002) + video(8004)), t0,
                         f.out) == session_errc::media_count_mismatch);
  CHECK(f.session.answer(side::b, sdp("198.51.100.7", audio(8000) + audio(8002)), t0, f.out) ==
        session_errc::media_type_mismatch);
  std::error_code ec;
  auto const no_c = session_description::parse(
      "v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\nt=0 0\r\n" + audio(8000) + video(8002), ec);
  REQUIRE(!ec);
  CHECK(f.session.answer(side::b, no_c, t0, f.out) == session_errc::missing_connection);
  CHECK(f.free_a() == 96);
  CHECK(f.free_b() == 96);
  CHECK(f.session.offerer() == side::a);  // still waiting for a good answer
  f.answer_ok(side::b, sdp("198.51.100.7", audio(8000) + video(0)));
  CHECK(f.free_a() == 98);
  CHECK(f.free_b() == 98);
  CHECK(f.out.media()[1].port() == 0);
  CHECK(f.session.answer(side::b, offer, t0, f.out) == session_errc::no_offer_pending);
}

TEST_CASE("session abandon_offer: a refused offer leaves the call open to a new one") {
  fixture f;
  f.offer_ok(side::a, sdp("192.168.1.20", audio(4000)));
  f.answer_ok(side::b, sdp("198.51.100.7", audio(8000)));
  f.offer_ok(side::b, sdp("198.51.100.7", audio(8000) + audio(8002)));  // refused with 488
  f.session.abandon_offer();
  CHECK(!f.session.offerer());
  f.offer_ok(side::a, sdp("192.168.1.20", audio(4000) + audio(0)));
  f.answer_ok(side::b, sdp("198.51.100.7", audio(8000) + audio(0)));
  CHECK(f.free_a() == 98);
  CHECK(f.free_b() == 98);
}

TEST_CASE("session SRTP: what each side sends with and what the relay sends it") {
  auto const cryptos =
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:offer80\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:offer32\r\n"s;

  SUBCASE("SRTP on both sides: the answer's tag picks the relay's key toward B") {
    fixture f(security::srtp, security::srtp);
    f.offer_ok(side::a, sdp("192.168.1.20", srtp_audio(4000, cryptos)));
    auto const& a = f.end(0, side::a);
    CHECK(a.inbound_key == media::sdes_key{"AES_CM_128_HMAC_SHA1_80", "inline:offer80", 1});
    CHECK(a.outbound_key == media::sdes_key{"AES_CM_128_HMAC_SHA1_80", "inline:AES_1", 1});
    CHECK(f.end(0, side::b).offered_keys.size() == 2);
    CHECK(f.out.media()[0].attributes("crypto") ==
          std::vector<std::string_view>{"1 AES_CM_128_HMAC_SHA1_80 inline:AES_2",
                                        "2 AES_CM_128_HMAC_SHA1_32 inline:AES_3"});
    f.answer_ok(side::b, sdp("198.51.100.7", srtp_audio(8000,
                                                        "a=crypto:2 "
                                                        "AES_CM_128_HMAC_SHA1_32 "
                                                        "inline:answer32\r\n")));
    auto const& b = f.end(0, side::b);
    CHECK(b.inbound_key == media::sdes_key{"AES_CM_128_HMAC_SHA1_32", "inline:answer32", 2});
    CHECK(b.outbound_key == media::sdes_key{"AES_CM_128_HMAC_SHA1_32", "inline:AES_3", 2});
    CHECK(f.out.media()[0].attributes("crypto") ==
          std::vector<std::string_view>{"1 AES_CM_128_HMAC_SHA1_80 inline:AES_1"});
    CHECK(f.keys_made == 3);

    // An unchanged re-offer keeps every key (RFC 4568 §7.1.4) and so the SDP and its version.
    auto const version = f.out.origin().session_version;
    f.offer_ok(side::a, sdp("192.168.1.20", srtp_audio(4000, cryptos)));
    f.answer_ok(side::b, sdp("198.51.100.7", srtp_audio(8000,
                                                        "a=crypto:2 "
                                                        "AES_CM_128_HMAC_SHA1_32 "
                                                        "inline:answer32\r\n")));
    CHECK(f.keys_made == 3);
    CHECK(f.out.origin().session_version == version);
  }
  SUBCASE("lines the relay cannot use are skipped; none usable is an error") {
    fixture f(security::as_offered, security::rtp);
    auto const odd =
        "a=crypto:1 F8_128_HMAC_SHA1_80 inline:f8\r\n"
        "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:x UNENCRYPTED_SRTCP\r\n"
        "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:k1|2^20|1:4;inline:k2|2^20|2:4\r\n"s;
    CHECK(f.session.offer(side::a, sdp("192.168.1.20", srtp_audio(4000, odd)), t0, f.out) ==
          session_errc::no_acceptable_crypto);
    CHECK(f.session.offer(side::a, sdp("192.168.1.20", srtp_audio(4000, "")), t0, f.out) ==
          session_errc::no_acceptable_crypto);
    CHECK(f.free_a() == 100);
    CHECK(f.free_b() == 100);
    f.offer_ok(side::a, sdp("192.168.1.20",
                            srtp_audio(4000, odd + "a=crypto:9 AEAD_AES_256_GCM inline:gcm\r\n")));
    CHECK(f.end(0, side::a).inbound_key == media::sdes_key{"AEAD_AES_256_GCM", "inline:gcm", 9});
    CHECK(f.out.media()[0].protocol() == "RTP/AVP");
    CHECK(!f.out.media()[0].has_attribute("crypto"));
    f.answer_ok(side::b, sdp("198.51.100.7", audio(8000)));
    CHECK(f.out.media()[0].attributes("crypto") ==
          std::vector<std::string_view>{"9 AEAD_AES_256_GCM inline:AEAD1"});
    CHECK(!f.end(0, side::b).inbound_key);
    CHECK(!f.end(0, side::b).outbound_key);
  }
  SUBCASE("a side whose policy is srtp may not offer plain RTP") {
    fixture f(security::srtp, security::rtp);
    CHECK(f.session.offer(side::a, sdp("192.168.1.20", audio(4000)), t0, f.out) ==
          session_errc::no_acceptable_crypto);
    CHECK(f.free_a() == 100);
  }
  SUBCASE("SRTP answer errors: no line, an unknown tag, another suite for the tag") {
    fixture f(security::rtp, security::srtp);
    f.offer_ok(side::a, sdp("192.168.1.20", audio(4000)));
    CHECK(f.out.media()[0].protocol() == "RTP/SAVP");
    auto const answer = [&](std::string const& crypto) {
      return f.session.answer(side::b, sdp("198.51.100.7", srtp_audio(8000, crypto)), t0, f.out);
    };
    CHECK(answer("") == session_errc::no_acceptable_crypto);
    CHECK(answer("a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:b\r\n") ==
          session_errc::unknown_crypto_tag);
    CHECK(answer("a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:b\r\n") ==
          session_errc::crypto_suite_mismatch);
    CHECK(f.session.offerer() == side::a);
    CHECK(!answer("a=crypto:2 AEAD_AES_128_GCM inline:b\r\n"));
    CHECK(f.end(0, side::b).outbound_key == media::sdes_key{"AEAD_AES_128_GCM", "inline:AEAD2", 2});
    CHECK(f.out.media()[0].protocol() == "RTP/AVP");
  }
}

TEST_CASE("session remote addresses: hold, and an IP version the interface cannot reach") {
  fixture f;
  f.offer_ok(side::a, sdp("0.0.0.0", audio(4000)));
  CHECK(!f.end(0, side::a).remote_rtp);
  CHECK(!f.end(0, side::a).remote_rtcp);
  CHECK(f.out.media()[0].direction() == media::media_direction::sendonly);
  std::error_code ec;
  auto const v6 = session_description::parse(
      "v=0\r\no=- 1 1 IN IP6 2001:db8::7\r\ns=-\r\nc=IN IP6 2001:db8::7\r\nt=0 0\r\n" +
          audio(8000, "a=recvonly\r\n"),
      ec);
  REQUIRE(!ec);
  f.answer_ok(side::b, v6);
  CHECK(!f.end(0, side::b).remote_rtp);  // B's interface is IPv4
  CHECK(f.end(0, side::b).direction == media::media_direction::recvonly);
  auto const c = f.out.effective_connection(f.out.media()[0]);
  REQUIRE(c);
  CHECK(c->address == "203.0.113.5");
}

TEST_CASE("session error codes have a category and messages") {
  std::error_code const ec = session_errc::ports_exhausted;
  CHECK(ec.category() == media::session_category());
  CHECK(std::string(ec.category().name()) == "gatehouse.media.session");
  for (int e = 1; e <= static_cast<int>(session_errc::session_released); ++e) {
    CHECK(media::make_error_code(static_cast<session_errc>(e)).message() !=
          "unknown media session error");
  }
}
