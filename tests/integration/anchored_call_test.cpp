// The relay end to end, as a call will use it: two phones' SDPs go through offer/answer in a
// media session, a forwarding worker is configured from the session, and the phones talk only
// through the addresses, ports and SRTP keys gatehouse wrote into their SDPs.
#include <doctest/doctest.h>

#include <future>
#include <random>

#include "../tools/rtp_peer.hpp"
#include "harness.hpp"
#include "media/anchor.hpp"
#include "media/interface.hpp"
#include "media/io/worker.hpp"
#include "media/relay_setup.hpp"
#include "media/session.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

media::session_description parse_sdp(std::string const& text) {
  std::error_code ec;
  auto sdp = media::session_description::parse(text, ec);
  REQUIRE_MESSAGE(!ec, ec.message(), "\n", text);
  return sdp;
}

// A phone's SDP: audio from `at`, plain or SRTP with `key` as its sending key.
std::string phone_sdp(media::socket_address const& at, std::optional<media::srtp_key> const& key) {
  std::string const ip = media::to_string(at.ip);
  std::string s =
      "v=0\r\no=phone 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\n" +
      "m=audio " + std::to_string(at.port) + (key ? " RTP/SAVP" : " RTP/AVP") + " 0 101\r\n" +
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\na=sendrecv\r\n";
  if (key)
    s += "a=crypto:1 " + std::string(media::to_string(key->suite)) + " " + key->inline_key() +
         "\r\n";
  return s;
}

// What a phone learns from the SDP gatehouse sent it: where to send, and the key gatehouse
// will use towards it (the one it must decrypt with).
struct learned {
  media::socket_address relay;
  std::optional<media::srtp_key> relay_key;
};

learned learn(media::session_description const& sdp) {
  std::vector<media::remote_stream> streams;
  REQUIRE(!media::learn_remote(sdp, streams));
  REQUIRE(streams.size() == 1);
  REQUIRE(streams[0].rtp);
  learned l{*streams[0].rtp, std::nullopt};
  if (!streams[0].cryptos.empty()) {
    media::sdes_key const k{streams[0].cryptos[0].suite, streams[0].cryptos[0].key_params,
                            int(streams[0].cryptos[0].tag)};
    l.relay_key.emplace();
    REQUIRE(!media::to_srtp_key(k, *l.relay_key));
  }
  return l;
}

}  // namespace

TEST_CASE("relay end to end: SDP offer/answer drives the forwarding worker") {
  struct combo {
    char const* name;
    media::security a, b;
    bool a_srtp, b_srtp;
  };
  using media::security;
  combo const combos[] = {
      {"RTP <-> RTP", security::rtp, security::rtp, false, false},
      {"SRTP phone A <-> RTP phone B", security::as_offered, security::rtp, true, false},
      {"RTP phone A <-> SRTP phone B", security::rtp, security::srtp, false, true},
      {"SRTP <-> SRTP, each with its own keys", security::srtp, security::srtp, true, true},
  };
  std::mt19937 rng(std::random_device{}());
  for (auto const& c : combos) {
    INFO(c.name);
    // Two interfaces on two loopback addresses, ports from a random range.
    std::string const a_ip = test::loopback_address(), b_ip = test::loopback_address();
    std::uint16_t const base = std::uint16_t(20000 + 2 * (rng() % 15000));
    std::optional<media::media_interface> ia, ib;
    REQUIRE(
        !media::make_interface("internal", a_ip, a_ip, base, std::uint16_t(base + 99), 0ms, ia));
    REQUIRE(
        !media::make_interface("external", b_ip, b_ip, base, std::uint16_t(base + 99), 0ms, ib));
    media::media_session session(*ia, c.a, *ib, c.b, [](std::string_view suite) {
      media::srtp_suite s;
      REQUIRE(!media::parse_suite(suite, s));
      return media::srtp_key::generate(s).inline_key();
    });

    // The phones, each on a loopback address of its own.
    auto const phone_a_ip = *media::parse_ip(test::loopback_address());
    auto const phone_b_ip = *media::parse_ip(test::loopback_address());
    media::socket_address const phone_a{phone_a_ip, test::free_udp_port(phone_a_ip)};
    media::socket_address const phone_b{phone_b_ip, test::free_udp_port(phone_b_ip)};
    std::optional<media::srtp_key> a_key, b_key;
    if (c.a_srtp) a_key = media::srtp_key::generate(media::srtp_suite::aes_cm_128_hmac_sha1_80);

    auto const now = std::chrono::steady_clock::now();
    media::session_description to_b, to_a;
    REQUIRE(!session.offer(media::side::a, parse_sdp(phone_sdp(phone_a, a_key)), now, to_b));
    learned const b_learned = learn(to_b);
    CHECK(media::to_string(b_learned.relay.ip) == b_ip);  // B sees only gatehouse's external side
    CHECK(b_learned.relay_key.has_value() == c.b_srtp);
    // Phone B answers with its own key, for the suite gatehouse offered it.
    if (c.b_srtp) b_key = media::srtp_key::generate(b_learned.relay_key->suite);
    std::string answer = phone_sdp(phone_b, b_key);
    REQUIRE(!session.answer(media::side::b, parse_sdp(answer), now, to_a));
    learned const a_learned = learn(to_a);
    CHECK(media::to_string(a_learned.relay.ip) == a_ip);
    CHECK(a_learned.relay_key.has_value() == c.a_srtp);

    // The worker, configured from the session.
    media::io::worker w([](media::io::stream_id) {}, 60s);
    auto const& stream = session.streams()[0];
    std::promise<std::error_code> added;
    w.add_stream(7, media::io::sockets_for(stream, ia->bind, ib->bind),
                 [&](std::error_code ec) { added.set_value(ec); });
    REQUIRE(!added.get_future().get());
    std::promise<std::error_code> configured;
    w.update_stream(7, [&](media::relay_stream& r, auto t) {
      configured.set_value(media::configure_relay(stream, r, t, 3s));
    });
    REQUIRE(!configured.get_future().get());

    test::rtp_peer_options pa{.bind = phone_a,
                              .to = a_learned.relay,
                              .ssrc = 0xa,
                              .send_key = a_key,
                              .receive_key = a_learned.relay_key};
    test::rtp_peer_options pb{.bind = phone_b,
                              .to = b_learned.relay,
                              .ssrc = 0xb,
                              .send_key = b_key,
                              .receive_key = b_learned.relay_key};
    auto fa = std::async(std::launch::async, [&] { return test::run_rtp_peer(pa, 2s); });
    auto fb = std::async(std::launch::async, [&] { return test::run_rtp_peer(pb, 2s); });
    auto const ra = fa.get();
    auto const rb = fb.get();
    CHECK(ra.sent >= 95);
    CHECK(rb.received == ra.sent);
    CHECK(ra.received == rb.sent);
    CHECK(ra.undecryptable + rb.undecryptable == 0);
    CHECK(ra.bad_payload + rb.bad_payload == 0);
    CHECK(ra.last_source == a_learned.relay);
    CHECK(rb.last_source == b_learned.relay);

    // Hanging up gives every port back.
    std::promise<bool> removed;
    w.remove_stream(7, [&](auto r) { removed.set_value(r.has_value()); });
    CHECK(removed.get_future().get());
    session.release_all(now);
    CHECK(ia->ports.free_ports(now) == ia->ports.size());
    CHECK(ib->ports.free_ports(now) == ib->ports.size());
  }
}
