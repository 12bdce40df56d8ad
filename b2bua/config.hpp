#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "b2bua/log.hpp"

namespace gatehouse::b2bua {

/// The transport a SIP listener speaks.
enum class transport : std::uint8_t { udp, tcp, tls };

/// Where a listener sends responses to requests it received.
enum class response_routing : std::uint8_t {
  symmetric,  ///< to the request's source address and port, as if it carried rport (RFC 3581)
  rfc3261,    ///< to the top Via's sent-by port (RFC 3261 §18.2.2)
};

/// The transport's name as written in the configuration and in Via: "udp", "tcp", "tls".
std::string_view to_string(transport t) noexcept;

/// The routing's name as written in the configuration: "symmetric" or "rfc3261".
std::string_view to_string(response_routing r) noexcept;

/// Writes to_string(t), so that a transport can be passed to log::info and friends.
std::ostream& operator<<(std::ostream& os, transport t);

/// One SIP listening socket.
struct listener_config {
  transport proto = transport::udp;  ///< required
  std::string address{};             ///< IPv4 or IPv6 literal, no brackets; required
  std::uint16_t port = 5060;         ///< default 5060, 5061 for tls
  std::string advertised_address{};  ///< host or IP for Via/Contact; empty: `address`
  response_routing routing = response_routing::symmetric;  ///< where responses go
  std::string certificate{};  ///< tls only: PEM file; empty (loopback only): self-signed at startup
  std::string private_key{};  ///< tls only: PEM file, given with certificate
  std::string ca_file{};      ///< tls only: CAs that sign client certificates; empty: none
  bool verify_client{};       ///< tls only: require and verify a client certificate

  friend bool operator==(listener_config const&, listener_config const&) = default;
};

/// One named media interface: where the relay binds its ports for a side of a call.
struct media_interface_config {
  std::string name{};                ///< required; letters, digits, '-', '_'
  std::string address{};             ///< IPv4 or IPv6 literal to bind; required
  std::string advertised_address{};  ///< the public address behind a 1:1 NAT; empty: `address`
  std::uint16_t port_min = 30000;    ///< first port (even)
  std::uint16_t port_max = 39999;    ///< last port
  friend bool operator==(media_interface_config const&, media_interface_config const&) = default;
};

/// The validated configuration. A default-constructed one equals the embedded default.
struct config {
  log_level level = log_level::info;  ///< log.level
  std::vector<listener_config> listeners = {
      {.proto = transport::udp, .address = "127.0.0.1"},
      {.proto = transport::tcp, .address = "127.0.0.1"},
      {.proto = transport::tls, .address = "127.0.0.1", .port = 5061},
  };                                           ///< sip.listeners, never empty
  std::chrono::milliseconds t1{500};           ///< sip.timers.t1_ms (RFC 3261 T1)
  std::chrono::milliseconds t2{4000};          ///< sip.timers.t2_ms, at least t1
  std::chrono::milliseconds t4{5000};          ///< sip.timers.t4_ms
  std::chrono::seconds tcp_idle_timeout{300};  ///< sip.tcp.idle_timeout_s
  std::size_t tcp_max_connections = 4096;      ///< sip.tcp.max_connections
  std::string tls_ca_file;                     ///< sip.tls_client.ca_file; empty: the system's CAs
  bool tls_verify_peer = true;                 ///< sip.tls_client.verify_peer
  bool tls_verify_hostname = true;             ///< sip.tls_client.verify_hostname
  std::size_t max_message_size = 65535;        ///< sip.max_message_size, 1024..65535
  std::string user_agent = "gatehouse";        ///< sip.user_agent; empty: no User-Agent/Server
  std::vector<media_interface_config> media_interfaces = {
      {.name = "default", .address = "127.0.0.1"},
  };                                                 ///< media.interfaces, never empty
  std::chrono::milliseconds media_quarantine{2000};  ///< media.quarantine_ms: rest of a freed port
  std::chrono::seconds media_timeout{60};            ///< media.timeout_s: silence that ends a call
  std::chrono::seconds media_hold_timeout{3600};     ///< media.hold_timeout_s: the same, on hold
  std::chrono::milliseconds media_relearn{3000};     ///< media.relearn_ms: re-latch window
  unsigned media_workers = 0;                        ///< media.workers: threads; 0 = one per core

  friend bool operator==(config const&, config const&) = default;
};

/// A configuration that cannot be used. what() is one line: "<field path>: <problem>", prefixed
/// with the file name when the configuration came from a file.
class config_error : public std::runtime_error {
 public:
  /// `field` is a path such as "sip.listeners[1].port", empty for the document as a whole;
  /// `source` is the file name, empty for text that did not come from a file.
  config_error(std::string field, std::string problem, std::string source = {});

  /// The field path, e.g. "sip.timers.t1_ms"; empty for syntax errors and unreadable files.
  std::string const& field() const noexcept { return field_; }

  /// What is wrong, e.g. "unknown field" or "line 3 column 7: unexpected '}'".
  std::string const& problem() const noexcept { return problem_; }

  /// The file the configuration came from, or empty.
  std::string const& source() const noexcept { return source_; }

 private:
  std::string field_;
  std::string problem_;
  std::string source_;
};

/// The embedded default configuration (JSON), which every user configuration patches.
std::string_view default_config_json() noexcept;

/// Applies `user_json` to the default as an RFC 7386 JSON Merge Patch and validates the result.
/// Empty `user_json` means the default alone. Relative file paths in `user_json` are taken
/// relative to `base_dir` (the current directory when empty). Comments are allowed.
/// Throws config_error for malformed JSON ("line L column C: ..."), unknown fields, wrong types,
/// out-of-range values, duplicate listeners and unreadable TLS files.
config load_config(std::string_view user_json = {}, std::string_view base_dir = {});

/// Reads `path` and calls load_config with the file's directory as `base_dir`. Every error
/// starts with "<path>: "; "<path>: cannot read: <reason>" when the file cannot be read.
config load_config_file(std::string const& path);

/// The effective configuration as pretty-printed JSON that load_config accepts back.
std::string to_json(config const& c);

}  // namespace gatehouse::b2bua
