// Lexical helpers of RFC 3261 §25.1: character classes, header names, quoted strings, params.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sip/error.hpp"
#include "sip/grammar.hpp"
#include "sip/header_id.hpp"

using namespace gatehouse;

TEST_CASE("header names: long, compact and any case") {
  CHECK(sip::lookup_header("Via") == sip::header_id::via);
  CHECK(sip::lookup_header("vIA") == sip::header_id::via);
  CHECK(sip::lookup_header("v") == sip::header_id::via);
  CHECK(sip::lookup_header("V") == sip::header_id::via);
  CHECK(sip::lookup_header("i") == sip::header_id::call_id);
  CHECK(sip::lookup_header("CALL-ID") == sip::header_id::call_id);
  CHECK(sip::lookup_header("m") == sip::header_id::contact);
  CHECK(sip::lookup_header("l") == sip::header_id::content_length);
  CHECK(sip::lookup_header("c") == sip::header_id::content_type);
  CHECK(sip::lookup_header("k") == sip::header_id::supported);
  CHECK(sip::lookup_header("x") == sip::header_id::session_expires);
  CHECK(sip::lookup_header("o") == sip::header_id::event);
  CHECK(sip::lookup_header("u") == sip::header_id::allow_events);
  CHECK(sip::lookup_header("r") == sip::header_id::refer_to);
  CHECK(sip::lookup_header("b") == sip::header_id::referred_by);
  CHECK(sip::lookup_header("p-asserted-identity") == sip::header_id::p_asserted_identity);
  CHECK(sip::lookup_header("WWW-Authenticate") == sip::header_id::www_authenticate);
  CHECK(sip::lookup_header("C%6Fntact") == sip::header_id::other);
  CHECK(sip::lookup_header("X-Custom") == sip::header_id::other);
  CHECK(sip::lookup_header("") == sip::header_id::other);
  CHECK(sip::lookup_header("q") == sip::header_id::other);
  CHECK(sip::lookup_header("9ia") == sip::header_id::other);
  for (int i = 1; i < int(sip::header_id::count_); ++i) {
    auto const id = sip::header_id(i);
    CHECK(sip::lookup_header(sip::header_name(id)) == id);
  }
}

TEST_CASE("quoted strings and unquoting") {
  sip::scanner s("\"a \\\"b\\\" c\" rest");
  std::string_view q;
  REQUIRE(!s.take_quoted(q));
  CHECK(q == "\"a \\\"b\\\" c\"");
  CHECK(sip::unquote(q) == "a \"b\" c");
  CHECK(s.rest() == " rest");
  sip::scanner open("\"never closed");
  CHECK(open.take_quoted(q));
  sip::scanner trailing_backslash("\"ends in \\");
  CHECK(trailing_backslash.take_quoted(q));
  CHECK(sip::unquote("plain") == "plain");
}

TEST_CASE("generic parameters") {
  sip::scanner s(" ; a = 1 ;b; c=\"x;y\" ;d=[2001:db8::1]");
  sip::param_list p;
  REQUIRE(!sip::scan_header_params(s, p));
  CHECK(p.get("A") == "1");
  CHECK(p.get("b") == "");
  CHECK(p.get("c") == "\"x;y\"");
  CHECK(p.get("d") == "[2001:db8::1]");
  CHECK(!p.get("e"));
  std::vector<std::string> names;
  p.for_each([&](std::string_view n, std::string_view, bool) { names.emplace_back(n); });
  CHECK(names == std::vector<std::string>{"a", "b", "c", "d"});
  for (char const* bad : {";", "; ;", ";a=", ";a=\"", "x", ";a b"}) {
    sip::scanner b(bad);
    INFO(std::string(bad));
    CHECK(sip::scan_header_params(b, p));
  }
}

TEST_CASE("numbers and errors") {
  std::uint64_t n = 0;
  CHECK(!sip::parse_uint("0068", 255, n));
  CHECK(n == 68);
  CHECK(sip::parse_uint("18446744073709551616", ~std::uint64_t(0) / 2, n) ==
        sip::errc::value_out_of_range);
  CHECK(sip::parse_uint("", 10, n) == sip::errc::bad_header_value);
  CHECK(sip::parse_uint("+1", 10, n) == sip::errc::bad_header_value);
  CHECK(sip::reply_status(sip::errc::bad_version) == 505);
  CHECK(sip::reply_status(sip::errc::message_too_large) == 513);
  CHECK(sip::reply_status(sip::errc::unsupported_uri_scheme) == 416);
  CHECK(sip::reply_status(sip::errc::bad_header_value) == 400);
  CHECK(sip::reply_status(sip::errc::need_more) == 0);
  CHECK(sip::reply_reason(sip::errc::bad_version) == "Version Not Supported");
  CHECK(std::error_code(sip::errc::missing_header).message() == "missing mandatory header");
}
