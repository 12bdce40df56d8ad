#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "sip/error.hpp"
#include "sip/header_id.hpp"
#include "sip/message.hpp"

namespace gatehouse::sip {

/// Limits that keep a hostile peer from making the parser work or allocate without bound.
struct parse_limits {
  std::size_t max_message_size = 64 * 1024;  ///< whole message, head and body
  std::size_t max_headers = 256;             ///< header fields, not counting Content-Length
  std::size_t max_line = 16 * 1024;          ///< one physical line
};

/// Why a message was refused: the error, the header it was found in (header_id::other and an
/// empty name when it is not about one known header) and the reply the RFC names for it.
struct parse_error {
  std::error_code ec;
  header_id header = header_id::other;

  explicit operator bool() const noexcept { return bool(ec); }
  /// Status for the stateless reply to a request (400, 505, 513, 416, ...), 0 if none.
  int status() const noexcept { return reply_status(ec); }
  /// Human-readable: "malformed header value (Via)".
  std::string describe() const;
};

/// Parses one message from one datagram (UDP). Leading CRLFs are skipped and a datagram of only
/// CRLFs is errc::keepalive. Without Content-Length the body is the rest of the datagram; bytes
/// past Content-Length are ignored (RFC 3261 §18.3, RFC 4475 §3.1.1.8). On failure `out` keeps
/// what could be read (see make_error_reply()); it is not a valid message.
parse_error parse_datagram(std::string_view bytes, message& out, parse_limits const& limits = {});

/// Incremental parser for stream transports (TCP, TLS), after Beast's basic_parser: feed bytes
/// with put() until it reports a whole message; Content-Length is mandatory (RFC 3261 §18.3).
class stream_parser {
 public:
  explicit stream_parser(parse_limits limits = {}) : limits_(limits) {}

  /// Consumes bytes of the stream and returns how many it used. `ec` is:
  /// - errc::need_more: all bytes were used, the message is not complete yet;
  /// - empty: a message is complete (get() it); bytes past it were not used;
  /// - errc::keepalive: a CRLFCRLF ping (RFC 5626 §3.5.1) was consumed; answer with CRLF;
  /// - anything else: the stream is broken (error() says how); close the connection.
  std::size_t put(std::string_view bytes, std::error_code& ec);

  /// The complete message after put() reported one; the next put() starts a new message.
  message& get() noexcept { return msg_; }
  /// Details of the last failure.
  parse_error const& error() const noexcept { return error_; }
  /// Forgets any partial message.
  void reset();

 private:
  enum class state { start, head, body, done, failed };

  std::size_t fail(parse_error e, std::error_code& ec);

  parse_limits limits_;
  state state_ = state::start;
  std::string head_;             // bytes of the head received so far
  std::size_t scan_from_ = 0;    // where to resume looking for the end of the head
  std::size_t body_needed_ = 0;  // body bytes still missing
  int newlines_ = 0;             // CR/LF seen before a message: two line ends are a ping
  message msg_;
  parse_error error_;
};

}  // namespace gatehouse::sip
