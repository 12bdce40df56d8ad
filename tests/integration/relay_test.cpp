// The media relay on real sockets: two test peers exchange 50 pps G.711-sized RTP through a
// forwarding worker, plain and SRTP-bridged; latching to a NAT-ed source; a third party dropped;
// a silent stream raising the media timeout.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "../tools/rtp_peer.hpp"
#include "harness.hpp"
#include "media/io/worker.hpp"
#include "media/io/worker_pool.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

media::ip_address ip(std::string const& text) {
  return *media::parse_ip(text);
}

// A relay stream between two ports on one loopback address, and two peers on another.
struct relay_setup {
  std::string relay_ip = test::loopback_address();
  std::string peer_ip = test::loopback_address();
  std::atomic<int> timeouts{0};
  media::io::worker w{[this](media::io::stream_id) { ++timeouts; }, 60s, 100ms};
  media::socket_address relay_a, relay_b;  // where each peer sends to
  media::socket_address peer_a, peer_b;    // where each peer sends from (= its SDP address)

  explicit relay_setup(bool mux = true) {
    auto const r = ip(relay_ip);
    relay_a = {r, test::free_udp_port(r)};
    relay_b = {r, test::free_udp_port(r)};
    while (relay_b.port == relay_a.port) relay_b.port = test::free_udp_port(r);
    auto const p = ip(peer_ip);
    peer_a = {p, test::free_udp_port(p)};
    peer_b = {p, test::free_udp_port(p)};
    while (peer_b.port == peer_a.port) peer_b.port = test::free_udp_port(p);
    media::io::stream_sockets sockets;
    sockets.a = {
        r, relay_a.port,
        mux ? std::nullopt : std::optional<std::uint16_t>(std::uint16_t(relay_a.port + 1))};
    sockets.b = {r, relay_b.port, std::nullopt};
    std::promise<std::error_code> added;
    w.add_stream(1, sockets, [&](std::error_code ec) { added.set_value(ec); });
    REQUIRE(!added.get_future().get());
    set_remotes(peer_a, peer_b);
  }
  void set_remotes(media::socket_address a, media::socket_address b) {
    w.update_stream(1, [a, b](media::relay_stream& s, auto now) {
      s.set_remote(0, a, std::nullopt, true, now, 2s);
      s.set_remote(1, b, std::nullopt, true, now, 2s);
    });
  }
  void set_keys(std::optional<media::srtp_key> a_send, std::optional<media::srtp_key> to_a,
                std::optional<media::srtp_key> b_send, std::optional<media::srtp_key> to_b) {
    std::promise<bool> ok;
    w.update_stream(1, [&](media::relay_stream& s, auto) {
      ok.set_value(!s.set_keys(0, a_send, to_a) && !s.set_keys(1, b_send, to_b));
    });
    REQUIRE(ok.get_future().get());
  }
  media::io::stream_report report() {
    std::promise<std::optional<media::io::stream_report>> r;
    w.report(1, [&](std::optional<media::io::stream_report> x) { r.set_value(x); });
    auto const x = r.get_future().get();
    REQUIRE(x);
    return *x;
  }
};

// Runs both peers at once for `duration`.
std::pair<test::rtp_peer_report, test::rtp_peer_report> exchange(
    test::rtp_peer_options const& a, test::rtp_peer_options const& b,
    std::chrono::milliseconds duration) {
  auto fa = std::async(std::launch::async, [&] { return test::run_rtp_peer(a, duration); });
  auto fb = std::async(std::launch::async, [&] { return test::run_rtp_peer(b, duration); });
  return {fa.get(), fb.get()};
}

void check_clean(test::rtp_peer_report const& got, test::rtp_peer_report const& other_sent) {
  CHECK(got.received == other_sent.sent);
  CHECK(got.lost == 0);
  CHECK(got.out_of_order == 0);
  CHECK(got.bad_payload == 0);
  CHECK(got.undecryptable == 0);
}

}  // namespace

TEST_CASE("relay: 50 pps both ways for 3 s with zero loss, plain RTP") {
  relay_setup r;
  test::rtp_peer_options a{.bind = r.peer_a, .to = r.relay_a, .ssrc = 0xa};
  test::rtp_peer_options b{.bind = r.peer_b, .to = r.relay_b, .ssrc = 0xb};
  auto const [ra, rb] = exchange(a, b, 3s);
  CHECK(ra.sent >= 145);
  check_clean(rb, ra);
  check_clean(ra, rb);
  CHECK(ra.last_source == r.relay_a);  // each side only ever sees the relay
  CHECK(rb.last_source == r.relay_b);
  auto const rep = r.report();
  CHECK(rep.a.packets == ra.sent);
  CHECK(rep.b.packets == rb.sent);
}

