#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "sip/peer.hpp"
#include "sip/transaction.hpp"

namespace gatehouse::sip {

/// Handle of a transaction inside a transaction_layer.
using transaction_id = std::uint64_t;

/// Why a client transaction ended without a final response.
enum class client_failure : std::uint8_t { timeout, transport_error };

/// The layer above the transactions (RFC 3261 §17: the "TU"): the B2BUA core. Called
/// synchronously from the transaction_layer's entry points.
class transaction_user {
 public:
  virtual ~transaction_user() = default;
  /// A new request (never a retransmission). Answer it with transaction_layer::respond().
  virtual void on_request(transaction_id tx, message const& request, peer const& source) = 0;
  /// An ACK that matched no INVITE server transaction in Completed: the ACK for a 2xx.
  virtual void on_ack(message const& ack, peer const& source) = 0;
  /// A CANCEL matched INVITE server transaction `invite_tx`, which has not answered finally yet;
  /// the layer has answered the CANCEL with 200 (RFC 3261 §9.2). The TU should answer the
  /// INVITE with 487.
  virtual void on_cancel(transaction_id invite_tx, message const& cancel) = 0;
  /// A response for client transaction `tx` (provisional or final).
  virtual void on_response(transaction_id tx, message const& response) = 0;
  /// Client transaction `tx` ended without a final response.
  virtual void on_client_failure(transaction_id tx, client_failure why) = 0;
  /// A response that matched no client transaction (a 2xx retransmitted after Timer M, or a
  /// 2xx from another fork), for the TU to ACK.
  virtual void on_stray_response(message const& response, peer const& source) = 0;
  /// A server transaction ended: Timer H fired (no ACK) or the transport failed.
  virtual void on_server_failure(transaction_id /*tx*/) {}
};

/// A message for the transport to send.
struct outgoing {
  peer to;
  message msg;
};

/// Transaction matching and timers for one SIP stack (RFC 3261 §17), sans-I/O: received
/// messages and the time go in; messages to send come out of take_outgoing(), and the TU is
/// called for what it must decide. Timers of all transactions share one heap, so the edge
/// arms a single timer at next_deadline().
class transaction_layer {
 public:
  transaction_layer(transaction_user& tu, timer_values timers = {}) : tu_(tu), timers_(timers) {}

  /// A parsed request from `source`.
  void on_request(message const& request, peer const& source, time_point now);
  /// A parsed response from `source`.
  void on_response(message const& response, peer const& source, time_point now);
  /// Fires the timers that are due.
  void on_timer(time_point now);
  /// When on_timer must next be called.
  std::optional<time_point> next_deadline();

  /// Answers server transaction `tx`; false when it no longer exists.
  bool respond(transaction_id tx, message const& response, time_point now);
  /// Starts a client transaction sending `request` to `to`; its top Via must carry a unique
  /// branch (the TU builds it). Errors: missing_header or bad_header_value (no top Via).
  std::error_code send_request(message request, peer const& to, time_point now, transaction_id& tx);
  /// Sends a message outside any transaction (the ACK for a 2xx, a stateless reply).
  void send_stateless(message msg, peer const& to);
  /// The transport could not deliver what transaction `tx` sent.
  void on_transport_error(transaction_id tx, time_point now);

  /// The request a server transaction was created for, while it has not answered finally
  /// (nullptr after, or when the transaction is gone).
  message const* server_request(transaction_id tx) const;
  /// Messages to send, in order.
  std::vector<outgoing> take_outgoing();

  /// Live transactions (server, client), for stats and leak checks.
  std::size_t server_count() const noexcept { return servers_.size(); }
  std::size_t client_count() const noexcept { return clients_.size(); }

 private:
  struct entry {
    transaction tx;
    peer remote;
    transaction_key key;
    bool server;
  };

  void drain(transaction_id id, time_point now);
  void schedule(transaction_id id);
  entry* find(transaction_id id);

  transaction_user& tu_;
  timer_values timers_;
  transaction_id next_id_ = 1;
  std::unordered_map<transaction_id, entry> servers_, clients_;
  std::unordered_map<transaction_key, transaction_id> server_keys_, client_keys_;
  using heap_item = std::pair<time_point, transaction_id>;
  std::priority_queue<heap_item, std::vector<heap_item>, std::greater<>> heap_;
  std::vector<outgoing> outgoing_;
};

}  // namespace gatehouse::sip
