// The four RFC 3261 §17 transaction state machines (with RFC 6026), driven by a fake clock:
// every timer, retransmission counts and intervals against T1/T2, every path of the figures.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sip/parser.hpp"
#include "sip/transaction.hpp"
#include "test_util.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;
using kind = sip::transaction_action::kind;

namespace {

sip::message request(std::string const& method) {
  return test::parsed(method +
                      " sip:bob@example.com SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKtx1, SIP/2.0/UDP "
                      "192.0.2.9;branch=z9hG4bKold\r\n"
                      "Route: <sip:proxy.example.com;lr>\r\n"
                      "Max-Forwards: 70\r\n"
                      "From: <sip:alice@example.com>;tag=a1\r\n"
                      "To: <sip:bob@example.com>\r\n"
                      "Call-ID: tx-test-1\r\n"
                      "CSeq: 7 " +
                      method + "\r\n\r\n");
}

sip::message response(sip::message const& req, int status) {
  return sip::make_response(req, status, "Reason", status > 100 ? "b2" : "");
}

// A fake clock and a transaction; run_until() fires timers at each deadline as an Asio edge
// would, recording when each send happened.
struct harness {
  sip::time_point start = sip::time_point{} + 1000s;
  sip::time_point now = start;
  sip::transaction tx;
  std::vector<sip::transaction_action> actions;
  std::vector<sip::milliseconds> send_times;  // since start

  explicit harness(sip::transaction t) : tx(std::move(t)) { collect(); }

  void collect() {
    for (auto& a : tx.take_actions()) {
      if (a.what == kind::send)
        send_times.push_back(std::chrono::duration_cast<sip::milliseconds>(now - start));
      actions.push_back(std::move(a));
    }
  }
  void run_until(sip::milliseconds t) {
    while (auto d = tx.next_deadline()) {
      if (*d > start + t) break;
      now = *d;
      tx.on_timer(now);
      collect();
    }
    now = start + t;
  }
  void respond(int status) {
    tx.respond(response(tx.request(), status), now);
    collect();
  }
  void receive(sip::message const& m) {
    if (m.is_response())
      tx.on_response(m, now);
    else
      tx.on_request(m, now);
    collect();
  }
  std::size_t count(kind k) const {
    std::size_t n = 0;
    for (auto const& a : actions) n += a.what == k;
    return n;
  }
  bool ended_with(kind k) const {
    return actions.size() >= 2 && actions.back().what == kind::terminated &&
           actions[actions.size() - 2].what == k;
  }
};

std::vector<sip::milliseconds> ms(std::initializer_list<long> v) {
  std::vector<sip::milliseconds> out;
  for (long x : v) out.emplace_back(x);
  return out;
}

}  // namespace

TEST_CASE("INVITE client: Timer A doubles from T1 without cap; Timer B ends it at 64*T1") {
  harness h(sip::transaction::client(request("INVITE"), false, sip::time_point{} + 1000s));
  CHECK(h.tx.kind() == sip::transaction_kind::invite_client);
  CHECK(h.tx.current() == sip::state::calling);
  h.run_until(31999ms);
  // sent at 0, then A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
  CHECK(h.send_times == ms({0, 500, 1500, 3500, 7500, 15500, 31500}));
  CHECK(h.tx.current() == sip::state::calling);
  h.run_until(40s);
  CHECK(h.tx.is_terminated());
  CHECK(h.ended_with(kind::timeout));
  CHECK(h.send_times.size() == 7);  // nothing after Timer B at 32 s
}

TEST_CASE("INVITE client: reliable transport has no Timer A") {
  harness h(sip::transaction::client(request("INVITE"), true, sip::time_point{} + 1000s));
  h.run_until(31s);
  CHECK(h.send_times == ms({0}));
  h.run_until(32s);
  CHECK(h.ended_with(kind::timeout));
}

