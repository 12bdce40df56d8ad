// The stream parser gives the same result however the bytes are cut: every test message split
// at every byte offset, and fed one byte at a time.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sip/parser.hpp"
#include "test_util.hpp"

using namespace gatehouse;

namespace {

// Feeds chunks to a fresh parser; returns what came out: each message written back, "ping" for
// a keepalive, "error: ..." (and stop) on failure, "incomplete" when bytes are left waiting.
std::vector<std::string> feed(std::vector<std::string_view> const& chunks) {
  sip::stream_parser p;
  std::vector<std::string> events;
  std::error_code ec = sip::errc::need_more;
  for (std::string_view chunk : chunks) {
    while (!chunk.empty()) {
      std::size_t const used = p.put(chunk, ec);
      REQUIRE(used <= chunk.size());
      chunk.remove_prefix(used);
      if (ec == sip::errc::need_more) {
        REQUIRE(chunk.empty());
      } else if (!ec) {
        events.push_back(p.get().to_string());
      } else if (ec == sip::errc::keepalive) {
        events.push_back("ping");
      } else {
        events.push_back("error: " + p.error().describe());
        return events;
      }
    }
  }
  if (ec == sip::errc::need_more) events.push_back("incomplete");
  return events;
}

std::vector<std::string> const& stream_inputs() {
  static std::vector<std::string> const inputs = [] {
    std::vector<std::string> v;
    for (auto const& c : test::torture_cases()) v.push_back(c.bytes);
    // Two messages back to back, a ping between them, and CRLF before the first.
    v.push_back(
        "\r\nOPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"
        "From: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n"
        "Content-Length: 4\r\n\r\nbody\r\n\r\n"
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\n"
        "To: <sip:a@b>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n");
    v.push_back(test::read_data("sip/invite.msg"));
    return v;
  }();
  return inputs;
}

}  // namespace

TEST_CASE("stream parser: the same result at every split offset") {
  std::size_t splits = 0;
  for (std::string const& bytes : stream_inputs()) {
    auto const whole = feed({bytes});
    REQUIRE(!whole.empty());
    for (std::size_t k = 0; k <= bytes.size(); ++k) {
      std::string_view const b = bytes;
      auto const split = feed({b.substr(0, k), b.substr(k)});
      INFO("split at ", k, " of ", bytes.size(), ": ", bytes.substr(0, 40));
      CHECK(split == whole);
      ++splits;
    }
  }
  MESSAGE(splits, " splits checked");
}

TEST_CASE("stream parser: one byte at a time") {
  for (std::string const& bytes : stream_inputs()) {
    std::vector<std::string_view> bytewise;
    for (std::size_t i = 0; i < bytes.size(); ++i)
      bytewise.push_back(std::string_view(bytes).substr(i, 1));
    CHECK(feed(bytewise) == feed({bytes}));
  }
}

TEST_CASE("stream parser: framing") {
  std::string const invite = test::read_data("sip/invite.msg");

  SUBCASE("a complete message leaves the bytes after it unused") {
    std::string const two = invite + invite;
    sip::stream_parser p;
    std::error_code ec;
    std::size_t const used = p.put(two, ec);
    CHECK(!ec);
    CHECK(used == invite.size());
    CHECK(p.get().method() == "INVITE");
    CHECK(p.get().body().size() == 360);
    CHECK(p.put(std::string_view(two).substr(used), ec) == invite.size());
    CHECK(!ec);
  }
  SUBCASE("the torture messages that agree with a stream parse as on a datagram") {
    for (auto const& c : test::torture_cases()) {
      sip::message dm;
      if (sip::parse_datagram(c.bytes, dm) || !dm.find(sip::header_id::content_length)) continue;
      auto const events = feed({c.bytes});
      INFO(c.file);
      REQUIRE(!events.empty());
      CHECK(events.front() == dm.to_string());
    }
  }
  SUBCASE("Content-Length is mandatory on a stream (RFC 3261 §18.3)") {
    auto const events = feed({test::read_data("rfc4475/inv2543.dat")});
    REQUIRE(events.size() == 1);
    CHECK(events[0].starts_with("error: Content-Length required"));
  }
  SUBCASE("CRLFCRLF is a keepalive ping, a lone CRLF is skipped") {
    CHECK(feed({"\r\n\r\n"}) == std::vector<std::string>{"ping"});
    CHECK(feed({"\r\n"}) == std::vector<std::string>{"incomplete"});
    CHECK(feed({"\r\n", "\r\n", "\r\n\r\n"}) == std::vector<std::string>{"ping", "ping"});
  }
  SUBCASE("a head that never ends is refused at the size limit, not buffered forever") {
    sip::stream_parser p(sip::parse_limits{.max_message_size = 1024});
    std::string const junk(600, 'a');
    std::error_code ec;
    p.put("OPTIONS sip:a@b SIP/2.0\r\nX: ", ec);
    CHECK(ec == sip::errc::need_more);
    p.put(junk, ec);
    CHECK(ec == sip::errc::need_more);
    p.put(junk, ec);
    CHECK(ec == sip::errc::message_too_large);
    CHECK(p.put("more", ec) == 0);
    CHECK(ec == sip::errc::message_too_large);
  }
  SUBCASE("a Content-Length past the size limit is refused before the body arrives") {
    sip::stream_parser p(sip::parse_limits{.max_message_size = 1024});
    std::error_code ec;
    p.put(
        "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\n"
        "To: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 5000\r\n\r\n",
        ec);
    CHECK(ec == sip::errc::bad_content_length);
  }
}
