#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "media/ip_address.hpp"

namespace gatehouse::media {

/// What the relay does with one packet arriving on a side's port.
enum class latch_verdict : std::uint8_t {
  forward,            ///< from the latched source: relay it
  forward_and_latch,  ///< first valid packet (or one inside the re-learning window): latch, relay
  drop_invalid,       ///< not RTP/RTCP version 2, or failed SRTP authentication: never latches
  drop_wrong_source,  ///< valid, but not from the latched source and outside the window
};

/// Where one side of a stream sends from, as the relay knows it (symmetric RTP, RFC 4961).
struct latch_state {
  std::optional<socket_address> expected;  ///< from the side's SDP; nullopt on hold / unknown
  std::optional<socket_address> latched;   ///< where its valid packets really come from
  std::optional<std::chrono::steady_clock::time_point> relearn_until;  ///< after an SDP change
};

/// The facts about one packet the verdict depends on.
struct packet_facts {
  socket_address source;
  /// Parsed as RTP/RTCP version 2 and, on an SRTP side, authenticated. Only valid packets may
  /// latch: that is what keeps a stranger from hijacking the stream (RTP Bleed, RTP Inject).
  bool valid = false;
};

/// The rule, as a pure function:
/// - an invalid packet is dropped;
/// - before latching, a valid packet from anywhere latches (a side behind NAT sends from an
///   address that is not in its SDP);
/// - after latching, only the latched source is relayed, except inside the re-learning window
///   after the side's SDP changed, when a valid packet from a new source latches again.
latch_verdict decide(latch_state const& state, packet_facts const& packet,
                     std::chrono::steady_clock::time_point now) noexcept;

/// Applies a verdict to the state (latches on forward_and_latch).
void apply(latch_state& state, latch_verdict verdict, packet_facts const& packet) noexcept;

/// The side's SDP gave a new address (re-INVITE, UPDATE): keep sending to the latched source,
/// but let a valid packet from elsewhere re-latch until `now + window`. The side's first
/// address opens no window.
void on_sdp_address(latch_state& state, std::optional<socket_address> expected,
                    std::chrono::steady_clock::time_point now,
                    std::chrono::milliseconds window) noexcept;

/// Where to send packets for this side: the latched source, else the SDP address, else nowhere.
std::optional<socket_address> destination(latch_state const& state) noexcept;

}  // namespace gatehouse::media