TEST_CASE("INVITE client: 1xx stops retransmissions and Timer B; a final response still ends it") {
  harness h(sip::transaction::client(request("INVITE"), false, sip::time_point{} + 1000s));
  h.run_until(600ms);
  h.receive(response(h.tx.request(), 180));
  CHECK(h.tx.current() == sip::state::proceeding);
  CHECK(h.count(kind::deliver) == 1);
  h.run_until(120s);
  CHECK(h.send_times == ms({0, 500}));
  CHECK(!h.tx.is_terminated());
  CHECK(!h.tx.next_deadline());

  SUBCASE("non-2xx: ACK built from the INVITE, Completed, Timer D 32 s") {
    auto const busy = response(h.tx.request(), 486);
    h.receive(busy);
    CHECK(h.tx.current() == sip::state::completed);
    REQUIRE(h.actions.back().what == kind::send);
    auto const& ack = h.actions.back().msg;
    CHECK(ack.method() == "ACK");
    CHECK(ack.request_uri() == "sip:bob@example.com");
    CHECK(ack.count(sip::header_id::via) == 1);
    CHECK(ack.find(sip::header_id::via) == "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKtx1");
    CHECK(ack.find(sip::header_id::to) == "<sip:bob@example.com>;tag=b2");
    CHECK(ack.find(sip::header_id::cseq) == "7 ACK");
    CHECK(ack.find(sip::header_id::route) == "<sip:proxy.example.com;lr>");
    CHECK(ack.call_id() == "tx-test-1");
    sip::message reparsed;
    CHECK(!sip::parse_datagram(ack.to_string(), reparsed));
    // A retransmitted final response is ACKed again but not delivered again.
    h.receive(busy);
    CHECK(h.count(kind::deliver) == 2);
    CHECK(h.send_times.size() == 4);
    h.run_until(120s + 31s);
    CHECK(!h.tx.is_terminated());
    h.run_until(120s + 32s);
    CHECK(h.tx.is_terminated());
  }
  SUBCASE("2xx: Accepted (RFC 6026), further 2xx delivered, Timer M at 64*T1") {
    h.receive(response(h.tx.request(), 200));
    CHECK(h.tx.current() == sip::state::accepted);
    h.receive(response(h.tx.request(), 200));
    CHECK(h.count(kind::deliver) == 3);
    CHECK(h.send_times.size() == 2);  // the TU sends the ACK for 2xx, not the transaction
    h.run_until(120s + 31999ms);
    CHECK(!h.tx.is_terminated());
    h.run_until(152s);
    CHECK(h.tx.is_terminated());
  }
}

TEST_CASE("INVITE client: reliable non-2xx ends at once (Timer D is zero)") {
  harness h(sip::transaction::client(request("INVITE"), true, sip::time_point{} + 1000s));
  h.receive(response(h.tx.request(), 503));
  CHECK(h.tx.is_terminated());
  CHECK(h.count(kind::send) == 2);  // INVITE and ACK
}

