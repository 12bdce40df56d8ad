#pragma once
// Integration-test plumbing: run the real gatehouse binary, talk to it over real UDP, TCP and
// TLS sockets on loopback, make a throwaway certificate. Tests only: sockets are fine here.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sip/message.hpp"

namespace gatehouse::test {

/// A private loopback address for this test run (127.0.x.y), so parallel runs don't collide.
std::string loopback_address();

/// A directory that is removed when the object goes away.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  std::string const& path() const noexcept { return path_; }
  /// Writes `text` to path()/name and returns the full path.
  std::string write(std::string const& name, std::string const& text) const;

 private:
  std::string path_;
};

/// A running child process with its stderr captured to a file.
class process {
 public:
  process(std::string const& binary, std::vector<std::string> const& args,
          std::string const& log_path);
  ~process();
  process(process const&) = delete;
  process& operator=(process const&) = delete;

  /// Sends a signal.
  void signal(int sig) const;
  /// Waits for the exit status; nullopt when still running after `limit` (then it is killed).
  std::optional<int> wait(std::chrono::milliseconds limit);
  bool running();
  int pid() const noexcept { return pid_; }

 private:
  int pid_ = -1;
  std::optional<int> status_;
};

/// Runs a command to completion; returns its exit status and what it printed on stdout+stderr.
int run_command(std::vector<std::string> const& args, std::string& output,
                std::chrono::seconds limit = std::chrono::seconds(60));

/// A UDP socket bound to an ephemeral port on `local_ip`.
class udp_client {
 public:
  explicit udp_client(std::string const& local_ip);
  ~udp_client();
  void send(std::string const& ip, std::uint16_t port, std::string const& bytes) const;
  /// The next datagram, or nullopt after `limit`.
  std::optional<std::string> receive(std::chrono::milliseconds limit) const;
  std::uint16_t port() const noexcept { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

/// A TCP (optionally TLS) connection that reads whole SIP messages with the stream parser.
class stream_client {
 public:
  /// Connects to ip:port; with `tls`, performs a TLS handshake trusting `ca_file`.
  stream_client(std::string const& ip, std::uint16_t port, bool tls = false,
                std::string const& ca_file = {}, std::string const& server_name = {});
  ~stream_client();
  stream_client(stream_client const&) = delete;
  stream_client& operator=(stream_client const&) = delete;

  bool connected() const noexcept { return fd_ >= 0 && (!tls_ || ssl_); }
  void send(std::string const& bytes);
  /// The next whole message, or nullopt on timeout or when the peer closed.
  std::optional<sip::message> receive(std::chrono::milliseconds limit);
  /// The next message's bytes, framed by its Content-Length but not validated (a 400 may echo
  /// the broken headers of the request it answers), or nullopt.
  std::optional<std::string> receive_raw(std::chrono::milliseconds limit);
  /// Whatever bytes arrive next (at least one), or nullopt.
  std::optional<std::string> receive_bytes(std::chrono::milliseconds limit);
  /// True when the peer closed the connection within `limit`.
  bool closed_by_peer(std::chrono::milliseconds limit);
  /// The TLS protocol version negotiated ("TLSv1.3"), empty for plain TCP.
  std::string tls_version() const;

 private:
  int fd_ = -1;
  bool tls_ = false;
  void* ctx_ = nullptr;  // SSL_CTX*
  void* ssl_ = nullptr;  // SSL*
  std::string pending_;

  // Reads what arrives before `until` into pending_; false on timeout or close.
  bool read_more(std::chrono::steady_clock::time_point until);
};

/// The status code of a response's wire bytes ("SIP/2.0 400 ..." gives 400), or 0.
int status_of(std::string_view bytes);

/// Writes a self-signed certificate for `ip` (as subjectAltName IP and CN) and its key:
/// dir/cert.pem, dir/key.pem.
void make_certificate(std::string const& dir, std::string const& ip);

/// An OPTIONS request to sip:ip:port with a unique branch and Call-ID.
std::string options_request(std::string const& ip, std::uint16_t port, std::string const& transport,
                            std::string const& from_ip, std::uint16_t from_port,
                            std::string const& id);

}  // namespace gatehouse::test
