// The datagram parser: start lines, header lines, folding, limits, and the error it gives for
// each kind of malformed input.
#include <doctest/doctest.h>

#include <string>

#include "sip/parser.hpp"
#include "test_util.hpp"

using namespace gatehouse;

namespace {

std::string const core_headers =
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
    "From: <sip:alice@example.com>;tag=9fxced76sl\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: 3848276298220188511@example.com\r\n"
    "CSeq: 1 OPTIONS\r\n"
    "Max-Forwards: 70\r\n";

std::string request(std::string const& start_line, std::string const& extra = "",
                    std::string const& body = "") {
  return start_line + "\r\n" + core_headers + extra + "\r\n" + body;
}

sip::parse_error parse(std::string const& bytes) {
  sip::message m;
  return sip::parse_datagram(bytes, m);
}

}  // namespace

TEST_CASE("datagram parser: a typical INVITE") {
  sip::message m;
  auto const err = sip::parse_datagram(test::read_data("sip/invite.msg"), m);
  REQUIRE_MESSAGE(!err, err.describe());
  CHECK(m.is_request());
  CHECK(m.method() == "INVITE");
  CHECK(m.request_uri() == "sip:bob@biloxi.example.com");
  CHECK(m.header_count() == 14);
  CHECK(m.call_id() == "a84b4c76e66710@pc33.atlanta.example.com");
  CHECK(m.cseq().number == 314159);
  sip::via v;
  REQUIRE(!m.top_via(v));
  CHECK(v.host == "192.168.1.20");
  CHECK(v.port == 5060);
  CHECK(v.rport() == "");
  CHECK(v.is_rfc3261_branch());
  sip::name_addr from;
  REQUIRE(!m.from(from));
  CHECK(from.display_name_text() == "Alice Liddell");
  CHECK(from.tag() == "1928301774");
  CHECK(from.address.user == "alice");
  CHECK(m.body().starts_with("v=0\r\n"));
  CHECK(m.body().ends_with("a=sendrecv\r\n"));
  CHECK(m.find(sip::header_id::user_agent) == "ExamplePhone/1.2.3");
  CHECK(m.find("user-agent") == "ExamplePhone/1.2.3");
}

TEST_CASE("datagram parser: start lines") {
  CHECK(!parse(request("OPTIONS sip:bob@example.com SIP/2.0")));
  CHECK(!parse(request("OPTIONS sip:bob@example.com sip/2.0")));
  CHECK(parse(request("OPTIONS sip:bob@example.com SIP/3.0")).status() == 505);
  CHECK(parse(request("OPTIONS sip:bob@example.com SIP/2")).ec == sip::errc::bad_start_line);
  CHECK(parse(request("OPTIONS sip:bob@example.com")).ec == sip::errc::bad_start_line);
  CHECK(parse(request("OPTI\"ONS sip:bob@example.com SIP/2.0")).ec == sip::errc::bad_method);
  CHECK(parse(request("OPTIONS sip:bob@exa mple.com SIP/2.0")).ec == sip::errc::bad_request_uri);
  CHECK(parse(request("OPTIONS sip:bob@[::1 SIP/2.0")).ec == sip::errc::bad_request_uri);
  CHECK(parse(request("OPTIONS sip:bob@example.com:99999 SIP/2.0")).status() == 400);
  CHECK(parse("\r\n\r\n").ec == sip::errc::keepalive);
  CHECK(parse("").ec == sip::errc::keepalive);
  CHECK(parse("garbage").ec == sip::errc::bad_start_line);

  std::string const headers = core_headers.substr(0, core_headers.find("Max-Forwards"));
  auto const response = [&](std::string const& line) { return line + "\r\n" + headers + "\r\n"; };
  sip::message m;
  REQUIRE(!sip::parse_datagram(response("SIP/2.0 180 Ringing"), m));
  CHECK(m.is_response());
  CHECK(m.status() == 180);
  CHECK(m.reason() == "Ringing");
  REQUIRE(!sip::parse_datagram(response("SIP/2.0 200"), m));
  CHECK(m.reason().empty());
  CHECK(parse(response("SIP/2.0 099 Low")).ec == sip::errc::bad_status_code);
  CHECK(parse(response("SIP/2.0 700 High")).ec == sip::errc::bad_status_code);
  CHECK(parse(response("SIP/2.0 2000 OK")).ec == sip::errc::bad_status_code);
  CHECK(parse(response("SIP/2.0 20 OK")).ec == sip::errc::bad_status_code);
  CHECK(parse(response("SIP/2.1 200 OK")).ec == sip::errc::bad_version);
}

