#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <system_error>
#include <vector>

namespace gatehouse::media {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

/// The ports of one media interface (RFC 3550 §11: RTP on an even port, RTCP on the next odd
/// one; with rtcp-mux, RFC 5761, one port of either parity). Released ports rest in quarantine
/// before reuse, so that late packets of an ended call never reach the next call on that port.
/// Running out is an answer (nullopt), never a crash: the call layer turns it into a 503.
class port_pool {
 public:
  /// Ports [first, last]; `first` is rounded up to even. `quarantine` may be zero.
  port_pool(std::uint16_t first, std::uint16_t last, std::chrono::milliseconds quarantine);

  /// An even port whose odd neighbour is free too, both now taken; nullopt when none is.
  std::optional<std::uint16_t> acquire_pair(time_point now);
  /// One port (rtcp-mux); prefers a port whose neighbour is already taken, to keep pairs whole.
  std::optional<std::uint16_t> acquire_single(time_point now);
  /// Gives back a pair taken with acquire_pair (by its even port) or a single port; they rest
  /// in quarantine until `now + quarantine`.
  void release_pair(std::uint16_t rtp_port, time_point now);
  void release_single(std::uint16_t port, time_point now);

  /// Ports free to take now (not taken, not resting).
  std::size_t free_ports(time_point now);
  /// Ports in the range.
  std::size_t size() const noexcept { return state_.size(); }

 private:
  enum class port_state : std::uint8_t { free, taken, resting };

  port_state& at(std::uint16_t port) { return state_[std::size_t(port - first_)]; }
  bool in_range(std::uint16_t port) const noexcept {
    return port >= first_ && std::size_t(port - first_) < state_.size();
  }
  void wake(time_point now);
  void rest(std::uint16_t port, time_point now);

  std::uint16_t first_;
  std::chrono::milliseconds quarantine_;
  std::vector<port_state> state_;
  std::deque<std::pair<time_point, std::uint16_t>> resting_;  // in release order = expiry order
  std::size_t free_ = 0;
  std::size_t cursor_ = 0;  // where the next search starts: ports are handed out round robin
};

}  // namespace gatehouse::media
