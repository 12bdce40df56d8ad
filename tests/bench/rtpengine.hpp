#pragma once
// rtpengine (Debian's rtpengine-daemon) as the relay benchmark's reference: a daemon started
// in userspace-only mode for one measurement, and a client for its ng control protocol
// (bencode dictionaries over UDP, each prefixed by a cookie the reply echoes).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "media/ip_address.hpp"

namespace gatehouse::bench {

/// How to start rtpengine.
struct rtpengine_options {
  std::string interface_ip;  ///< --interface: where its media ports bind
  media::socket_address ng;  ///< --listen-ng
  std::uint16_t port_min = 0, port_max = 0;
  int cpu = -1;          ///< pin the whole process to this CPU (-1: do not pin)
  std::string log_path;  ///< its stderr goes here
};

/// A running rtpengine: forwarding in userspace (--table=-1: no kernel module), one worker
/// thread (--num-threads=1), in the foreground as a child of this process. It is killed when
/// this process dies (PR_SET_PDEATHSIG) or gets SIGINT/SIGTERM/SIGHUP, and stopped by the
/// destructor.
class rtpengine_daemon {
 public:
  /// Starts it and waits until it answers an ng ping. Throws std::runtime_error, with the end
  /// of its log, when it is not installed, exits or does not answer.
  explicit rtpengine_daemon(rtpengine_options const& options);
  /// SIGTERM, then SIGKILL if it has not exited within 5 s.
  ~rtpengine_daemon();
  rtpengine_daemon(rtpengine_daemon const&) = delete;
  rtpengine_daemon& operator=(rtpengine_daemon const&) = delete;

  pid_t pid() const noexcept { return pid_; }
  /// CPU seconds (user and system, all threads) it has used so far.
  double cpu_seconds() const;
  /// `rtpengine --version`, or "" when it cannot be run.
  static std::string version();
  /// True when the rtpengine binary is on PATH (or in /usr/sbin, /usr/bin).
  static bool is_installed();

 private:
  void stop() noexcept;

  rtpengine_options options_;
  pid_t pid_ = -1;
};

/// A bencode value the ng commands need: a string or a list of strings.
using ng_value = std::variant<std::string, std::vector<std::string>>;
/// An ng command or reply dictionary (keys sorted, as bencode wants).
using ng_dict = std::map<std::string, ng_value>;

/// A client for rtpengine's ng protocol over UDP.
class ng_client {
 public:
  /// A socket on an ephemeral port of `local_ip`, talking to `server`. Throws std::runtime_error.
  ng_client(media::ip_address const& local_ip, media::socket_address const& server);
  ~ng_client();
  ng_client(ng_client const&) = delete;
  ng_client& operator=(ng_client const&) = delete;

  /// Sends `command` and returns the reply's string (and integer) values; nested lists and
  /// dictionaries are skipped. Retries with the same cookie (rtpengine caches replies by
  /// cookie), then throws std::runtime_error after `timeout` per try and 3 tries.
  std::map<std::string, std::string> request(
      ng_dict const& command, std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

 private:
  int fd_ = -1;
};

/// The bencode form of `d` (exposed for tests and logs).
std::string bencode(ng_dict const& d);

}  // namespace gatehouse::bench
