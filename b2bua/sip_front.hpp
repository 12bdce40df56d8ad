#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "nat/via_received.hpp"
#include "sip/parser.hpp"
#include "sip/request_check.hpp"
#include "sip/transaction_layer.hpp"

namespace gatehouse::b2bua {

/// A local listener as the front needs to know it.
struct front_listener {
  sip::transport_proto proto = sip::transport_proto::udp;
  std::string address{};  ///< bound IP
  std::uint16_t port = 0;
  std::string advertised{};  ///< what to put in Via/Contact; empty: `address`
  nat::response_routing routing = nat::response_routing::symmetric;
};

/// What the front has seen, for metrics and logs. Every dropped or refused message is counted.
struct front_counters {
  std::uint64_t requests = 0;             ///< well-formed requests received
  std::uint64_t responses = 0;            ///< well-formed responses received
  std::uint64_t malformed_requests = 0;   ///< refused by the parser (answered when possible)
  std::uint64_t malformed_responses = 0;  ///< refused by the parser and dropped
  std::uint64_t unanswerable = 0;         ///< malformed beyond any reply (no request line or Via)
  std::uint64_t keepalives = 0;           ///< CRLF keepalives on UDP
  std::uint64_t stateless_replies = 0;    ///< replies sent before any call logic (4xx/5xx)
  std::uint64_t sent = 0;                 ///< messages handed to the transports
  std::uint64_t send_failures = 0;        ///< messages the transports could not deliver
};

/// The SIP stack's front door, sans-I/O: bytes or framed messages and the time in; wire bytes
/// out. It parses, records received/rport (nat/), answers what RFC 3261 §8.2 and the parser
/// refuse without involving any call logic, and runs the transaction layer for the TU. Responses
/// are routed per the receiving listener's response_routing.
class sip_front {
 public:
  sip_front(std::vector<front_listener> listeners, sip::transaction_user& tu,
            sip::timer_values timers, sip::parse_limits limits, std::uint64_t seed);

  /// A UDP datagram.
  void on_datagram(std::string_view bytes, sip::peer const& from, sip::time_point now);
  /// A message framed from a stream.
  void on_stream_message(sip::message& msg, sip::peer const& from, sip::time_point now);
  /// A stream failed to frame: the wire bytes of the reply to send before closing, or "".
  std::string on_stream_error(sip::parse_error const& error, sip::message const& partial,
                              sip::peer const& from);
  /// The transports could not deliver a message to `to`.
  void on_send_failed(sip::peer const& to);
  /// Fires due timers.
  void on_timer(sip::time_point now);
  /// When on_timer must next be called.
  std::optional<sip::time_point> next_deadline() { return layer_.next_deadline(); }

  /// Bytes to put on the wire, in order.
  struct wire {
    sip::peer to;
    std::string bytes;
  };
  std::vector<wire> take_wire();

  /// Answers a server transaction (for the TU).
  bool respond(sip::transaction_id tx, sip::message const& response, sip::time_point now);
  /// A fresh random token for tags and branches.
  std::string make_token();

  sip::transaction_layer& transactions() noexcept { return layer_; }
  std::vector<front_listener> const& listeners() const noexcept { return listeners_; }
  front_counters const& counters() const noexcept { return counters_; }
  /// What gatehouse accepts (methods, option tags, bodies); the TU may widen it.
  sip::request_policy policy;

 private:
  void on_message(sip::message& msg, sip::peer const& from, sip::time_point now);
  void send_reply(sip::message const& reply, sip::peer const& source);
  void flush();
  nat::response_routing routing_for(sip::peer const& p) const noexcept;

  std::vector<front_listener> listeners_;
  sip::transaction_layer layer_;
  sip::parse_limits limits_;
  sip::message scratch_;  // reused for datagrams: parsing allocates nothing in steady state
  std::vector<wire> wire_;
  std::mt19937_64 random_;
  front_counters counters_;
};

}  // namespace gatehouse::b2bua
