// The transaction layer: matching requests and responses to transactions, CANCEL (§9.2), ACK
// for 2xx, stray responses, one timer heap for all, and no transaction left behind.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sip/parser.hpp"
#include "sip/transaction_layer.hpp"
#include "test_util.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

sip::message req(std::string const& method, std::string const& branch = "z9hG4bKl1",
                 std::string const& to_tag = "") {
  return test::parsed(
      method + " sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=" + branch +
      "\r\nFrom: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>" +
      (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\nCall-ID: layer-1\r\nCSeq: 1 " + method +
      "\r\n\r\n");
}

struct recorder : sip::transaction_user {
  std::vector<std::string> events;
  std::vector<sip::transaction_id> requests;
  void on_request(sip::transaction_id tx, sip::message const& m, sip::peer const&) override {
    events.push_back("request " + std::string(m.method()));
    requests.push_back(tx);
  }
  void on_ack(sip::message const&, sip::peer const&) override { events.emplace_back("ack"); }
  void on_cancel(sip::transaction_id tx, sip::message const&) override {
    events.push_back("cancel " + std::to_string(tx));
  }
  void on_response(sip::transaction_id, sip::message const& m) override {
    events.push_back("response " + std::to_string(m.status()));
  }
  void on_client_failure(sip::transaction_id, sip::client_failure why) override {
    events.emplace_back(why == sip::client_failure::timeout ? "timeout" : "transport error");
  }
  void on_stray_response(sip::message const& m, sip::peer const&) override {
    events.push_back("stray " + std::to_string(m.status()));
  }
  void on_server_failure(sip::transaction_id) override { events.emplace_back("server failure"); }
};

sip::peer const caller{.proto = sip::transport_proto::udp, .ip = "192.0.2.1", .port = 5060};
sip::time_point const t0 = sip::time_point{} + 100s;

std::vector<int> statuses(std::vector<sip::outgoing> const& out) {
  std::vector<int> s;
  for (auto const& o : out) s.push_back(o.msg.status());
  return s;
}

}  // namespace

TEST_CASE("transaction layer: a request reaches the TU once; retransmissions are answered") {
  recorder tu;
  sip::transaction_layer layer(tu);
  layer.on_request(req("OPTIONS"), caller, t0);
  layer.on_request(req("OPTIONS"), caller, t0 + 100ms);  // retransmission before the answer
  REQUIRE(tu.requests.size() == 1);
  CHECK(layer.take_outgoing().empty());
  auto const* request = layer.server_request(tu.requests[0]);
  REQUIRE(request);
  REQUIRE(layer.respond(tu.requests[0], sip::make_response(*request, 200, "OK", "gh"), t0 + 200ms));
  layer.on_request(req("OPTIONS"), caller, t0 + 600ms);  // retransmission after it
  auto const out = layer.take_outgoing();
  CHECK(statuses(out) == std::vector<int>{200, 200});
  CHECK(out[1].to.ip == "192.0.2.1");
  CHECK(tu.events == std::vector<std::string>{"request OPTIONS"});
  // Timer J (64*T1 on UDP) removes the transaction.
  CHECK(layer.server_count() == 1);
  layer.on_timer(t0 + 200ms + 32s);
  CHECK(layer.server_count() == 0);
  CHECK(!layer.next_deadline());
}

TEST_CASE("transaction layer: CANCEL") {
  recorder tu;
  sip::transaction_layer layer(tu);
  layer.on_request(req("INVITE"), caller, t0);
  REQUIRE(tu.requests.size() == 1);
  layer.on_timer(t0 + 200ms);  // the INVITE gets its automatic 100 Trying
  layer.on_request(req("CANCEL"), caller, t0 + 1s);
  CHECK(tu.events ==
        std::vector<std::string>{"request INVITE", "cancel " + std::to_string(tu.requests[0])});
  auto out = layer.take_outgoing();
  CHECK(statuses(out) == std::vector<int>{100, 200});
  CHECK(out[1].msg.find(sip::header_id::cseq) == "1 CANCEL");
  // The TU answers 487; the ACK completes the INVITE transaction.
  REQUIRE(layer.respond(
      tu.requests[0],
      sip::make_response(*layer.server_request(tu.requests[0]), 487, "Request Terminated", "gh"),
      t0 + 1s));
  layer.on_request(req("ACK", "z9hG4bKl1", "gh"), caller, t0 + 1100ms);
  CHECK(statuses(layer.take_outgoing()) == std::vector<int>{487});
  CHECK(tu.events.size() == 2);  // the ACK for a non-2xx stays inside the transaction

  // A CANCEL for nothing gets 481.
  layer.on_request(req("CANCEL", "z9hG4bKnothing"), caller, t0 + 2s);
  CHECK(statuses(layer.take_outgoing()) == std::vector<int>{481});

  layer.on_timer(t0 + 60s);
  CHECK(layer.server_count() == 0);
}

