#include "media/latch.hpp"

namespace gatehouse::media {

latch_verdict decide(latch_state const& state, packet_facts const& packet,
                     std::chrono::steady_clock::time_point now) noexcept {
  if (!packet.valid) return latch_verdict::drop_invalid;
  if (!state.latched) return latch_verdict::forward_and_latch;
  if (*state.latched == packet.source) return latch_verdict::forward;
  if (state.relearn_until && now < *state.relearn_until) return latch_verdict::forward_and_latch;
  return latch_verdict::drop_wrong_source;
}

void apply(latch_state& state, latch_verdict verdict, packet_facts const& packet) noexcept {
  if (verdict == latch_verdict::forward_and_latch) state.latched = packet.source;
}

void on_sdp_address(latch_state& state, std::optional<socket_address> expected,
                    std::chrono::steady_clock::time_point now,
                    std::chrono::milliseconds window) noexcept {
  if (state.expected == expected) return;  // the same address again: nothing to re-learn
  // Only a change opens the window. The first address needs none (the first valid packet
  // latches anyway); opening one then would let anybody steal a fresh latch for its length.
  bool const change = state.expected.has_value() || state.latched.has_value();
  state.expected = expected;
  if (change) state.relearn_until = now + window;
}

std::optional<socket_address> destination(latch_state const& state) noexcept {
  if (state.latched) return state.latched;
  return state.expected;
}

}  // namespace gatehouse::media
