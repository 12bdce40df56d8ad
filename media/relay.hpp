#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <system_error>

#include "media/ip_address.hpp"
#include "media/latch.hpp"
#include "media/srtp.hpp"

namespace gatehouse::media {

/// Why the relay dropped a packet; each reason has its own counter.
enum class drop_reason : std::uint8_t {
  not_rtp,         ///< not RTP/RTCP version 2
  srtp_auth,       ///< SRTP/SRTCP authentication failed (or the packet was malformed for SRTP)
  srtp_replay,     ///< SRTP replayed or too old
  wrong_source,    ///< valid, but not from the latched source (strict source)
  no_destination,  ///< nowhere to send it yet (the other side's SDP gave no address)
  crypto_error,    ///< re-protecting for the other side failed
  count_
};

/// What one side of a stream sent, as the relay saw it.
struct leg_stats {
  std::uint64_t packets = 0;  ///< relayed packets received from this side
  std::uint64_t bytes = 0;    ///< their bytes, as received
  std::array<std::uint64_t, std::size_t(drop_reason::count_)> dropped{};
  std::optional<std::chrono::steady_clock::time_point> last_packet;  ///< last relayed packet
  // From the latest RTCP report block this side sent about the stream it receives (RFC 3550
  // §6.4): what it says about the media gatehouse sends it.
  std::uint8_t fraction_lost = 0;
  std::int32_t cumulative_lost = 0;
  std::uint32_t jitter = 0;
  bool has_report = false;
};

/// One side of a relayed stream: where it sends from, how its media is secured, what it sent.
struct relay_leg {
  latch_state rtp;   ///< latching of the RTP port (RTP and RTCP with rtcp-mux)
  latch_state rtcp;  ///< latching of the RTCP port (without rtcp-mux)
  bool rtcp_mux = false;
  srtp_context from_leg;  ///< unprotects what this side sends (inbound), when it uses SRTP
  srtp_context to_leg;    ///< protects what the relay sends this side (outbound), when SRTP
  std::string keys_id;    ///< what the contexts were made from (set by the caller; not per packet)
  leg_stats stats;
};

/// What to do with a packet once processed: send `length` bytes of the (transformed in place)
/// buffer to `to`, from `out_leg`'s RTP or RTCP port; or drop it.
struct relay_action {
  bool send = false;
  std::uint8_t out_leg = 0;
  bool from_rtcp_port = false;
  socket_address to;
  std::size_t length = 0;
  drop_reason reason = drop_reason::not_rtp;  ///< when !send
};

/// One media stream between side 0 (A) and side 1 (B): the per-packet pipeline of the relay
/// (after rtpengine's stages: parse, decrypt, check source, encrypt, send), as a pure function
/// over a caller's buffer. No allocation, no lock, no system call.
class relay_stream {
 public:
  /// Processes a packet that arrived on `leg`'s RTP port (or RTCP port with `on_rtcp_port`).
  /// The buffer must have `srtp_max_trailer` bytes of room past `length`.
  relay_action on_packet(std::uint8_t leg, bool on_rtcp_port, std::uint8_t* packet,
                         std::size_t length, std::size_t capacity, socket_address const& source,
                         std::chrono::steady_clock::time_point now) noexcept;

  /// The side's SDP named these addresses (nullopt: none, e.g. on hold); a change opens the
  /// re-learning window.
  void set_remote(std::uint8_t leg, std::optional<socket_address> rtp,
                  std::optional<socket_address> rtcp, bool rtcp_mux,
                  std::chrono::steady_clock::time_point now, std::chrono::milliseconds relearn);
  /// SDES keys: what the side sends with (`from_leg`) and what the relay sends it with (`to_leg`);
  /// nullopt for plain RTP. Errors: those of srtp_context::make.
  std::error_code set_keys(std::uint8_t leg, std::optional<srtp_key> const& from_leg,
                           std::optional<srtp_key> const& to_leg);

  relay_leg const& leg(std::uint8_t i) const noexcept { return legs_[i & 1]; }
  /// Records what the leg's keys were made from, so a caller can skip re-keying when nothing
  /// changed (re-keying restarts SRTP's rollover counting).
  void set_keys_id(std::uint8_t leg, std::string id) { legs_[leg & 1].keys_id = std::move(id); }
  /// When either side last sent a relayed packet (for the media timeout).
  std::optional<std::chrono::steady_clock::time_point> last_activity() const noexcept;

 private:
  relay_action drop(relay_leg& from, drop_reason why) noexcept;
  std::array<relay_leg, 2> legs_;
};

}  // namespace gatehouse::media
