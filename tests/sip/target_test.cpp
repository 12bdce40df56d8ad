// RFC 3263 §4 transport, host and port selection for a URI, including sips: -> TLS.
#include <doctest/doctest.h>

#include <string>

#include "sip/error.hpp"
#include "sip/target.hpp"

using namespace gatehouse;

namespace {

sip::target resolved(std::string_view text) {
  sip::uri u;
  REQUIRE(!sip::parse_uri(text, u));
  sip::target t;
  auto const ec = sip::resolve_target(u, t);
  REQUIRE_MESSAGE(!ec, text, ": ", ec.message());
  return t;
}

std::error_code error_of(std::string_view text) {
  sip::uri u;
  REQUIRE(!sip::parse_uri(text, u));
  sip::target t;
  return sip::resolve_target(u, t);
}

}  // namespace

TEST_CASE("target: the table of RFC 3263 §4.1 and §4.2 without DNS") {
  struct row {
    char const* uri;
    sip::transport_proto proto;
    char const* host;
    std::uint16_t port;
    bool ip;
  };
  using sip::transport_proto;
  row const table[] = {
      {"sip:bob@192.0.2.4", transport_proto::udp, "192.0.2.4", 5060, true},
      {"sip:bob@192.0.2.4:5070", transport_proto::udp, "192.0.2.4", 5070, true},
      {"sip:bob@192.0.2.4;transport=tcp", transport_proto::tcp, "192.0.2.4", 5060, true},
      {"sip:bob@192.0.2.4;transport=TLS", transport_proto::tls, "192.0.2.4", 5061, true},
      {"sips:bob@192.0.2.4", transport_proto::tls, "192.0.2.4", 5061, true},
      {"sips:bob@biloxi.example.com", transport_proto::tls, "biloxi.example.com", 5061, false},
      {"sips:bob@biloxi.example.com;transport=tcp", transport_proto::tls, "biloxi.example.com",
       5061, false},
      {"sip:bob@[2001:db8::4]:5080", transport_proto::udp, "2001:db8::4", 5080, true},
      {"sip:bob@biloxi.example.com;maddr=239.255.255.1", transport_proto::udp, "239.255.255.1",
       5060, true},
      {"sip:biloxi.example.com", transport_proto::udp, "biloxi.example.com", 5060, false},
  };
  for (auto const& r : table) {
    INFO(std::string(r.uri));
    auto const t = resolved(r.uri);
    CHECK(t.proto == r.proto);
    CHECK(t.host == r.host);
    CHECK(t.port == r.port);
    CHECK(t.host_is_ip == r.ip);
  }
  CHECK(resolved("sips:bob@biloxi.example.com").server_name == "biloxi.example.com");
  CHECK(resolved("sip:bob@biloxi.example.com").server_name.empty());
  CHECK(!resolved("sip:bob@biloxi.example.com").port_explicit);
  CHECK(resolved("sip:bob@biloxi.example.com:5060").port_explicit);
}

TEST_CASE("target: what cannot be reached") {
  CHECK(error_of("sips:bob@192.0.2.4;transport=udp") == sip::errc::bad_uri);
  CHECK(error_of("sip:bob@192.0.2.4;transport=sctp") == sip::errc::bad_uri);
  CHECK(error_of("tel:+15555550100") == sip::errc::unsupported_uri_scheme);
  CHECK(error_of("mailto:bob@example.com") == sip::errc::unsupported_uri_scheme);
}
