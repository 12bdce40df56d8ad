// Stateless replies before any call logic (RFC 3261 §8.2), checked against the RFC 4475
// manifest's uas_reply column and against hand-made requests.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "sip/request_check.hpp"
#include "test_util.hpp"

using namespace gatehouse;

namespace {

std::string options(std::string const& extra = "", std::string const& method = "OPTIONS",
                    std::string const& uri = "sip:gatehouse@192.0.2.1",
                    std::string const& body = "") {
  return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKrc\r\n" +
         "From: <sip:a@example.com>;tag=1\r\nTo: <sip:gatehouse@192.0.2.1>\r\nCall-ID: rc1\r\n" +
         "CSeq: 1 " + method + "\r\n" + extra + "\r\n" + body;
}

}  // namespace

TEST_CASE("request checks: RFC 4475 messages get the manifest's reply") {
  sip::request_policy const policy;  // INVITE ACK CANCEL BYE OPTIONS, no extensions
  int checked = 0;
  for (auto const& c : test::torture_cases()) {
    if (c.bytes.starts_with("SIP/")) continue;
    auto const expected = test::manifest_codes(c.uas_reply);
    sip::message m;
    auto const err = sip::parse_datagram(c.bytes, m);
    std::optional<sip::message> reply;
    if (err)
      reply = sip::make_error_reply(m, err, "gh1");
    else if (m.method() != "REGISTER")
      reply = sip::check_request(m, policy, "gh1");
    INFO(c.file);
    if (expected.empty() || (!err && m.method() == "REGISTER")) continue;  // policy, not parsing
    REQUIRE(reply);
    CHECK(expected.contains(reply->status()));
    ++checked;
  }
  CHECK(checked == 19);  // the requests whose manifest reply does not depend on policy
}

TEST_CASE("request checks: each rule") {
  sip::request_policy const policy;
  CHECK(!sip::check_request(test::parsed(options()), policy, "t"));

  auto r = sip::check_request(test::parsed(options("", "FOO")), policy, "t");
  REQUIRE(r);
  CHECK(r->status() == 501);

  r = sip::check_request(test::parsed(options("", "SUBSCRIBE")), policy, "t");
  REQUIRE(r);
  CHECK(r->status() == 405);
  CHECK(r->find(sip::header_id::allow) == "INVITE, ACK, CANCEL, BYE, OPTIONS");

  r = sip::check_request(test::parsed(options("", "OPTIONS", "mailto:a@example.com")), policy, "t");
  REQUIRE(r);
  CHECK(r->status() == 416);
  CHECK(!sip::check_request(test::parsed(options("", "OPTIONS", "tel:+15555550100")), policy, "t"));

  r = sip::check_request(test::parsed(options("Require: timer, foo\r\nRequire: foo, bar\r\n")),
                         policy, "t");
  REQUIRE(r);
  CHECK(r->status() == 420);
  CHECK(r->find(sip::header_id::unsupported) == "timer, foo, bar");
  sip::request_policy with_timer;
  with_timer.supported = {"timer"};
  CHECK(!sip::check_request(test::parsed(options("Require: Timer\r\n")), with_timer, "t"));

  std::string const sdp = "v=0\r\n";
  r = sip::check_request(test::parsed(options("Content-Type: text/plain\r\nContent-Length: 5\r\n",
                                              "INVITE", "sip:b@h", sdp)),
                         policy, "t");
  REQUIRE(r);
  CHECK(r->status() == 415);
  CHECK(r->find(sip::header_id::accept) == "application/sdp");
  CHECK(!sip::check_request(
      test::parsed(options("Content-Type: application/SDP\r\nContent-Length: 5\r\n", "INVITE",
                           "sip:b@h", sdp)),
      policy, "t"));
  // MESSAGE, INFO bodies pass through a B2BUA: not checked here.
  with_timer.allowed.push_back("INFO");
  CHECK(!sip::check_request(
      test::parsed(options("Content-Type: application/dtmf-relay\r\nContent-Length: 5\r\n", "INFO",
                           "sip:b@h", sdp)),
      with_timer, "t"));

  r = sip::check_request(test::parsed(options("Accept: text/html\r\n", "INVITE", "sip:b@h")),
                         policy, "t");
  REQUIRE(r);
  CHECK(r->status() == 406);
  CHECK(!sip::check_request(test::parsed(options("Accept: application/*\r\n", "INVITE", "sip:b@h")),
                            policy, "t"));
  CHECK(!sip::check_request(test::parsed(options("Accept: */*\r\n", "INVITE", "sip:b@h")), policy,
                            "t"));
  CHECK(
      !sip::check_request(test::parsed(options("Accept: text/html\r\n")), policy, "t"));  // OPTIONS

  // ACK and CANCEL are never refused here.
  CHECK(!sip::check_request(test::parsed(options("Require: foo\r\n", "ACK")), policy, "t"));
  CHECK(!sip::check_request(test::parsed(options("Require: foo\r\n", "CANCEL")), policy, "t"));
}

TEST_CASE("request checks: replies carry the request's identity and a To tag") {
  auto const r =
      sip::check_request(test::parsed(options("", "FOO")), sip::request_policy{}, "gh-tag");
  REQUIRE(r);
  CHECK(r->find(sip::header_id::via) == "SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKrc");
  CHECK(r->call_id() == "rc1");
  CHECK(r->find(sip::header_id::cseq) == "1 FOO");
  CHECK(r->find(sip::header_id::to) == "<sip:gatehouse@192.0.2.1>;tag=gh-tag");
  sip::message back;
  CHECK(!sip::parse_datagram(r->to_string(), back));
}

TEST_CASE("error replies: what can and cannot be answered") {
  sip::message m;
  auto err = sip::parse_datagram(test::read_data("rfc4475/badvers.dat"), m);
  auto r = sip::make_error_reply(m, err, "t");
  REQUIRE(r);
  CHECK(r->status() == 505);
  CHECK(r->reason() == "Version Not Supported (unsupported SIP version)");

  err = sip::parse_datagram(test::read_data("rfc4475/scalar02.dat"), m);
  r = sip::make_error_reply(m, err, "t");
  REQUIRE(r);
  CHECK(r->status() == 400);
  CHECK(r->reason() == "Bad Request (value out of range (CSeq))");

  // A response is never answered; neither is an ACK or a request with no Via.
  err = sip::parse_datagram(test::read_data("rfc4475/bigcode.dat"), m);
  CHECK(!sip::make_error_reply(m, err, "t"));
  err = sip::parse_datagram("ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", m);
  REQUIRE(err);
  CHECK(!sip::make_error_reply(m, err, "t"));
  err = sip::parse_datagram("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n", m);
  REQUIRE(err);
  CHECK(!sip::make_error_reply(m, err, "t"));
  err = sip::parse_datagram("complete garbage\r\n\r\n", m);
  CHECK(!sip::make_error_reply(m, err, "t"));
}
