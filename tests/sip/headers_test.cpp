// Typed header values: Via, name-addr lists, numbers, Session-Expires, RAck, Retry-After,
// media types, token lists, Reason, and auth challenges/credentials.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sip/auth_headers.hpp"
#include "sip/error.hpp"
#include "sip/name_addr.hpp"
#include "sip/simple_headers.hpp"
#include "sip/via.hpp"

using namespace gatehouse;

TEST_CASE("Via") {
  std::vector<sip::via> vias;
  auto const collect = [&](std::string_view value) {
    vias.clear();
    return sip::for_each_via(value, [&](sip::via const& v) {
      vias.push_back(v);
      return std::error_code{};
    });
  };
  REQUIRE(
      !collect("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport;received=192.0.2.7, "
               "SIP / 2.0 / TLS [2001:db8::9] ; branch = z9hG4bK2 ; maddr=224.2.0.1;ttl=16"));
  REQUIRE(vias.size() == 2);
  CHECK(vias[0].protocol_name == "SIP");
  CHECK(vias[0].transport == "UDP");
  CHECK(vias[0].port == 5060);
  CHECK(vias[0].rport() == "");
  CHECK(vias[0].received() == "192.0.2.7");
  CHECK(vias[1].transport == "TLS");
  CHECK(vias[1].host == "[2001:db8::9]");
  CHECK(vias[1].host_type == sip::host_kind::ipv6);
  CHECK(!vias[1].has_port);
  CHECK(vias[1].branch() == "z9hG4bK2");
  CHECK(vias[1].maddr() == "224.2.0.1");
  CHECK(vias[1].ttl() == "16");
  REQUIRE(!collect("SIP/2.0/UDP host : 5062;rport=5062"));
  CHECK(vias[0].port == 5062);
  CHECK(vias[0].rport() == "5062");

  for (char const* bad :
       {"", "SIP/2.0", "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0/UDP h;", "SIP/2.0/UDP h;;",
        "SIP/2.0/UDP h,", "SIP/2.0/UDP h;ttl=256", "SIP/2.0/UDP h;branch", "SIP/2.0/UDP h:99999",
        "SIP/2.0/UDP h x", "SIP/2.0/UDP 192.0.2.15;;,;,,"}) {
    INFO(std::string(bad));
    CHECK(collect(bad));
  }
}

TEST_CASE("name-addr") {
  sip::name_addr na;
  REQUIRE(
      !sip::parse_name_addr("\"Alice \\\"A\\\" Liddell\" <sip:alice@example.com>;tag=88sja8x", na));
  CHECK(na.display_name_text() == "Alice \"A\" Liddell");
  CHECK(na.angle_brackets);
  CHECK(na.tag() == "88sja8x");
  CHECK(na.address.user == "alice");

  REQUIRE(!sip::parse_name_addr("Bob Smith<sip:bob@example.com;transport=tcp>", na));
  CHECK(na.display_name == "Bob Smith");
  CHECK(na.address.params.get("transport") == "tcp");
  CHECK(na.tag().empty());

  // addr-spec: parameters after the URI belong to the header (RFC 3261 §20)
  REQUIRE(!sip::parse_name_addr("sip:carol@example.com;tag=5", na));
  CHECK(!na.angle_brackets);
  CHECK(na.tag() == "5");
  CHECK(na.address.params.empty());

  for (char const* bad :
       {"", "\"unterminated <sip:a@b>", "<sip:a@b", "Bad, Name <sip:a@b>", "< sip:a@b >",
        "<sip:a@b> trailing", "<>", "<sip:a@b>;", "<sip:a@b>;=x", "sip:a@b;tag=\"open"}) {
    INFO(std::string(bad));
    CHECK(sip::parse_name_addr(bad, na));
  }
}

TEST_CASE("name-addr lists (Contact, Route)") {
  std::vector<std::string> uris, qs;
  auto const ec = sip::for_each_name_addr(
      "<sip:a@h1;lr>, \"X, Y\" <sip:b@h2>;q=0.7;expires=60 , sip:c@h3;q=0.1",
      [&](sip::name_addr const& na) {
        uris.push_back(std::string(na.uri_text));
        qs.push_back(std::string(na.params.get("q").value_or("-")));
        return std::error_code{};
      });
  REQUIRE(!ec);
  CHECK(uris == std::vector<std::string>{"sip:a@h1;lr", "sip:b@h2", "sip:c@h3"});
  CHECK(qs == std::vector<std::string>{"-", "0.7", "0.1"});
  CHECK(sip::is_wildcard_contact(" * "));
  CHECK(!sip::is_wildcard_contact("<sip:*@h>"));
  auto const none = [](sip::name_addr const&) { return std::error_code{}; };
  CHECK(sip::for_each_name_addr("<sip:a@h1>,,<sip:b@h2>", none));
  CHECK(sip::for_each_name_addr("<sip:a@h1>,", none));
}

TEST_CASE("CSeq, numbers and delta-seconds") {
  sip::cseq_value c;
  REQUIRE(!sip::parse_cseq("0009 INVITE", c));
  CHECK(c.number == 9);
  CHECK(c.method == "INVITE");
  CHECK(sip::parse_cseq("2147483648 INVITE", c) == sip::errc::value_out_of_range);
  CHECK(sip::parse_cseq("1INVITE", c));
  CHECK(sip::parse_cseq("1", c));
  CHECK(sip::parse_cseq("-1 INVITE", c));
  CHECK(sip::parse_cseq("1 INVITE x", c));

  std::uint32_t d = 0;
  REQUIRE(!sip::parse_delta_seconds("3600", d));
  CHECK(d == 3600);
  REQUIRE(!sip::parse_delta_seconds("4294967295", d));
  CHECK(sip::parse_delta_seconds("4294967296", d) == sip::errc::value_out_of_range);
  CHECK(sip::parse_delta_seconds("1000000000000000000000000000000", d) ==
        sip::errc::value_out_of_range);
  CHECK(sip::parse_delta_seconds("", d));

  std::uint8_t mf = 0;
  REQUIRE(!sip::parse_max_forwards(" 70 ", mf));
  CHECK(mf == 70);
  CHECK(sip::parse_max_forwards("256", mf) == sip::errc::value_out_of_range);
}