TEST_CASE("datagram parser: header lines") {
  SUBCASE("LF-only line ends are accepted") {
    std::string bytes = request("OPTIONS sip:bob@example.com SIP/2.0");
    std::string lf;
    for (char c : bytes)
      if (c != '\r') lf.push_back(c);
    sip::message m;
    REQUIRE(!sip::parse_datagram(lf, m));
    CHECK(m.call_id() == "3848276298220188511@example.com");
  }
  SUBCASE("a folded value reads as one line") {
    sip::message m;
    REQUIRE(!sip::parse_datagram(request("OPTIONS sip:bob@example.com SIP/2.0",
                                         "Subject: first\r\n\tsecond\r\n   third\r\n"),
                                 m));
    CHECK(m.find(sip::header_id::subject) == "first   second     third");
  }
  SUBCASE("malformed lines") {
    auto const with = [](std::string const& extra) {
      return parse(request("OPTIONS sip:bob@example.com SIP/2.0", extra));
    };
    CHECK(with("NoColonHere\r\n").ec == sip::errc::bad_header_line);
    CHECK(with(": value\r\n").ec == sip::errc::bad_header_line);
    CHECK(with("Bad Name: value\r\n").ec == sip::errc::bad_header_name);
    CHECK(with("Bad<Name>: value\r\n").ec == sip::errc::bad_header_name);
    CHECK(with("CSeq: 2 OPTIONS\r\n").ec == sip::errc::duplicate_header);
    CHECK(with("l: 5\r\nContent-Length: 5\r\n").ec == sip::errc::duplicate_header);
    CHECK(with("Content-Length: 5\r\n").ec == sip::errc::body_truncated);
    CHECK(with("Content-Length: five\r\n").ec == sip::errc::bad_content_length);
    CHECK(with("Via: SIP/2.0/UDP\r\n").header == sip::header_id::via);
    CHECK(with("Via: SIP/2.0/UDP h;received=not-an-ip\r\n").header == sip::header_id::via);
    CHECK(with("Via: SIP/2.0/UDP h;rport=70000\r\n").header == sip::header_id::via);
    CHECK(!with("Via: SIP/2.0/UDP [2001:db8::1]:5060;received=2001:db8::2;rport=1\r\n"));
    CHECK(!with("X-Empty:\r\n"));
    CHECK(!with("Subject: \xce\xb1\xce\xb2\r\n"));
  }
  SUBCASE("a continuation line with nothing before it") {
    CHECK(parse("OPTIONS sip:bob@example.com SIP/2.0\r\n folded\r\n" + core_headers + "\r\n").ec ==
          sip::errc::bad_header_line);
  }
  SUBCASE("each mandatory header is required") {
    for (char const* name : {"Via:", "From:", "To:", "Call-ID:", "CSeq:"}) {
      std::string bytes = request("OPTIONS sip:bob@example.com SIP/2.0");
      std::size_t const start = bytes.find(name);
      bytes.erase(start, bytes.find("\r\n", start) + 2 - start);
      INFO(name);
      CHECK(parse(bytes).ec == sip::errc::missing_header);
    }
  }
  SUBCASE("Max-Forwards over 255 and CSeq at 2**31 are out of range") {
    std::string bytes = request("OPTIONS sip:bob@example.com SIP/2.0");
    std::string const mf = bytes;
    CHECK(parse(std::string(mf).replace(mf.find("70"), 2, "256")).header ==
          sip::header_id::max_forwards);
    CHECK(parse(std::string(mf).replace(mf.find("1 OPTIONS"), 1, "2147483648")).header ==
          sip::header_id::cseq);
    CHECK(!parse(std::string(mf).replace(mf.find("1 OPTIONS"), 1, "2147483647")));
  }
}

TEST_CASE("datagram parser: limits") {
  sip::message m;
  std::string big = request("MESSAGE sip:bob@example.com SIP/2.0", "", std::string(70000, 'x'));
  CHECK(sip::parse_datagram(big, m).ec == sip::errc::message_too_large);
  CHECK(sip::parse_datagram(big, m).status() == 513);

  std::string many;
  for (int i = 0; i < 300; ++i) many += "X-H: " + std::to_string(i) + "\r\n";
  CHECK(parse(request("OPTIONS sip:bob@example.com SIP/2.0", many)).ec ==
        sip::errc::too_many_headers);

  // Found by fuzzing: at the limit without a Content-Length, the written form (which adds one)
  // must still parse.
  std::string at_limit;
  for (int i = 0; i < 250; ++i) at_limit += "X-H: " + std::to_string(i) + "\r\n";
  auto const no_length =
      "OPTIONS sip:bob@example.com SIP/2.0\r\n" + core_headers + at_limit + "\r\n";
  REQUIRE(!sip::parse_datagram(no_length, m));
  CHECK(m.header_count() == 256);
  sip::message back;
  CHECK(!sip::parse_datagram(m.to_string(), back));
  CHECK(back.header_count() == 257);

  sip::parse_limits tight;
  tight.max_line = 100;
  CHECK(sip::parse_datagram(request("OPTIONS sip:bob@example.com SIP/2.0",
                                    "Subject: " + std::string(200, 's') + "\r\n"),
                            m, tight)
            .ec == sip::errc::line_too_long);
}

TEST_CASE("datagram parser: every truncation of every test message is safe") {
  // Run under ASan/UBSan by ./dev test: no prefix may crash, read out of bounds or hang.
  std::size_t accepted = 0, total = 0;
  for (auto const& c : test::torture_cases()) {
    for (std::size_t n = 0; n <= c.bytes.size(); ++n) {
      sip::message m;
      auto const err = sip::parse_datagram(std::string_view(c.bytes).substr(0, n), m);
      if (!err) {
        ++accepted;
        sip::message again;
        CHECK(!sip::parse_datagram(m.to_string(), again));
      }
      ++total;
    }
  }
  MESSAGE(total, " truncations parsed, ", accepted, " of them well-formed");
  CHECK(accepted > 0);
}