TEST_CASE("relay: SRTP bridging on real sockets") {
  using media::srtp_key;
  using media::srtp_suite;
  struct combo {
    char const* name;
    bool a_srtp, b_srtp;
  };
  for (auto const& c :
       {combo{"SRTP on A, RTP on B", true, false}, combo{"RTP on A, SRTP on B", false, true},
        combo{"SRTP on both, different keys", true, true}}) {
    INFO(c.name);
    relay_setup r;
    std::optional<srtp_key> a_send, to_a, b_send, to_b;
    if (c.a_srtp)
      a_send = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80),
      to_a = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80);
    if (c.b_srtp)
      b_send = srtp_key::generate(srtp_suite::aead_aes_128_gcm),
      to_b = srtp_key::generate(srtp_suite::aead_aes_128_gcm);
    r.set_keys(a_send, to_a, b_send, to_b);
    test::rtp_peer_options a{
        .bind = r.peer_a, .to = r.relay_a, .ssrc = 0xa, .send_key = a_send, .receive_key = to_a};
    test::rtp_peer_options b{
        .bind = r.peer_b, .to = r.relay_b, .ssrc = 0xb, .send_key = b_send, .receive_key = to_b};
    auto const [ra, rb] = exchange(a, b, 2s);
    CHECK(ra.sent >= 95);
    check_clean(rb, ra);
    check_clean(ra, rb);
  }
}

TEST_CASE("relay: a peer sending from a port other than its SDP port is latched and reached") {
  relay_setup r;
  // A's SDP says peer_a, but its NAT makes it send from another port.
  auto const nat_a = media::socket_address{r.peer_a.ip, test::free_udp_port(r.peer_a.ip)};
  test::rtp_peer_options a{.bind = nat_a, .to = r.relay_a, .ssrc = 0xa};
  test::rtp_peer_options b{.bind = r.peer_b, .to = r.relay_b, .ssrc = 0xb};
  auto const [ra, rb] = exchange(a, b, 2s);
  check_clean(rb, ra);
  // B's first packets went to A's SDP port (nobody there); once A sent, B's went to A's source.
  CHECK(ra.received > 0);
  CHECK(ra.received >= rb.sent - 10);
  CHECK(ra.bad_payload == 0);
}

TEST_CASE("relay: a third party sending to a latched port is dropped") {
  relay_setup r;
  test::rtp_peer_options a{.bind = r.peer_a, .to = r.relay_a, .ssrc = 0xa};
  test::rtp_peer_options b{.bind = r.peer_b, .to = r.relay_b, .ssrc = 0xb};
  auto const intruder_ip = media::socket_address{ip(test::loopback_address()), 0};
  test::rtp_peer_options evil{
      .bind = intruder_ip, .to = r.relay_a, .packets_per_second = 100, .ssrc = 0xe};
  auto fa = std::async(std::launch::async, [&] { return test::run_rtp_peer(a, 2s); });
  auto fb = std::async(std::launch::async, [&] { return test::run_rtp_peer(b, 2s); });
  std::this_thread::sleep_for(500ms);  // A has latched by now
  auto const re = test::run_rtp_peer(evil, 1s);
  auto const ra = fa.get();
  auto const rb = fb.get();
  CHECK(rb.foreign_ssrc == 0);  // nothing of the intruder's reached B
  check_clean(rb, ra);
  auto const rep = r.report();
  CHECK(rep.a.dropped[std::size_t(media::drop_reason::wrong_source)] == re.sent);
}

TEST_CASE("relay: a silent stream raises the media timeout") {
  relay_setup r;
  r.w.set_timeout(1, 500ms);
  auto const until = std::chrono::steady_clock::now() + 3s;
  while (r.timeouts == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  CHECK(r.timeouts == 1);
  // Traffic keeps a stream alive.
  relay_setup busy;
  busy.w.set_timeout(1, 500ms);
  test::rtp_peer_options a{.bind = busy.peer_a, .to = busy.relay_a, .ssrc = 0xa};
  test::run_rtp_peer(a, 1500ms);
  CHECK(busy.timeouts == 0);
}

TEST_CASE("relay: removing a stream closes its ports and returns its figures") {
  relay_setup r;
  test::rtp_peer_options a{.bind = r.peer_a, .to = r.relay_a, .ssrc = 0xa};
  test::run_rtp_peer(a, 500ms, 100ms);
  std::promise<std::optional<media::io::stream_report>> done;
  r.w.remove_stream(1, [&](auto rep) { done.set_value(rep); });
  auto const rep = done.get_future().get();
  REQUIRE(rep);
  CHECK(rep->a.packets > 20);
  // The port is free again: another socket can bind it.
  CHECK(test::free_udp_port(r.relay_a.ip) != 0);
  test::udp_client probe(r.relay_ip);
  (void)probe;
}

TEST_CASE("relay: the worker pool starts one worker per core and spreads streams") {
  media::io::worker_pool pool(
      0, [](media::io::stream_id) {}, 60s);
  CHECK(pool.size() == std::max(1u, std::thread::hardware_concurrency()));
  media::io::worker_pool two(
      2, [](media::io::stream_id) {}, 60s);
  CHECK(two.place(1) == 0);
  CHECK(two.place(2) == 1);
  CHECK(two.place(3) == 0);
  two.forget(0);
  two.forget(0);
  CHECK(two.place(4) == 0);
  CHECK(two.load() == std::vector<std::size_t>{1, 1});
}
