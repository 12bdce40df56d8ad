// Latching (symmetric RTP) as a table of {state, packet} -> verdict, and the re-learning window.
#include <doctest/doctest.h>

#include <string>

#include "media/latch.hpp"

using namespace gatehouse::media;
using namespace std::chrono_literals;

namespace {

socket_address at(char const* ip, std::uint16_t port) {
  return {*parse_ip(ip), port};
}

char const* name(latch_verdict v) {
  switch (v) {
    case latch_verdict::forward:
      return "forward";
    case latch_verdict::forward_and_latch:
      return "forward_and_latch";
    case latch_verdict::drop_invalid:
      return "drop_invalid";
    case latch_verdict::drop_wrong_source:
      return "drop_wrong_source";
  }
  return "?";
}

}  // namespace

TEST_CASE("latching: the verdict table") {
  auto const now = std::chrono::steady_clock::time_point{} + 100s;
  auto const sdp = at("192.168.1.20", 49170);  // what the phone wrote in its SDP
  auto const nat = at("203.0.113.7", 31337);   // where its packets really come from
  auto const stranger = at("198.51.100.66", 40000);
  latch_state const fresh{sdp, std::nullopt, std::nullopt};
  latch_state const latched{sdp, nat, std::nullopt};
  latch_state const relearning{at("203.0.113.7", 31340), nat, now + 2s};
  latch_state const relearn_over{at("203.0.113.7", 31340), nat, now - 1ms};

  struct row {
    char const* what;
    latch_state state;
    packet_facts packet;
    latch_verdict expected;
  };
  row const table[] = {
      {"first valid packet latches, even from an address not in the SDP",
       fresh,
       {nat, true},
       latch_verdict::forward_and_latch},
      {"first valid packet from the SDP address latches too",
       fresh,
       {sdp, true},
       latch_verdict::forward_and_latch},
      {"junk never latches (RTP Bleed)", fresh, {stranger, false}, latch_verdict::drop_invalid},
      {"from the latched source", latched, {nat, true}, latch_verdict::forward},
      {"junk from the latched source", latched, {nat, false}, latch_verdict::drop_invalid},
      {"a stranger after latching (RTP Inject)",
       latched,
       {stranger, true},
       latch_verdict::drop_wrong_source},
      {"the SDP address after latching elsewhere",
       latched,
       {sdp, true},
       latch_verdict::drop_wrong_source},
      {"same IP, other port, after latching",
       latched,
       {at("203.0.113.7", 31338), true},
       latch_verdict::drop_wrong_source},
      {"inside the re-learning window, a new source latches",
       relearning,
       {stranger, true},
       latch_verdict::forward_and_latch},
      {"inside the window, junk still does not",
       relearning,
       {stranger, false},
       latch_verdict::drop_invalid},
      {"inside the window, the old source still flows",
       relearning,
       {nat, true},
       latch_verdict::forward},
      {"after the window, a new source is dropped",
       relearn_over,
       {stranger, true},
       latch_verdict::drop_wrong_source},
      {"an unknown expected address (hold) still latches",
       latch_state{},
       {nat, true},
       latch_verdict::forward_and_latch},
  };
  for (auto const& r : table) {
    INFO(r.what);
    auto const v = decide(r.state, r.packet, now);
    CHECK(std::string(name(v)) == name(r.expected));
  }
}

TEST_CASE("latching: a side's first SDP address opens no re-learning window") {
  auto const now = std::chrono::steady_clock::time_point{} + 100s;
  latch_state s;
  on_sdp_address(s, at("192.168.1.20", 49170), now, 2000ms);
  CHECK(!s.relearn_until);
  packet_facts const phone{at("203.0.113.7", 31337), true};
  apply(s, decide(s, phone, now), phone);
  packet_facts const stranger{at("198.51.100.66", 1), true};
  CHECK(decide(s, stranger, now + 1ms) == latch_verdict::drop_wrong_source);
}

TEST_CASE("latching: destination follows the latch, then the SDP") {
  auto const now = std::chrono::steady_clock::time_point{} + 100s;
  latch_state s;
  CHECK(!destination(s));
  on_sdp_address(s, at("192.168.1.20", 49170), now, 2000ms);
  CHECK(destination(s) == at("192.168.1.20", 49170));  // until the first packet: the SDP address
  packet_facts const p{at("203.0.113.7", 31337), true};
  apply(s, decide(s, p, now), p);
  CHECK(destination(s) == at("203.0.113.7", 31337));  // then where it really is

  // A re-INVITE moves the phone; the old path keeps flowing until the new one shows up.
  on_sdp_address(s, at("192.168.1.20", 49180), now + 10s, 2000ms);
  CHECK(destination(s) == at("203.0.113.7", 31337));
  packet_facts const moved{at("203.0.113.7", 31400), true};
  apply(s, decide(s, moved, now + 11s), moved);
  CHECK(destination(s) == at("203.0.113.7", 31400));
  // The same SDP address again opens no window.
  on_sdp_address(s, at("192.168.1.20", 49180), now + 20s, 2000ms);
  packet_facts const stranger{at("198.51.100.66", 1), true};
  CHECK(decide(s, stranger, now + 20s) == latch_verdict::drop_wrong_source);
}