TEST_CASE("non-INVITE client: Timer E doubles up to T2, Timer F at 64*T1") {
  harness h(sip::transaction::client(request("OPTIONS"), false, sip::time_point{} + 1000s));
  CHECK(h.tx.current() == sip::state::trying);
  h.run_until(32s);
  // 0, 0.5, 1.5, 3.5, then every T2 (4 s): 7.5, 11.5, ... 31.5
  CHECK(h.send_times == ms({0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  CHECK(h.ended_with(kind::timeout));
}

TEST_CASE("non-INVITE client: after a provisional, Timer E fires every T2") {
  harness h(sip::transaction::client(request("OPTIONS"), false, sip::time_point{} + 1000s));
  h.run_until(600ms);
  h.receive(response(h.tx.request(), 100));
  CHECK(h.tx.current() == sip::state::proceeding);
  h.run_until(10s);
  // next E was due at 1.5 s; after it the interval is T2
  CHECK(h.send_times == ms({0, 500, 1500, 5500, 9500}));
  h.receive(response(h.tx.request(), 200));
  CHECK(h.tx.current() == sip::state::completed);
  h.receive(response(h.tx.request(), 200));
  CHECK(h.count(kind::deliver) == 2);  // the retransmitted 200 is absorbed
  SUBCASE("Timer K: T4 on unreliable transports") {
    h.run_until(14999ms);
    CHECK(!h.tx.is_terminated());
    h.run_until(15s);
    CHECK(h.tx.is_terminated());
  }
}

TEST_CASE("non-INVITE client: reliable, no Timer E, Timer K zero") {
  harness h(sip::transaction::client(request("REGISTER"), true, sip::time_point{} + 1000s));
  h.run_until(10s);
  CHECK(h.send_times == ms({0}));
  h.receive(response(h.tx.request(), 401));
  CHECK(h.tx.is_terminated());
}

TEST_CASE("INVITE server: 100 Trying after 200 ms unless the TU answered") {
  harness h(sip::transaction::server(request("INVITE"), false, sip::time_point{} + 1000s));
  CHECK(h.tx.kind() == sip::transaction_kind::invite_server);
  CHECK(h.tx.current() == sip::state::proceeding);
  h.run_until(199ms);
  CHECK(h.send_times.empty());
  h.run_until(200ms);
  REQUIRE(h.send_times == ms({200}));
  CHECK(h.actions[0].msg.status() == 100);
  CHECK(h.actions[0].msg.find(sip::header_id::via) == h.tx.request().find(sip::header_id::via));
  // The INVITE retransmitted: the last provisional goes out again.
  h.receive(request("INVITE"));
  CHECK(h.send_times.size() == 2);

  harness quick(sip::transaction::server(request("INVITE"), false, sip::time_point{} + 1000s));
  quick.run_until(100ms);
  quick.respond(180);
  quick.run_until(1s);
  CHECK(quick.send_times == ms({100}));
  CHECK(quick.actions[0].msg.status() == 180);
}

TEST_CASE("INVITE server: non-2xx, Timer G doubles to T2, Timer H reports the missing ACK") {
  harness h(sip::transaction::server(request("INVITE"), false, sip::time_point{} + 1000s));
  h.respond(486);
  CHECK(h.tx.current() == sip::state::completed);
  h.run_until(32s);
  // G at 0.5, 1.5, 3.5, then every T2: 7.5 ... 31.5; H at 32 s
  CHECK(h.send_times == ms({0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  CHECK(h.ended_with(kind::no_ack));
}

TEST_CASE("INVITE server: ACK confirms, Timer I is T4 (zero when reliable)") {
  harness h(sip::transaction::server(request("INVITE"), false, sip::time_point{} + 1000s));
  h.respond(404);
  h.run_until(600ms);
  h.receive(request("INVITE"));  // retransmission answered with the final response
  CHECK(h.send_times.size() == 3);
  h.receive(request("ACK"));
  CHECK(h.tx.current() == sip::state::confirmed);
  h.receive(request("ACK"));  // absorbed
  h.run_until(600ms + 4999ms);
  CHECK(!h.tx.is_terminated());
  CHECK(h.send_times.size() == 3);  // no more G in Confirmed
  h.run_until(5600ms);
  CHECK(h.tx.is_terminated());

  harness r(sip::transaction::server(request("INVITE"), true, sip::time_point{} + 1000s));
  r.respond(404);
  r.run_until(10s);
  CHECK(r.send_times == ms({0}));  // no Timer G on reliable transports
  r.receive(request("ACK"));
  CHECK(r.tx.is_terminated());
}

TEST_CASE("INVITE server: 2xx goes to Accepted (RFC 6026), Timer L at 64*T1") {
  harness h(sip::transaction::server(request("INVITE"), false, sip::time_point{} + 1000s));
  h.respond(200);
  CHECK(h.tx.current() == sip::state::accepted);
  h.respond(200);  // the TU retransmits its 2xx through the transaction
  CHECK(h.send_times.size() == 2);
  h.receive(request("INVITE"));  // absorbed in Accepted
  CHECK(h.send_times.size() == 2);
  h.receive(request("ACK"));
  CHECK(h.count(kind::deliver) == 1);
  h.run_until(31999ms);
  CHECK(!h.tx.is_terminated());
  h.run_until(32s);
  CHECK(h.tx.is_terminated());
  CHECK(h.count(kind::no_ack) == 0);
}

TEST_CASE("non-INVITE server: retransmissions answered from the transaction, Timer J") {
  harness h(sip::transaction::server(request("OPTIONS"), false, sip::time_point{} + 1000s));
  CHECK(h.tx.current() == sip::state::trying);
  h.receive(request("OPTIONS"));  // absorbed in Trying: nothing to repeat yet
  CHECK(h.send_times.empty());
  h.respond(100);
  CHECK(h.tx.current() == sip::state::proceeding);
  h.receive(request("OPTIONS"));
  CHECK(h.send_times.size() == 2);
  h.respond(200);
  CHECK(h.tx.current() == sip::state::completed);
  h.receive(request("OPTIONS"));
  CHECK(h.send_times.size() == 4);
  CHECK(h.actions.back().msg.status() == 200);
  h.respond(500);  // too late: ignored
  CHECK(h.send_times.size() == 4);
  h.run_until(31999ms);
  CHECK(!h.tx.is_terminated());
  h.run_until(32s);
  CHECK(h.tx.is_terminated());

  harness r(sip::transaction::server(request("OPTIONS"), true, sip::time_point{} + 1000s));
  r.respond(200);
  CHECK(r.tx.is_terminated());  // Timer J is zero on reliable transports
}

TEST_CASE("transport errors end the transaction and inform the TU") {
  for (char const* method : {"INVITE", "OPTIONS"}) {
    harness h(sip::transaction::client(request(method), false, sip::time_point{} + 1000s));
    h.tx.on_transport_error(h.now);
    h.collect();
    CHECK(h.ended_with(kind::transport_error));
    CHECK(!h.tx.next_deadline());
  }
}

TEST_CASE("timers scale with configured T1, T2, T4") {
  sip::timer_values t{.t1 = 100ms, .t2 = 400ms, .t4 = 1000ms, .trying = 200ms};
  harness h(sip::transaction::client(request("OPTIONS"), false, sip::time_point{} + 1000s, t));
  h.run_until(7s);
  CHECK(h.send_times == ms({0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300,
                            4700, 5100, 5500, 5900, 6300}));
  CHECK(h.ended_with(kind::timeout));  // F at 64*T1 = 6.4 s
}

TEST_CASE("transaction keys: requests, their retransmissions, ACK and CANCEL") {
  sip::transaction_key invite, again, ack, cancel, resp;
  REQUIRE(!sip::server_key(request("INVITE"), invite));
  REQUIRE(!sip::server_key(request("INVITE"), again));
  CHECK(invite == again);
  REQUIRE(!sip::server_key(request("ACK"), ack));
  CHECK(ack == invite);  // the ACK for a non-2xx finds its INVITE transaction
  REQUIRE(!sip::server_key(request("CANCEL"), cancel));
  CHECK(cancel != invite);  // CANCEL is a transaction of its own
  sip::transaction_key cancel_target;
  REQUIRE(!sip::server_key(request("CANCEL"), cancel_target, "INVITE"));
  CHECK(cancel_target == invite);  // what CANCEL matching looks up (RFC 3261 §9.2)
  REQUIRE(!sip::client_key(response(request("INVITE"), 180), resp));
  sip::transaction_key sent;
  REQUIRE(!sip::client_key_for_request(request("INVITE"), sent));
  CHECK(resp == sent);

  // RFC 2543 peers: no magic cookie, matched on the request's identity.
  auto old = test::parsed(
      "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c\r\n"
      "CSeq: 1 INVITE\r\n\r\n");
  sip::transaction_key k1, k2;
  REQUIRE(!sip::server_key(old, k1));
  old.set_header(sip::header_id::call_id, "other");
  REQUIRE(!sip::server_key(old, k2));
  CHECK(k1 != k2);
}