TEST_CASE("Session-Expires, Min-SE, RAck, Retry-After") {
  sip::session_expires_value se;
  REQUIRE(!sip::parse_session_expires("1800;refresher=uas", se));
  CHECK(se.seconds == 1800);
  CHECK(se.refresher == "uas");
  REQUIRE(!sip::parse_session_expires("90", se));
  CHECK(se.refresher.empty());
  CHECK(sip::parse_session_expires("90;refresher=both", se));
  std::uint32_t min_se = 0;
  REQUIRE(!sip::parse_min_se("90;x=y", min_se));
  CHECK(min_se == 90);

  sip::rack_value r;
  REQUIRE(!sip::parse_rack("776656 1 INVITE", r));
  CHECK(r.rseq == 776656);
  CHECK(r.cseq == 1);
  CHECK(r.method == "INVITE");
  CHECK(sip::parse_rack("1 INVITE", r));

  sip::retry_after_value ra;
  REQUIRE(!sip::parse_retry_after("18000 (in a (nested) meeting);duration=3600", ra));
  CHECK(ra.seconds == 18000);
  CHECK(ra.comment == "(in a (nested) meeting)");
  CHECK(ra.params.get("duration") == "3600");
  CHECK(sip::parse_retry_after("5 (unclosed", ra));
  CHECK(sip::parse_retry_after("5 " + std::string(40, '(') + std::string(40, ')'), ra) ==
        sip::errc::too_deeply_nested);
  CHECK(sip::parse_retry_after("949302838503028349304023988", ra) == sip::errc::value_out_of_range);
}

TEST_CASE("media types and token lists") {
  sip::media_type m;
  REQUIRE(!sip::parse_media_type("multipart/mixed;boundary=7a9cbec02ceef655", m));
  CHECK(m.is("Multipart", "MIXED"));
  CHECK(m.params.get("boundary") == "7a9cbec02ceef655");
  CHECK(sip::parse_media_type("application", m));
  CHECK(sip::parse_media_type("application/", m));

  std::vector<std::string> accepted;
  REQUIRE(!sip::for_each_media_range(
      "application/sdp, application/*;q=0.5, */*", [&](sip::media_type const& t) {
        accepted.push_back(std::string(t.type) + "/" + std::string(t.subtype));
        return std::error_code{};
      }));
  CHECK(accepted == std::vector<std::string>{"application/sdp", "application/*", "*/*"});

  std::vector<std::string> tags;
  REQUIRE(!sip::for_each_token("timer, 100rel ,replaces", [&](std::string_view t) {
    tags.emplace_back(t);
    return std::error_code{};
  }));
  CHECK(tags == std::vector<std::string>{"timer", "100rel", "replaces"});
  CHECK(sip::has_token("timer, 100rel", "100REL"));
  CHECK(!sip::has_token("timer, 100rel", "path"));
  CHECK(!sip::has_token("", "timer"));
  auto const none = [](std::string_view) { return std::error_code{}; };
  CHECK(sip::for_each_token("a b, c", none));
  CHECK(sip::for_each_token("a,,b", none));
  CHECK(!sip::for_each_token("", none));
}

TEST_CASE("Reason") {
  sip::reason_value r;
  REQUIRE(!sip::parse_reason("Q.850;cause=16;text=\"Terminated\"", r));
  CHECK(r.protocol == "Q.850");
  CHECK(r.cause() == 16);
  CHECK(r.params.get("text") == "\"Terminated\"");
  REQUIRE(!sip::parse_reason("SIP", r));
  CHECK(r.cause() == -1);
  CHECK(sip::parse_reason(";cause=1", r));
}

TEST_CASE("auth challenges and credentials") {
  sip::auth_value a;
  REQUIRE(
      !sip::parse_auth("Digest realm=\"atlanta.example.com\", qop=\"auth\", "
                       "nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\","
                       " algorithm=SHA-256, stale=FALSE, opaque=\"\"",
                       a));
  CHECK(a.is_digest());
  std::string v;
  REQUIRE(a.get("realm", v));
  CHECK(v == "atlanta.example.com");
  REQUIRE(a.get("ALGORITHM", v));
  CHECK(v == "SHA-256");
  REQUIRE(a.get("opaque", v));
  CHECK(v.empty());
  CHECK(!a.get("domain", v));

  REQUIRE(!sip::parse_auth(
      "Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dcd98b\", uri=sip:bob@biloxi.com,"
      " response=\"6629fae49393a05397450978507c4ef1\", nc=00000001, cnonce=\"0a4f113b\"",
      a));
  REQUIRE(a.get("uri", v));
  CHECK(v == "sip:bob@biloxi.com");
  REQUIRE(a.get("nc", v));
  CHECK(v == "00000001");

  REQUIRE(!sip::parse_auth("NoOneKnowsThisScheme opaque-data=here", a));
  CHECK(!a.is_digest());
  for (char const* bad : {"", "Digest realm", "Digest realm=", "Digest realm=\"x",
                          "Digest a=b,,c=d", "Digest a=b c=d"}) {
    INFO(std::string(bad));
    CHECK(sip::parse_auth(bad, a));
  }
}
