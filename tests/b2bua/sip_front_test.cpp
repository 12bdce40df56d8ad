// The SIP front door and today's transaction user, sans-I/O: datagrams in, wire bytes out, every
// drop counted.
#include <doctest/doctest.h>

#include <string>

#include "../sip/test_util.hpp"
#include "b2bua/core.hpp"
#include "b2bua/sip_front.hpp"
#include "sip/parser.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

struct stack {
  sip::time_point now = sip::time_point{} + 100s;
  b2bua::core tu{[this] { return now; }, "gatehouse-test"};
  b2bua::sip_front front{
      {{.proto = sip::transport_proto::udp, .address = "192.0.2.10", .port = 5060}},
      tu,
      {},
      {},
      42};
  sip::peer from{.proto = sip::transport_proto::udp, .ip = "198.51.100.7", .port = 40000};

  stack() {
    tu.attach(front);
    front.policy.allowed = {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER"};
  }
  std::vector<b2bua::sip_front::wire> feed(std::string const& bytes) {
    front.on_datagram(bytes, from, now);
    return front.take_wire();
  }
};

std::string request(std::string const& method, std::string const& uri,
                    std::string const& extra = "", std::string const& branch = "z9hG4bKf1") {
  return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5062;branch=" + branch +
         "\r\nFrom: <sip:alice@example.com>;tag=a\r\nTo: <" + uri + ">\r\nCall-ID: front-" +
         branch + "\r\nCSeq: 1 " + method + "\r\n" + extra + "Content-Length: 0\r\n\r\n";
}

}  // namespace

TEST_CASE("front: OPTIONS to gatehouse itself, answered to the source with received/rport") {
  stack s;
  int n = 0;
  for (char const* uri : {"sip:192.0.2.10", "sip:ping@192.0.2.10:5060", "sip:example.com"}) {
    auto const out = s.feed(request("OPTIONS", uri, "", "z9hG4bKself" + std::to_string(n++)));
    REQUIRE(out.size() == 1);
    CHECK(out[0].to.ip == "198.51.100.7");
    CHECK(out[0].to.port == 40000);
    auto const r = test::parsed(out[0].bytes);
    CHECK(r.status() == 200);
    CHECK(r.find(sip::header_id::allow) == "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER");
    CHECK(r.find(sip::header_id::server) == "gatehouse-test");
    sip::via v;
    REQUIRE(!r.top_via(v));
    CHECK(v.received() == "198.51.100.7");
    CHECK(v.rport() == "40000");
  }
  CHECK(s.front.counters().requests == 3);
}

TEST_CASE("front: what cannot be routed yet, and Max-Forwards 0") {
  stack s;
  auto status = [&](std::string const& bytes) {
    return test::parsed(s.feed(bytes).at(0).bytes).status();
  };
  CHECK(status(request("INVITE", "sip:bob@example.com", "", "z9hG4bKi")) == 404);
  CHECK(status(request("REGISTER", "sip:example.com", "", "z9hG4bKr")) == 403);
  CHECK(status(request("BYE", "sip:bob@example.com", "", "z9hG4bKb")) == 481);
  CHECK(status(request("OPTIONS", "sip:bob@example.com", "Max-Forwards: 0\r\n", "z9hG4bKm")) ==
        483);
  CHECK(status(request("OPTIONS", "sip:192.0.2.10", "Max-Forwards: 0\r\n", "z9hG4bKm2")) == 200);
  CHECK(status(request("SUBSCRIBE", "sip:bob@example.com", "", "z9hG4bKs")) == 405);
  CHECK(s.front.counters().stateless_replies == 1);  // the 405; the others went through the TU
}

TEST_CASE("front: retransmissions are answered from the transaction") {
  stack s;
  auto const first = s.feed(request("OPTIONS", "sip:192.0.2.10"));
  s.now += 500ms;
  auto const again = s.feed(request("OPTIONS", "sip:192.0.2.10"));
  REQUIRE(first.size() == 1);
  REQUIRE(again.size() == 1);
  CHECK(first[0].bytes == again[0].bytes);
  CHECK(s.front.counters().requests == 2);
  // Timer J ends the transaction; the front's deadline goes with it.
  REQUIRE(s.front.next_deadline());
  s.front.on_timer(*s.front.next_deadline());
  CHECK(s.front.transactions().server_count() == 0);
}

TEST_CASE("front: malformed input is answered when it can be, dropped otherwise, and counted") {
  stack s;
  // A broken Via cannot route the 400: it goes back to the source.
  auto out = s.feed(
      "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.15;;,;,,\r\nFrom: <sip:a@b>;tag=1\r\n"
      "To: <sip:x@y>\r\nCall-ID: broken\r\nCSeq: 1 OPTIONS\r\n\r\n");
  REQUIRE(out.size() == 1);
  CHECK(out[0].to.ip == "198.51.100.7");
  CHECK(out[0].bytes.starts_with("SIP/2.0 400 Bad Request (malformed header value (Via))\r\n"));
  // Responses are never answered; a ping is not a message; garbage has nobody to answer.
  CHECK(s.feed("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\n\r\n").empty());
  CHECK(s.feed("SIP/2.0 4294967301 Big\r\n\r\n").empty());
  CHECK(
      s.feed("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKstray\r\nFrom: <sip:a@b>;tag=1\r\n"
             "To: <sip:x@y>;tag=2\r\nCall-ID: stray\r\nCSeq: 1 OPTIONS\r\n\r\n")
          .empty());
  CHECK(s.feed("\r\n\r\n").empty());
  CHECK(s.feed("\x16\x03\x01 not sip at all").empty());
  auto const& c = s.front.counters();
  CHECK(c.malformed_requests == 2);
  CHECK(c.malformed_responses == 2);
  CHECK(c.responses == 1);  // the well-formed stray 200, matched by nothing
  CHECK(c.keepalives == 1);
  CHECK(c.unanswerable == 1);
  CHECK(c.stateless_replies == 1);
}

TEST_CASE("front: a stream error reply is built from what could be read") {
  stack s;
  sip::message partial;
  auto const err = sip::parse_datagram(
      "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bKt\r\nFrom: "
      "<sip:a@b>;tag=1\r\n"
      "To: <sip:x@y>\r\nCall-ID: t\r\nCSeq: 1 INVITE\r\n\r\n",
      partial);
  REQUIRE(err);
  std::string const reply = s.front.on_stream_error(err, partial, s.from);
  CHECK(reply.starts_with(
      "SIP/2.0 400 Bad Request (CSeq method does not match the request method (CSeq))"));
  CHECK(s.front.counters().malformed_requests == 1);
}
