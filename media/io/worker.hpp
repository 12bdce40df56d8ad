#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "media/ip_address.hpp"
#include "media/relay.hpp"
#include "media/session.hpp"

namespace gatehouse::media::io {

/// Names one relayed stream across the controller and its worker.
using stream_id = std::uint64_t;

/// The local sockets of one stream: for each side, the relay's RTP port and (without rtcp-mux)
/// RTCP port on that side's interface.
struct stream_sockets {
  struct side {
    ip_address bind;
    std::uint16_t rtp_port = 0;
    std::optional<std::uint16_t> rtcp_port;  ///< nullopt: rtcp-mux, RTCP shares the RTP port
  };
  side a, b;
};

/// The sockets a session's stream needs, on the two sides' interfaces (`a_bind`, `b_bind`).
stream_sockets sockets_for(media_stream const& stream, ip_address const& a_bind,
                           ip_address const& b_bind);

/// A stream's figures, copied out of the worker.
struct stream_report {
  leg_stats a, b;  ///< what each side sent
};

/// One packet-forwarding thread (DESIGN.md "Threads"): it owns the sockets of the streams
/// assigned to it, and everything about them is touched on this thread only. The controller
/// talks to it by posting commands, never under a lock; answers and events come back through
/// callbacks the controller supplies (run on this worker's thread: post them onward).
class worker {
 public:
  /// Called on the worker thread when a stream has carried nothing for the timeout.
  using timeout_handler = std::function<void(stream_id)>;

  /// Starts the thread. `media_timeout` is checked every `scan` interval.
  worker(timeout_handler on_timeout, std::chrono::milliseconds media_timeout,
         std::chrono::milliseconds scan = std::chrono::milliseconds(500));
  ~worker();
  worker(worker const&) = delete;
  worker& operator=(worker const&) = delete;

  /// Opens the stream's sockets and starts relaying; `done(ec)` reports binding errors.
  void add_stream(stream_id id, stream_sockets sockets, std::function<void(std::error_code)> done);
  /// Runs `change` on the stream's relay state (new remote addresses, keys, mux) on the worker.
  void update_stream(
      stream_id id,
      std::function<void(relay_stream&, std::chrono::steady_clock::time_point)> change);
  /// Closes the stream's sockets; `done(report)` gets its final figures (nullopt if unknown).
  void remove_stream(stream_id id, std::function<void(std::optional<stream_report>)> done);
  /// The stream's figures so far.
  void report(stream_id id, std::function<void(std::optional<stream_report>)> done);
  /// Sets the media timeout (e.g. longer while a call is on hold) for one stream.
  void set_timeout(stream_id id, std::chrono::milliseconds timeout);

  /// Streams open on this worker (read on the worker thread; for tests through report()).
  asio::io_context& context() noexcept { return io_; }

 private:
  struct stream;
  struct port;

  void scan_timeouts();
  void on_readable(std::shared_ptr<port> const& p);
  void arm(std::shared_ptr<port> const& p);

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  timeout_handler on_timeout_;
  std::chrono::milliseconds default_timeout_;
  std::chrono::milliseconds scan_interval_;
  asio::steady_timer scan_timer_;
  std::unordered_map<stream_id, std::unique_ptr<stream>> streams_;
  struct batch;
  std::unique_ptr<batch> batch_;  // receive/send buffers, reused for every packet
  bool stopping_ = false;         // set on the worker thread when the destructor's cleanup runs
  std::thread thread_;
};

}  // namespace gatehouse::media::io
