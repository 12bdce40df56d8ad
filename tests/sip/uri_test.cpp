// SIP, SIPS, tel and other URIs: components, escapes, errors and RFC 3261 §19.1.4 comparison.
#include <doctest/doctest.h>

#include <string>

#include "sip/error.hpp"
#include "sip/uri.hpp"

using namespace gatehouse;

namespace {

sip::uri parsed(std::string_view text) {
  sip::uri u;
  auto const ec = sip::parse_uri(text, u);
  REQUIRE_MESSAGE(!ec, text, ": ", ec.message());
  return u;
}

bool equal(std::string_view a, std::string_view b) {
  return sip::uri_equal(parsed(a), parsed(b));
}

}  // namespace

TEST_CASE("uri: components of a SIP URI") {
  auto const u = parsed(
      "sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority="
      "urgent");
  CHECK(u.scheme == sip::uri_scheme::sips);
  CHECK(u.user == "alice");
  CHECK(u.has_password);
  CHECK(u.password == "secret");
  CHECK(u.host == "atlanta.example.com");
  CHECK(u.host_type == sip::host_kind::name);
  CHECK(u.port == 5061);
  CHECK(u.params.get("transport") == "tcp");
  CHECK(u.params.get("lr") == "");
  CHECK(!u.params.get("maddr"));
  CHECK(u.headers == "subject=project%20x&priority=urgent");
  CHECK(sip::to_string(u) ==
        "sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority="
        "urgent");

  auto const v6 = parsed("sip:[2001:db8::10]:5070");
  CHECK(v6.host == "[2001:db8::10]");
  CHECK(v6.host_type == sip::host_kind::ipv6);
  CHECK(v6.port == 5070);
  CHECK(!v6.has_userinfo);

  auto const v4 = parsed("sip:+15555550100@192.0.2.4;user=phone");
  CHECK(v4.host_type == sip::host_kind::ipv4);
  CHECK(v4.user == "+15555550100");
  CHECK(v4.port_or_default() == 5060);
  CHECK(parsed("sips:b@h").port_or_default() == 5061);
}

TEST_CASE("uri: tel and other schemes") {
  auto const t = parsed("tel:+1-201-555-0123;phone-context=example.com");
  CHECK(t.scheme == sip::uri_scheme::tel);
  CHECK(t.user == "+1-201-555-0123");
  CHECK(t.params.get("phone-context") == "example.com");
  auto const local = parsed("tel:7042;phone-context=+1-201-555");
  CHECK(local.user == "7042");
  auto const o = parsed("urn:service:sos");
  CHECK(o.scheme == sip::uri_scheme::other);
  CHECK(o.scheme_text == "urn");
  CHECK(o.opaque == "service:sos");
  CHECK(sip::to_string(o) == "urn:service:sos");
}

TEST_CASE("uri: malformed URIs are refused") {
  for (char const* bad : {"",
                          ":",
                          "sip:",
                          "sip:@example.com",
                          "sip:a@",
                          "sip:a@exa mple.com",
                          "sip:a@host:port",
                          "sip:a@host:65536",
                          "sip:a@[::1",
                          "sip:a@[zz::1]",
                          "sip:a@host;",
                          "sip:a@host;=v",
                          "sip:a@host?",
                          "sip:a@host?h",
                          "sip:a%2@host",
                          "sip:a%zz@host",
                          "sip:a b@host",
                          "sip:a\"@host",
                          "1sip:a@host",
                          "<sip:a@host>",
                          "tel:",
                          "tel:abc-",
                          "tel:+",
                          "tel:+1a",
                          "tel:7042",
                          "x-y:has space",
                          "sip:a@-host",
                          "sip:a@.host"}) {
    sip::uri u;
    INFO(std::string(bad));
    CHECK(sip::parse_uri(bad, u));
  }
}

TEST_CASE("uri: escapes") {
  std::string out;
  CHECK(!sip::unescape("null-%00-null", out));
  CHECK(out == std::string("null-\0-null", 11));
  CHECK(!sip::unescape("I%20have%20spaces", out));
  CHECK(out == "I have spaces");
  CHECK(sip::unescape("bad%2", out) == sip::errc::bad_escape);
  CHECK(sip::unescape("bad%g0", out) == sip::errc::bad_escape);
}

TEST_CASE("uri: RFC 3261 §19.1.4 equal URIs") {
  CHECK(equal("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  CHECK(equal("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  CHECK(equal("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
  CHECK(equal("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
  CHECK(equal("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
              "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
  CHECK(equal("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
              "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
}

TEST_CASE("uri: a repeated parameter compares by its first occurrence") {
  // Found by the sip_uri fuzz target: a URI was not equal to itself.
  CHECK(equal("sip:a@h;maddr=50.2;maddr=239.1.2.3", "sip:a@h;maddr=50.2;maddr=239.1.2.3"));
  CHECK(equal("sip:a@h;maddr=50.2;maddr=1.2.3.4", "sip:a@h;maddr=50.2"));
  CHECK(!equal("sip:a@h;maddr=1.2.3.4;maddr=50.2", "sip:a@h;maddr=50.2"));
}

TEST_CASE("uri: at most 64 parameters and 64 headers") {
  std::string params = "sip:a@h", headers = "sip:a@h?";
  for (int i = 0; i < 64; ++i) params += ";p" + std::to_string(i);
  for (int i = 0; i < 64; ++i) headers += (i ? "&h" : "h") + std::to_string(i) + "=v";
  sip::uri u;
  CHECK(!sip::parse_uri(params, u));
  CHECK(!sip::parse_uri(headers, u));
  CHECK(sip::parse_uri(params + ";one-more", u) == sip::errc::bad_uri);
  CHECK(sip::parse_uri(headers + "&x=y", u) == sip::errc::bad_uri);
}

TEST_CASE("uri: RFC 3261 §19.1.4 unequal URIs") {
  CHECK(!equal("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  CHECK(!equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  CHECK(!equal("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  CHECK(!equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
  CHECK(!equal("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
  CHECK(!equal("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
  CHECK(!equal("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
  CHECK(!equal("sip:alice@atlanta.com", "sips:alice@atlanta.com"));
  CHECK(!equal("sip:a%3Bb@h", "sip:a;b@h"));  // an escaped reserved character stays distinct
}

TEST_CASE("uri: address checks") {
  CHECK(sip::is_ipv4("192.0.2.1"));
  CHECK(sip::is_ipv4("255.255.255.255"));
  CHECK(!sip::is_ipv4("256.0.0.1"));
  CHECK(!sip::is_ipv4("1.2.3"));
  CHECK(!sip::is_ipv4("1.2.3.4.5"));
  CHECK(!sip::is_ipv4("1.2.3.4 "));
  CHECK(!sip::is_ipv4("1..3.4"));
  CHECK(!sip::is_ipv4("1234.1.1.1"));
  for (char const* good : {"::", "::1", "2001:db8::1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8",
                           "::ffff:192.0.2.1", "2001:db8:0:0:0:0:2:1", "1::"})
    CHECK_MESSAGE(sip::is_ipv6(good), good);
  for (char const* bad : {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1",
                          "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "::1:", "1.2.3.4"})
    CHECK_MESSAGE(!sip::is_ipv6(bad), bad);
}