TEST_CASE("transaction layer: the ACK for a 2xx goes to the TU") {
  recorder tu;
  sip::transaction_layer layer(tu);
  layer.on_request(req("INVITE"), caller, t0);
  REQUIRE(layer.respond(tu.requests[0],
                        sip::make_response(*layer.server_request(tu.requests[0]), 200, "OK", "gh"),
                        t0));
  layer.on_request(req("ACK", "z9hG4bKnewbranch", "gh"), caller, t0 + 50ms);
  CHECK(tu.events == std::vector<std::string>{"request INVITE", "ack"});
}

TEST_CASE("transaction layer: client transactions") {
  recorder tu;
  sip::transaction_layer layer(tu);
  sip::peer const callee{.proto = sip::transport_proto::udp, .ip = "192.0.2.50", .port = 5070};
  sip::transaction_id tx = 0;
  REQUIRE(!layer.send_request(req("INVITE", "z9hG4bKout"), callee, t0, tx));
  auto out = layer.take_outgoing();
  REQUIRE(out.size() == 1);
  CHECK(out[0].to.port == 5070);
  CHECK(out[0].msg.method() == "INVITE");

  auto const ringing = sip::make_response(req("INVITE", "z9hG4bKout"), 180, "Ringing", "b");
  auto const ok = sip::make_response(req("INVITE", "z9hG4bKout"), 200, "OK", "b");
  layer.on_response(ringing, callee, t0 + 1s);
  layer.on_response(ok, callee, t0 + 2s);
  layer.on_response(ok, callee, t0 + 3s);  // retransmitted 2xx while Accepted: delivered again
  CHECK(tu.events == std::vector<std::string>{"response 180", "response 200", "response 200"});
  layer.on_timer(t0 + 2s + 32s);  // Timer M
  CHECK(layer.client_count() == 0);
  layer.on_response(ok, callee, t0 + 40s);
  CHECK(tu.events.back() == "stray 200");

  // No answer at all: retransmitted by Timer A, then Timer B.
  REQUIRE(!layer.send_request(req("INVITE", "z9hG4bKlost"), callee, t0, tx));
  while (auto d = layer.next_deadline()) layer.on_timer(*d);
  CHECK(tu.events.back() == "timeout");
  CHECK(layer.take_outgoing().size() == 7);  // the INVITE and six Timer A retransmissions
  CHECK(layer.client_count() == 0);

  sip::message no_via = sip::message::make_request("OPTIONS", "sip:x@y");
  CHECK(layer.send_request(no_via, callee, t0, tx));
}

TEST_CASE("transaction layer: a thousand transactions share one timer heap and all end") {
  recorder tu;
  sip::transaction_layer layer(tu);
  for (int i = 0; i < 1000; ++i)
    layer.on_request(req("OPTIONS", "z9hG4bKmany" + std::to_string(i)), caller, t0);
  REQUIRE(tu.requests.size() == 1000);
  for (auto tx : tu.requests)
    REQUIRE(layer.respond(tx, sip::make_response(*layer.server_request(tx), 200, "OK", "gh"),
                          t0 + 10ms));
  CHECK(layer.take_outgoing().size() == 1000);
  CHECK(layer.server_count() == 1000);
  int wakeups = 0;
  while (auto d = layer.next_deadline()) {
    layer.on_timer(*d);
    ++wakeups;
  }
  CHECK(layer.server_count() == 0);
  CHECK(wakeups == 1);  // all Timer J expire together
}
