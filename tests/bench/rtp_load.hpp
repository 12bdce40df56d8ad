#pragma once
// The relay benchmark's load: many RTP streams, both directions, 50 packets/s each way, sent from
// a handful of sockets per side with sendmmsg and received with recvmmsg by one thread that wakes
// each 1 ms (nothing blocks on the sockets, so the relay's sends wake nobody up): one core offers
// about as much as a relay core forwards. Stream i's side A sends from A-socket i mod K to the
// relay's A port of that stream, and the relay latches to that source; side B likewise. Every
// packet carries its send time (CLOCK_MONOTONIC ns) in its first 8 payload bytes, then the run's
// number, and its stream and direction in its SSRC; the receiver, on the far side of the relay,
// subtracts it from the kernel's arrival time (SO_TIMESTAMPNS).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "media/ip_address.hpp"
#include "media/srtp.hpp"

namespace gatehouse::bench {

/// One relayed stream as the load sees it.
struct load_stream {
  media::socket_address relay_a;             ///< the relay's port for side A: A's packets go there
  media::socket_address relay_b;             ///< the relay's port for side B
  std::optional<media::srtp_key> a_send;     ///< SRTP on side A: what A protects with
  std::optional<media::srtp_key> a_receive;  ///< SRTP on side A: what the relay protects with
};

/// Where the load sends from and what its packets look like.
struct load_options {
  media::ip_address a_ip;  ///< side A's sockets bind here
  media::ip_address b_ip;  ///< side B's sockets bind here
  std::size_t sockets_per_side = 8;
  std::size_t payload = 172;    ///< G.711, 20 ms
  int packets_per_second = 50;  ///< per stream and direction
};

/// What one run saw. "Late half": the second half of the sending time, when overload that
/// socket buffers absorbed at first has shown.
struct load_result {
  double seconds = 0;               ///< sending time
  std::uint64_t asked = 0;          ///< packets the schedule called for
  std::uint64_t sent = 0;           ///< packets handed to the kernel, both directions
  std::uint64_t send_errors = 0;    ///< packets sendmmsg refused
  std::uint64_t received = 0;       ///< valid packets back, until the drain ended
  std::uint64_t sent_late = 0;      ///< sent in the late half
  std::uint64_t received_late = 0;  ///< received in the late half
  double late_seconds = 0;
  std::uint64_t load_drops = 0;     ///< lost in the load's own receive buffers (its fault)
  std::uint64_t undecryptable = 0;  ///< SRTP that failed to unprotect
  std::uint64_t unknown = 0;        ///< not one of ours (short, foreign SSRC, wrong side)
  std::size_t silent = 0;           ///< stream directions that delivered nothing in the late half
  std::vector<std::uint32_t> latency_ns;  ///< per packet received in the late half, in order
  double max_lag_ms = 0;                  ///< how far behind its schedule the sender ever was

  /// Packets lost, as a fraction of those sent.
  double loss() const noexcept;
  /// Packets/s received in the late half.
  double delivered_rate() const noexcept;
  /// Packets/s sent in the late half.
  double sent_rate() const noexcept;
  /// The latency below which `fraction` of the late half's packets were, in microseconds.
  double latency_us(double fraction) const;
  /// Median latency of the late half's last quarter minus that of its first quarter, in ms
  /// (samples are in arrival order): a relay that does not keep up queues ever more.
  double latency_growth_ms() const;
};

/// The load generator: its sockets stay open across runs, so a relay can be given their
/// addresses (the SDP addresses of each stream's sides) before a run.
class rtp_load {
 public:
  /// Opens and binds the sockets (on ports the kernel picks). Throws std::runtime_error.
  explicit rtp_load(load_options const& options);
  ~rtp_load();
  rtp_load(rtp_load const&) = delete;
  rtp_load& operator=(rtp_load const&) = delete;

  /// Where stream `i`'s side A sends from.
  media::socket_address a_address(std::size_t i) const { return a_addr_[i % a_addr_.size()]; }
  /// Where stream `i`'s side B sends from.
  media::socket_address b_address(std::size_t i) const { return b_addr_[i % b_addr_.size()]; }

  /// Sends both directions of every stream at packets_per_second for `duration` on the calling
  /// thread, then keeps receiving for `drain`. `mark(true)` is called as sending starts and
  /// `mark(false)` as it stops, for measurements over exactly that time. Throws
  /// std::runtime_error on a bad SRTP key.
  load_result run(std::vector<load_stream> const& streams, std::chrono::milliseconds duration,
                  std::chrono::milliseconds drain, std::function<void(bool)> const& mark = {});

 private:
  load_options options_;
  std::vector<int> a_fd_, b_fd_;
  std::vector<media::socket_address> a_addr_, b_addr_;
  std::uint32_t runs_ = 0;  // stamped in each packet after the send time
};

}  // namespace gatehouse::bench
