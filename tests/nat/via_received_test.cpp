// received/rport stamping (RFC 3261 §18.2.1, RFC 3581) and response routing (§18.2.2), as tables.
#include <doctest/doctest.h>

#include <string>

#include "nat/via_received.hpp"
#include "sip/parser.hpp"

using namespace gatehouse;

namespace {

sip::message with_via(std::string const& via) {
  sip::message m;
  auto const err =
      sip::parse_datagram("OPTIONS sip:a@b SIP/2.0\r\nVia: " + via +
                              "\r\nVia: SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKlower\r\nFrom: "
                              "<sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\n"
                              "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n",
                          m);
  REQUIRE_MESSAGE(!err, err.describe());
  return m;
}

sip::peer udp(std::string ip, std::uint16_t port) {
  return {.proto = sip::transport_proto::udp, .ip = std::move(ip), .port = port};
}

}  // namespace

TEST_CASE("stamp_received") {
  struct row {
    char const* via;
    char const* source_ip;
    std::uint16_t source_port;
    nat::response_routing routing;
    char const* expected;
  };
  using nat::response_routing;
  row const table[] = {
      // RFC 3261: same address, no rport asked, strict routing: untouched
      {"SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.1", 5060, response_routing::rfc3261,
       "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1"},
      // different address: received
      {"SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1", "203.0.113.7", 5060,
       response_routing::rfc3261,
       "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;received=203.0.113.7"},
      // a host name is never the source address
      {"SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1", "192.0.2.1", 5060, response_routing::rfc3261,
       "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.1"},
      // RFC 3581: empty rport filled in, received always added
      {"SIP/2.0/UDP 192.168.1.20:5060;rport;branch=z9hG4bK1", "203.0.113.7", 40312,
       response_routing::rfc3261,
       "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;received=203.0.113.7;rport=40312"},
      // symmetric (gatehouse's default): as if rport had been asked
      {"SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1", "203.0.113.7", 40312,
       response_routing::symmetric,
       "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;received=203.0.113.7;rport=40312"},
      // an old received/rport from the client is replaced, not duplicated
      {"SIP/2.0/UDP 10.0.0.1;received=6.6.6.6;rport=1;branch=z9hG4bK1", "203.0.113.7", 9,
       response_routing::symmetric,
       "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;received=203.0.113.7;rport=9"},
      // IPv6 sent-by equal to the source in another spelling: no received under strict routing
      {"SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1", "2001:db8:0::1", 5060,
       response_routing::rfc3261, "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1"},
  };
  for (auto const& r : table) {
    auto m = with_via(r.via);
    INFO(std::string(r.via));
    REQUIRE(!nat::stamp_received(m, udp(r.source_ip, r.source_port), r.routing));
    CHECK(m.find(sip::header_id::via) == std::string(r.expected));
    CHECK(m.count(sip::header_id::via) == 2);
    sip::message back;
    CHECK(!sip::parse_datagram(m.to_string(), back));
  }
}

TEST_CASE("stamp_received: a Via field with several values keeps the others") {
  auto m = with_via("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb");
  REQUIRE(!nat::stamp_received(m, udp("192.0.2.5", 7000), nat::response_routing::symmetric));
  std::vector<std::string> hosts;
  REQUIRE(!m.for_each_via([&](sip::via const& v) {
    hosts.emplace_back(v.host);
    return std::error_code{};
  }));
  CHECK(hosts == std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.9.9.9"});
  sip::via top;
  REQUIRE(!m.top_via(top));
  CHECK(top.received() == "192.0.2.5");
  CHECK(top.rport() == "7000");
}

TEST_CASE("response_destination") {
  using nat::response_routing;
  struct row {
    char const* via;
    response_routing routing;
    char const* ip;
    std::uint16_t port;
  };
  row const table[] = {
      {"SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK1;received=203.0.113.7;rport=40312",
       response_routing::symmetric, "198.51.100.1",
       1111},  // symmetric: the source, whatever Via says
      {"SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK1;received=203.0.113.7;rport=40312",
       response_routing::rfc3261, "203.0.113.7", 40312},
      {"SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK1;received=203.0.113.7",
       response_routing::rfc3261, "203.0.113.7", 5062},
      {"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", response_routing::rfc3261, "192.0.2.1", 5060},
      {"SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;maddr=239.1.1.1", response_routing::rfc3261,
       "239.1.1.1", 5060},
      {"SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK1", response_routing::rfc3261, "2001:db8::1",
       5070},
  };
  for (auto const& r : table) {
    auto const m = with_via(r.via);
    sip::peer out;
    INFO(std::string(r.via));
    REQUIRE(!nat::response_destination(m, udp("198.51.100.1", 1111), r.routing, out));
    CHECK(out.ip == r.ip);
    CHECK(out.port == r.port);
  }
  // Streams answer on the connection the request came on.
  sip::peer tcp{
      .proto = sip::transport_proto::tcp, .ip = "198.51.100.1", .port = 1111, .connection = 42};
  sip::peer out;
  REQUIRE(!nat::response_destination(with_via("SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1"), tcp,
                                     response_routing::rfc3261, out));
  CHECK(out.connection == 42);
  CHECK(out.ip == "198.51.100.1");
}
