#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sip/parser.hpp"
#include "sip/peer.hpp"

namespace gatehouse::sip::io {

/// One local listening socket.
struct listener_spec {
  transport_proto proto = transport_proto::udp;
  std::string address;     ///< IPv4 or IPv6 literal
  std::uint16_t port = 0;  ///< 0 picks a free port (tests)
  /// TLS server side; with no certificate a self-signed one is made at startup.
  std::string certificate{}, private_key{}, ca_file{};
  bool verify_client = false;
};

/// Transport-wide settings.
struct transport_options {
  std::vector<listener_spec> listeners;
  std::chrono::seconds idle_timeout{300};  ///< a stream connection with no traffic is closed
  std::size_t max_connections = 4096;      ///< accepted and opened stream connections together
  parse_limits limits;
  std::string client_ca_file;   ///< TLS client side: CAs to verify servers; empty = system store
  bool verify_peer = true;      ///< TLS client side: verify the server certificate
  bool verify_hostname = true;  ///< TLS client side: and its name against the target host (SNI too)
};

/// What the transports hand up, on the io_context's thread.
class transport_handler {
 public:
  virtual ~transport_handler() = default;
  /// A UDP datagram.
  virtual void on_datagram(std::string_view bytes, peer const& from) = 0;
  /// A complete message framed from a stream.
  virtual void on_stream_message(message& msg, peer const& from) = 0;
  /// A stream could not be framed: returns what to send before the connection is closed (the
  /// wire form of a stateless 400, or empty).
  virtual std::string on_stream_error(parse_error const& error, message const& partial,
                                      peer const& from) = 0;
  /// Bytes for `to` could not be delivered (connect, TLS or write failure, unreachable).
  virtual void on_send_failed(peer const& to, std::error_code ec) = 0;
};

/// A bound listener, as it ended up (the port is known when 0 was asked for).
struct bound_listener {
  transport_proto proto;
  std::string address;
  std::uint16_t port;
};

/// Owns every SIP socket: UDP listeners, TCP/TLS acceptors and connections both ways. Sends go
/// to a peer: UDP from the listener the peer names (or the first of the right family), streams
/// on the connection the peer names while it is open, else on an existing connection to the
/// same address and port (RFC 3261 §18 reuse), else on a new one.
class transport_set {
 public:
  /// Binds every listener. Throws std::system_error (startup only) naming the listener.
  transport_set(asio::io_context& io, transport_options options, transport_handler& handler);
  ~transport_set();
  transport_set(transport_set const&) = delete;
  transport_set& operator=(transport_set const&) = delete;

  /// Queues `bytes` for `to`. Failures come back through on_send_failed().
  void send(peer const& to, std::string bytes);
  /// Stops accepting and closes every socket.
  void close();
  /// The listeners as bound.
  std::vector<bound_listener> const& listeners() const noexcept { return bound_; }
  /// Open stream connections.
  std::size_t connection_count() const noexcept { return connections_.size(); }

  class connection;  ///< one TCP or TLS connection (defined in transport.cpp)

 private:
  struct udp_listener;
  struct stream_listener;

  void start_udp(std::size_t index);
  void start_accept(std::size_t index);
  void adopt(std::shared_ptr<connection> c);
  void forget(std::uint64_t id);
  std::shared_ptr<connection> find_connection(peer const& to);
  std::shared_ptr<connection> open_connection(peer const& to);

  asio::io_context& io_;
  transport_options options_;
  transport_handler& handler_;
  std::vector<bound_listener> bound_;
  std::vector<std::unique_ptr<udp_listener>> udp_;
  std::vector<std::unique_ptr<stream_listener>> streams_;
  std::unique_ptr<asio::ssl::context> client_tls_;
  std::unordered_map<std::uint64_t, std::shared_ptr<connection>> connections_;
  std::unordered_map<std::string, std::uint64_t> by_remote_;  // "proto|ip|port" -> id
  std::uint64_t next_connection_ = 1;
  bool closed_ = false;

  friend class connection;
};

}  // namespace gatehouse::sip::io
