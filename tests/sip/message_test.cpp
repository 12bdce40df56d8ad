// Writing messages back: a parsed message round-trips, and edits through the API come out with
// a correct Content-Length (golden input / expected output pairs in tests/data/sip/).
#include <doctest/doctest.h>

#include <string>

#include "sip/parser.hpp"
#include "test_util.hpp"

using namespace gatehouse;

namespace {

// Same start line, same header fields (names, values, order; a Content-Length the writer added
// aside), same body.
void check_same(sip::message const& a, sip::message const& b) {
  CHECK(a.is_request() == b.is_request());
  CHECK(a.method() == b.method());
  CHECK(a.request_uri() == b.request_uri());
  CHECK(a.status() == b.status());
  CHECK(a.reason() == b.reason());
  CHECK(a.body() == b.body());
  std::size_t j = 0;
  for (std::size_t i = 0; i < a.header_count(); ++i) {
    auto const fa = a.header(i);
    if (fa.id == sip::header_id::content_length) continue;
    while (j < b.header_count() && b.header(j).id == sip::header_id::content_length) ++j;
    REQUIRE(j < b.header_count());
    auto const fb = b.header(j++);
    CHECK(fa.name == fb.name);
    CHECK(fa.value == fb.value);
  }
}

}  // namespace

TEST_CASE("message: a parsed message written back parses to the same message") {
  int round_trips = 0;
  for (auto const& c : test::torture_cases()) {
    sip::message m;
    if (sip::parse_datagram(c.bytes, m)) continue;
    INFO(c.file);
    std::string const written = m.to_string();
    sip::message again = test::parsed(written);
    check_same(m, again);
    CHECK(again.to_string() == written);  // writing is a fixed point
    ++round_trips;
  }
  CHECK(round_trips >= 30);
}

TEST_CASE("message: an unedited clean message is written byte for byte") {
  std::string const invite = test::read_data("sip/invite.msg");
  CHECK(test::parsed(invite).to_string() == invite);
}

TEST_CASE("message: edits (golden)") {
  sip::message m = test::parsed(test::read_data("sip/invite.msg"));
  // What a B2BUA does to the INVITE it sends on leg B.
  m.set_request_uri("sip:bob@192.0.2.50:5070");
  m.remove_headers(sip::header_id::via);
  m.push_front_header(sip::header_id::via, "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKb2b1");
  m.set_header(sip::header_id::call_id, "leg-b-1@198.51.100.1");
  m.set_header(sip::header_id::contact, "<sip:gatehouse@198.51.100.1:5060>");
  m.set_header(sip::header_id::max_forwards, "69");
  m.remove_headers("user-agent");
  m.add_header("X-Gatehouse-Call", "1");
  m.set_body(
      "v=0\r\no=- 1 2 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
      "m=audio 30000 RTP/AVP 0\r\n",
      "application/sdp");
  std::string const out = m.to_string();
  CHECK(out == test::read_data("sip/invite-leg-b.msg"));
  check_same(m, test::parsed(out));
}

TEST_CASE("message: Via stack operations") {
  sip::message m = test::parsed(test::read_data("rfc4475/transports.dat"));
  CHECK(m.count(sip::header_id::via) == 5);
  m.push_front_header(sip::header_id::via, "SIP/2.0/UDP top.example.com;branch=z9hG4bKtop");
  sip::via v;
  REQUIRE(!m.top_via(v));
  CHECK(v.host == "top.example.com");
  CHECK(m.header(m.header_count() - 1).id != sip::header_id::via);
  REQUIRE(m.pop_front_value(sip::header_id::via));
  REQUIRE(!m.top_via(v));
  CHECK(v.host == "t1.example.com");

  // Several via-parms in one field: popping removes only the first.
  sip::message w = test::parsed(test::read_data("rfc4475/wsinv.dat"));
  REQUIRE(w.pop_front_value(sip::header_id::via));
  REQUIRE(!w.top_via(v));
  CHECK(v.host == "spindle.example.com");
  REQUIRE(w.pop_front_value(sip::header_id::via));
  REQUIRE(!w.top_via(v));
  CHECK(v.host == "192.168.255.111");
  REQUIRE(w.pop_front_value(sip::header_id::via));
  CHECK(w.top_via(v) == sip::errc::missing_header);
  CHECK(!w.pop_front_value(sip::header_id::via));
}

TEST_CASE("message: built from scratch") {
  auto m = sip::message::make_response(486, "Busy Here");
  m.add_header(sip::header_id::via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx;received=192.0.2.9");
  m.add_header(sip::header_id::from, "<sip:a@example.com>;tag=1");
  m.add_header(sip::header_id::to, "<sip:b@example.com>;tag=2");
  m.add_header(sip::header_id::call_id, "abc");
  m.add_header(sip::header_id::cseq, "1 INVITE");
  std::string const out = m.to_string();
  CHECK(out ==
        "SIP/2.0 486 Busy Here\r\n"
        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx;received=192.0.2.9\r\n"
        "From: <sip:a@example.com>;tag=1\r\n"
        "To: <sip:b@example.com>;tag=2\r\n"
        "Call-ID: abc\r\n"
        "CSeq: 1 INVITE\r\n"
        "Content-Length: 0\r\n"
        "\r\n");
  auto const back = test::parsed(out);
  CHECK(back.status() == 486);
  CHECK(back.reason() == "Busy Here");

  // An edit may take its value from the message itself.
  m.set_header(sip::header_id::call_id, m.find(sip::header_id::cseq).value());
  CHECK(m.call_id() == "1 INVITE");
}

TEST_CASE("message: compact and long forms are the same header") {
  auto m = test::parsed(test::read_data("rfc4475/esc01.dat"));
  CHECK(m.find("i") == m.find("Call-ID"));
  CHECK(m.find("c") == "application/sdp");
  CHECK(m.find(sip::header_id::content_type) == "application/sdp");
  CHECK(m.count(sip::header_id::call_id) == 1);
}
