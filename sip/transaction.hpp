#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sip/message.hpp"

namespace gatehouse::sip {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using milliseconds = std::chrono::milliseconds;

/// RFC 3261 §17.1.1.1 timer base values (Table 4), configurable per stack.
struct timer_values {
  milliseconds t1{500};  ///< RTT estimate
  milliseconds t2{
      4000};  ///< maximum retransmit interval for non-INVITE requests and INVITE responses
  milliseconds t4{5000};  ///< maximum time a message stays in the network
  milliseconds trying{
      200};  ///< RFC 3261 §17.2.1: send 100 Trying if the TU has not answered by then
};

/// The four transaction state machines of RFC 3261 §17 (with RFC 6026's Accepted state).
enum class transaction_kind : std::uint8_t {
  invite_client,
  non_invite_client,
  invite_server,
  non_invite_server
};

/// States, named as in the RFC's figures 5-8 and RFC 6026 figures 3-4.
enum class state : std::uint8_t {
  calling,
  trying,
  proceeding,
  accepted,
  completed,
  confirmed,
  terminated
};

/// What a transaction asks of the layers around it, in order.
struct transaction_action {
  enum class kind : std::uint8_t {
    send,     ///< hand `msg` to the transport (client: a request or ACK; server: a response)
    deliver,  ///< pass `msg` to the transaction user (client: a response; server: an ACK for 2xx)
    timeout,  ///< Timer B/F fired with no final response: the TU acts as on a 408
    no_ack,   ///< Timer H fired: the ACK for a non-2xx final response never came
    transport_error,  ///< the transport failed to send; the transaction has ended
    terminated,       ///< the transaction has ended and may be destroyed
  };
  kind what;
  message msg;
};

/// One SIP transaction: a pure state machine. Inputs are messages, transport errors and the
/// time; outputs are actions and the next deadline. It never touches a socket or a clock.
///
/// Client transactions are created with the request to send (the first action is sending it);
/// server transactions with the request received, and answered through respond().
class transaction {
 public:
  /// A client transaction for `request` (INVITE gives an INVITE client transaction).
  static transaction client(message request, bool reliable, time_point now, timer_values t = {});
  /// A server transaction for a received `request`.
  static transaction server(message request, bool reliable, time_point now, timer_values t = {});

  transaction_kind kind() const noexcept { return kind_; }
  state current() const noexcept { return state_; }
  bool is_terminated() const noexcept { return state_ == state::terminated; }
  /// The request that started the transaction. A server transaction lets go of it once it has
  /// answered finally (it is empty then).
  message const& request() const noexcept { return request_; }

  /// Client: a response matched to this transaction arrived (RFC 3261 §17.1.3).
  void on_response(message const& response, time_point now);
  /// Server: the request was received again, or an ACK for it arrived (RFC 3261 §17.2.3).
  void on_request(message const& request, time_point now);
  /// Server: the transaction user answers (any status 100-699).
  void respond(message const& response, time_point now);
  /// The transport could not send a message of this transaction.
  void on_transport_error(time_point now);
  /// Fires every timer whose deadline is at or before `now`.
  void on_timer(time_point now);

  /// When on_timer should next be called; nullopt when no timer runs.
  std::optional<time_point> next_deadline() const noexcept;
  /// The actions accumulated since the last call, in order.
  std::vector<transaction_action> take_actions();

 private:
  transaction(transaction_kind kind, message request, bool reliable, time_point now,
              timer_values t);

  struct timer {
    std::optional<time_point> at;
    milliseconds interval{0};
  };

  void enter(state s, time_point now);
  void emit(transaction_action::kind k, message m = {});
  void send(message const& m) { emit(transaction_action::kind::send, m); }
  void terminate();
  message make_ack(message const& response) const;

  transaction_kind kind_;
  state state_;
  bool reliable_;
  timer_values t_;
  message request_;
  message last_response_;
  bool has_response_ = false;
  timer retransmit_;  // A (INVITE client), E (non-INVITE client), G (INVITE server)
  timer timeout_;     // B, F, H
  timer linger_;      // D, K, I, J, L, M
  std::optional<time_point> trying_at_;  // INVITE server: automatic 100 Trying
  std::vector<transaction_action> actions_;
};

/// RFC 3261 §17.1.3 / §17.2.3 transaction identifier: the top Via branch with the magic cookie,
/// the sent-by and the method (ACK and CANCEL are kept apart from INVITE by the method, which
/// is what CANCEL matching by the TU needs). For RFC 2543 requests without the cookie it is
/// built from Request-URI, To tag, From tag, Call-ID, CSeq number and top Via.
struct transaction_key {
  std::string id;
  friend bool operator==(transaction_key const&, transaction_key const&) = default;
};

/// Key of the server transaction a received request belongs to; an ACK maps to its INVITE's.
/// With `as_method`, the key the request would have with that method: a CANCEL's INVITE.
std::error_code server_key(message const& request, transaction_key& out,
                           std::string_view as_method = {});
/// Key of the client transaction a received response belongs to (branch and CSeq method).
std::error_code client_key(message const& response, transaction_key& out);
/// Key under which a client transaction for `request` (as sent) is registered.
std::error_code client_key_for_request(message const& request, transaction_key& out);

}  // namespace gatehouse::sip

template <>
struct std::hash<gatehouse::sip::transaction_key> {
  std::size_t operator()(gatehouse::sip::transaction_key const& k) const noexcept {
    return std::hash<std::string>{}(k.id);
  }
};
