// RFC 4475 torture messages, driven by tests/data/rfc4475/MANIFEST.tsv: every `must` message
// parses, every `reject` message is refused with the reply the manifest names (a response is
// dropped), and `either` messages are handled one way or the other with a permitted reply.
#include <doctest/doctest.h>

#include <set>

#include "sip/parser.hpp"
#include "test_util.hpp"

using namespace gatehouse;

namespace {

bool is_response(std::string const& bytes) {
  return bytes.starts_with("SIP/");
}

}  // namespace

TEST_CASE("RFC 4475: every torture message is handled as the manifest says") {
  auto const cases = test::torture_cases();
  REQUIRE(cases.size() == 49);
  int handled = 0;
  for (auto const& c : cases) {
    INFO(c.file, " (RFC 4475 §", c.section, " ", c.title, ")");
    sip::message m;
    auto const err = sip::parse_datagram(c.bytes, m);
    INFO("parse result: ", err ? err.describe() : "ok");
    auto const replies = test::manifest_codes(c.uas_reply);
    bool ok = false;
    if (c.parse == "must") {
      ok = !err;
    } else if (c.parse == "reject") {
      // A request gets the named reply; a response is dropped (no reply at all).
      ok = err && (is_response(c.bytes) || replies.empty() || replies.contains(err.status()));
    } else if (c.parse == "either") {
      ok = !err || is_response(c.bytes) || replies.empty() || replies.contains(err.status());
    }
    CHECK(ok);
    handled += ok;
  }
  MESSAGE("RFC 4475: ", handled, " of ", cases.size(), " messages handled as the manifest says");
  CHECK(handled == 49);
}

TEST_CASE("RFC 4475: what the parser makes of the accepted messages") {
  auto const load = [](char const* file) {
    sip::message m;
    auto const err = sip::parse_datagram(test::read_data(std::string("rfc4475/") + file), m);
    REQUIRE_MESSAGE(!err, file, ": ", err.describe());
    return m;
  };

  SUBCASE("3.1.1.1 wsinv: folded and spaced values read as their plain forms") {
    auto m = load("wsinv.dat");
    CHECK(m.method() == "INVITE");
    CHECK(m.max_forwards() == 68);
    CHECK(m.cseq().number == 9);
    CHECK(m.cseq().method == "INVITE");
    sip::name_addr to, from;
    REQUIRE(!m.to(to));
    CHECK(to.tag() == "1918181833n");
    REQUIRE(!m.from(from));
    CHECK(from.tag() == "98asjd8");
    CHECK(from.display_name_text() == "J Rosenberg \\\"");
    std::vector<std::string> vias;
    REQUIRE(!m.for_each_via([&](sip::via const& v) {
      vias.push_back(std::string(v.transport) + " " + std::string(v.host) + " " +
                     std::string(v.branch()));
      return std::error_code{};
    }));
    CHECK(vias == std::vector<std::string>{"UDP 192.0.2.2 390skdjuw",
                                           "TCP spindle.example.com z9hG4bK9ikj8",
                                           "UDP 192.168.255.111 z9hG4bK30239"});
    CHECK(m.find("NewFangledHeader") == "newfangled value   continued newfangled value");
    CHECK(m.find("UnknownHeaderWithUnusualValue") == ";;,,;;,;");
    CHECK(m.body().size() == 150);
  }
  SUBCASE("3.1.1.3 esc01: escaped URIs parse, and C is Content-Type") {
    auto m = load("esc01.dat");
    sip::uri u;
    REQUIRE(!m.request_uri(u));
    CHECK(u.user == "sips%3Auser%40example.com");
    CHECK(u.host == "example.net");
    CHECK(m.content_type()->is("application", "sdp"));
  }
  SUBCASE("3.1.1.5 esc02: C%6Fntact is an unknown header, not Contact") {
    auto m = load("esc02.dat");
    CHECK(m.count(sip::header_id::contact) == 2);
    CHECK(m.find("C%6Fntact") == "<sip:alias2@host2.example.com>");
    CHECK(m.method() == "RE%47IST%45R");
  }
  SUBCASE("3.1.1.8 dblreq: bytes after Content-Length are ignored") {
    auto m = load("dblreq.dat");
    CHECK(m.method() == "REGISTER");
    CHECK(m.body().empty());
  }
  SUBCASE("3.1.1.9 semiuri: ';' in the user part") {
    auto m = load("semiuri.dat");
    sip::uri u;
    REQUIRE(!m.request_uri(u));
    CHECK(u.user == "user;par=u%40example.net");
    CHECK(u.host == "example.com");
    CHECK(u.params.empty());
  }
  SUBCASE("3.1.1.13 noreason: empty reason phrase") {
    auto m = load("noreason.dat");
    CHECK(m.status() == 100);
    CHECK(m.reason().empty());
  }
  SUBCASE("3.2.1 badbranch: a branch that is only the magic cookie") {
    auto m = load("badbranch.dat");
    sip::via v;
    REQUIRE(!m.top_via(v));
    CHECK(v.branch() == "z9hG4bK");
  }
  SUBCASE("3.3.2 unkscm and 3.3.3 novelsc: unknown schemes are opaque") {
    for (char const* f : {"unkscm.dat", "novelsc.dat"}) {
      auto m = load(f);
      sip::uri u;
      REQUIRE(!m.request_uri(u));
      CHECK(u.scheme == sip::uri_scheme::other);
    }
  }
  SUBCASE("3.4.1 inv2543: no Content-Length on UDP: the body runs to the end") {
    auto m = load("inv2543.dat");
    CHECK(m.body().starts_with("v=0"));
    CHECK(!m.max_forwards());
  }
}

TEST_CASE("RFC 4475: rejected messages name what is wrong") {
  auto const reject = [](char const* file) {
    sip::message m;
    return sip::parse_datagram(test::read_data(std::string("rfc4475/") + file), m);
  };
  CHECK(reject("badvers.dat").status() == 505);
  CHECK(reject("badinv01.dat").header == sip::header_id::via);
  CHECK(reject("clerr.dat").ec == sip::errc::body_truncated);
  CHECK(reject("ncl.dat").ec == sip::errc::bad_content_length);
  CHECK(reject("scalar02.dat").header == sip::header_id::cseq);
  CHECK(reject("scalarlg.dat").header == sip::header_id::cseq);
  CHECK(reject("quotbal.dat").header == sip::header_id::to);
  CHECK(reject("ltgtruri.dat").ec == sip::errc::bad_request_uri);
  CHECK(reject("lwsruri.dat").ec == sip::errc::bad_request_uri);
  CHECK(reject("mismatch01.dat").ec == sip::errc::cseq_method_mismatch);
  CHECK(reject("bigcode.dat").ec == sip::errc::bad_status_code);
  CHECK(reject("mcl01.dat").ec == sip::errc::duplicate_header);
  CHECK(reject("multi01.dat").ec == sip::errc::duplicate_header);
  CHECK(reject("insuf.dat").ec == sip::errc::missing_header);
}
