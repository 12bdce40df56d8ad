#include "sip/transaction_layer.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

transaction_layer::entry* transaction_layer::find(transaction_id id) {
  if (auto it = servers_.find(id); it != servers_.end()) return &it->second;
  if (auto it = clients_.find(id); it != clients_.end()) return &it->second;
  return nullptr;
}

void transaction_layer::schedule(transaction_id id) {
  if (entry* e = find(id))
    if (auto d = e->tx.next_deadline()) heap_.emplace(*d, id);
}

// Carries out what transaction `id` asked for, and forgets it once terminated.
void transaction_layer::drain(transaction_id id, time_point) {
  entry* e = find(id);
  if (!e) return;
  bool terminated = false;
  for (auto& a : e->tx.take_actions()) {
    switch (a.what) {
      case transaction_action::kind::send:
        outgoing_.push_back({e->remote, std::move(a.msg)});
        break;
      case transaction_action::kind::deliver:
        if (e->server)
          tu_.on_ack(a.msg, e->remote);
        else
          tu_.on_response(id, a.msg);
        break;
      case transaction_action::kind::timeout:
        tu_.on_client_failure(id, client_failure::timeout);
        break;
      case transaction_action::kind::transport_error:
        if (e->server)
          tu_.on_server_failure(id);
        else
          tu_.on_client_failure(id, client_failure::transport_error);
        break;
      case transaction_action::kind::no_ack:
        tu_.on_server_failure(id);
        break;
      case transaction_action::kind::terminated:
        terminated = true;
        break;
    }
    e = find(id);  // the TU may have acted on the layer; re-find the entry
    if (!e) return;
  }
  if (terminated) {
    if (e->server) {
      server_keys_.erase(e->key);
      servers_.erase(id);
    } else {
      client_keys_.erase(e->key);
      clients_.erase(id);
    }
    return;
  }
  schedule(id);
}

void transaction_layer::on_request(message const& request, peer const& source, time_point now) {
  transaction_key key;
  if (server_key(request, key)) return;  // no usable Via: nothing could answer it
  bool const is_ack = request.method() == "ACK";
  if (auto it = server_keys_.find(key); it != server_keys_.end()) {
    transaction_id const id = it->second;
    servers_.at(id).tx.on_request(request, now);
    drain(id, now);
    return;
  }
  if (is_ack) {
    tu_.on_ack(request, source);
    return;
  }
  transaction_id const id = next_id_++;
  auto [pos, _] = servers_.emplace(
      id,
      entry{transaction::server(request, source.is_reliable(), now, timers_), source, key, true});
  server_keys_.emplace(key, id);
  if (request.method() == "CANCEL") {
    // RFC 3261 §9.2: find the INVITE the CANCEL is for (same key, method INVITE).
    transaction_key invite_key;
    std::optional<transaction_id> invite;
    if (!server_key(request, invite_key, "INVITE"))
      if (auto it = server_keys_.find(invite_key); it != server_keys_.end()) invite = it->second;
    bool const pending = invite && servers_.at(*invite).tx.current() == state::proceeding;
    pos->second.tx.respond(make_response(request, pending ? 200 : 481,
                                         pending ? "OK" : "Call/Transaction Does Not Exist"),
                           now);
    drain(id, now);
    if (pending) tu_.on_cancel(*invite, request);
    return;
  }
  tu_.on_request(id, request, source);
  drain(id, now);
}

void transaction_layer::on_response(message const& response, peer const& source, time_point now) {
  transaction_key key;
  if (client_key(response, key)) return;
  auto const it = client_keys_.find(key);
  if (it == client_keys_.end()) {
    tu_.on_stray_response(response, source);
    return;
  }
  transaction_id const id = it->second;
  clients_.at(id).tx.on_response(response, now);
  drain(id, now);
}

bool transaction_layer::respond(transaction_id tx, message const& response, time_point now) {
  auto const it = servers_.find(tx);
  if (it == servers_.end()) return false;
  it->second.tx.respond(response, now);
  drain(tx, now);
  return true;
}

std::error_code transaction_layer::send_request(message request, peer const& to, time_point now,
                                                transaction_id& tx) {
  transaction_key key;
  if (auto ec = client_key_for_request(request, key)) return ec;
  tx = next_id_++;
  clients_.emplace(
      tx, entry{transaction::client(std::move(request), to.is_reliable(), now, timers_), to, key,
                false});
  client_keys_[key] = tx;
  drain(tx, now);
  return {};
}

void transaction_layer::send_stateless(message msg, peer const& to) {
  outgoing_.push_back({to, std::move(msg)});
}

void transaction_layer::on_transport_error(transaction_id tx, time_point now) {
  if (entry* e = find(tx)) {
    e->tx.on_transport_error(now);
    drain(tx, now);
  }
}

message const* transaction_layer::server_request(transaction_id tx) const {
  auto const it = servers_.find(tx);
  if (it == servers_.end() || it->second.tx.request().method().empty()) return nullptr;
  return &it->second.tx.request();
}

void transaction_layer::on_timer(time_point now) {
  while (!heap_.empty() && heap_.top().first <= now) {
    auto const [at, id] = heap_.top();
    heap_.pop();
    entry* e = find(id);
    // Skip stale heap items: the transaction is gone or its deadline moved.
    if (!e || e->tx.next_deadline() != at) continue;
    e->tx.on_timer(now);
    drain(id, now);
  }
}

std::optional<time_point> transaction_layer::next_deadline() {
  while (!heap_.empty()) {
    auto const [at, id] = heap_.top();
    entry* e = find(id);
    if (e && e->tx.next_deadline() == at) return at;
    heap_.pop();
  }
  return std::nullopt;
}

std::vector<outgoing> transaction_layer::take_outgoing() {
  std::vector<outgoing> out;
  out.swap(outgoing_);
  return out;
}

}  // namespace gatehouse::sip
