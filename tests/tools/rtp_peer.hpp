#pragma once
// A media test peer: sends RTP or SRTP at a fixed rate from a given address, receives what comes
// back, and reports it (count, loss, order, payload check). The relay tests and benchmark use it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "media/ip_address.hpp"
#include "media/srtp.hpp"

namespace gatehouse::test {

/// What the peer does.
struct rtp_peer_options {
  media::socket_address bind{};               ///< where it sends from (port 0: any)
  std::optional<media::socket_address> to{};  ///< where it sends (the relay); none: only listens
  bool symmetric = false;                     ///< send to where packets come from, once any did
  int packets_per_second = 50;
  std::size_t payload = 172;  ///< G.711 20 ms
  std::uint32_t ssrc = 0x1234;
  std::optional<media::srtp_key> send_key{};     ///< protect what it sends
  std::optional<media::srtp_key> receive_key{};  ///< unprotect what it receives
  /// Listen this long before sending, so that a peer started at the same time is ready.
  std::chrono::milliseconds start_delay{200};
};

/// What the peer saw.
struct rtp_peer_report {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;  ///< valid packets (decrypted when keyed)
  std::uint64_t lost = 0;      ///< gaps in the sequence numbers received
  std::uint64_t out_of_order = 0;
  std::uint64_t bad_payload = 0;    ///< payload not what the sender's pattern says
  std::uint64_t undecryptable = 0;  ///< SRTP authentication failed
  std::uint64_t foreign_ssrc = 0;   ///< from an SSRC other than the first one seen
  std::optional<media::socket_address> last_source;
};

/// Runs on the calling thread: send and receive for `duration` (then keep receiving for
/// `drain`), return what happened. Uses one UDP socket.
rtp_peer_report run_rtp_peer(rtp_peer_options const& options, std::chrono::milliseconds duration,
                             std::chrono::milliseconds drain = std::chrono::milliseconds(300));

/// The local port a peer bound with port 0 would use is not known in advance; tests that need
/// it bind explicitly. This finds a free UDP port on `ip` (then closes it).
std::uint16_t free_udp_port(media::ip_address const& ip);

}  // namespace gatehouse::test
