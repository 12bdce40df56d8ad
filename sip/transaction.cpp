#include "sip/transaction.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

namespace {

bool is_invite(message const& m) noexcept {
  return m.method() == "INVITE";
}

}  // namespace

transaction::transaction(transaction_kind kind, message request, bool reliable, time_point now,
                         timer_values t)
    : kind_(kind), state_(state::trying), reliable_(reliable), t_(t), request_(std::move(request)) {
  auto const t64 = 64 * t_.t1;
  switch (kind_) {
    case transaction_kind::invite_client:
      // RFC 3261 §17.1.1.2: send, Timer A at T1 (unreliable only), Timer B at 64*T1.
      state_ = state::calling;
      send(request_);
      if (!reliable_) retransmit_ = {now + t_.t1, t_.t1};
      timeout_ = {now + t64, t64};
      break;
    case transaction_kind::non_invite_client:
      // RFC 3261 §17.1.2.2: send, Timer E at T1 (unreliable only), Timer F at 64*T1.
      state_ = state::trying;
      send(request_);
      if (!reliable_) retransmit_ = {now + t_.t1, t_.t1};
      timeout_ = {now + t64, t64};
      break;
    case transaction_kind::invite_server:
      // RFC 3261 §17.2.1: Proceeding; 100 Trying unless the TU answers within 200 ms.
      state_ = state::proceeding;
      trying_at_ = now + t_.trying;
      break;
    case transaction_kind::non_invite_server:
      state_ = state::trying;
      break;
  }
}

transaction transaction::client(message request, bool reliable, time_point now, timer_values t) {
  auto const k =
      is_invite(request) ? transaction_kind::invite_client : transaction_kind::non_invite_client;
  return transaction(k, std::move(request), reliable, now, t);
}

transaction transaction::server(message request, bool reliable, time_point now, timer_values t) {
  auto const k =
      is_invite(request) ? transaction_kind::invite_server : transaction_kind::non_invite_server;
  return transaction(k, std::move(request), reliable, now, t);
}

void transaction::emit(transaction_action::kind k, message m) {
  actions_.push_back({k, std::move(m)});
}

std::vector<transaction_action> transaction::take_actions() {
  std::vector<transaction_action> out;
  out.swap(actions_);
  return out;
}

void transaction::terminate() {
  if (state_ == state::terminated) return;
  state_ = state::terminated;
  retransmit_ = timeout_ = linger_ = {};
  trying_at_.reset();
  emit(transaction_action::kind::terminated);
}

// Enters a state that waits out retransmissions (D, I, J, K, L, M): zero on a reliable transport
// for D, I, J, K means the transaction ends at once.
void transaction::enter(state s, time_point now) {
  state_ = s;
  // A server transaction needs its request only until it answers finally; from here on it
  // repeats the response it keeps. Under an OPTIONS flood every transaction lingers for Timer J
  // (32 s on UDP), so this halves what each one holds.
  if (kind_ == transaction_kind::invite_server || kind_ == transaction_kind::non_invite_server)
    request_ = message{};
  retransmit_ = timeout_ = {};
  trying_at_.reset();
  milliseconds wait{0};
  switch (kind_) {
    case transaction_kind::invite_client:
      // Timer D: at least 32 s on unreliable transports (§17.1.1.2); Timer M: 64*T1 (RFC 6026).
      wait = s == state::accepted ? 64 * t_.t1 : reliable_ ? milliseconds{0} : milliseconds{32000};
      break;
    case transaction_kind::non_invite_client:
      wait = reliable_ ? milliseconds{0} : t_.t4;
      break;  // K
    case transaction_kind::invite_server:
      if (s == state::completed) {
        // Timer G (unreliable only) and Timer H.
        if (!reliable_) retransmit_ = {now + t_.t1, t_.t1};
        timeout_ = {now + 64 * t_.t1, 64 * t_.t1};
        return;
      }
      // Timer I (confirmed): T4, zero when reliable; Timer L (accepted): 64*T1 (RFC 6026).
      wait = s == state::accepted ? 64 * t_.t1 : reliable_ ? milliseconds{0} : t_.t4;
      break;
    case transaction_kind::non_invite_server:
      wait = reliable_ ? milliseconds{0} : 64 * t_.t1;
      break;  // J
  }
  if (wait == milliseconds{0}) {
    terminate();
    return;
  }
  linger_ = {now + wait, wait};
}

message transaction::make_ack(message const& response) const {
  // RFC 3261 §17.1.1.3: same Request-URI, Call-ID, From, top Via and CSeq number as the INVITE,
  // the response's To, the INVITE's Route headers.
  message ack = message::make_request("ACK", request_.request_uri());
  bool via_done = false;
  for (std::size_t i = 0; i < request_.header_count(); ++i) {
    auto const f = request_.header(i);
    switch (f.id) {
      case header_id::via:
        if (!via_done) {
          // only the top via-parm: the first element of the first Via field
          ack.add_header(header_id::via, trim(f.value.substr(0, f.value.find(','))));
          via_done = true;
        }
        break;
      case header_id::from:
      case header_id::call_id:
      case header_id::route:
      case header_id::max_forwards:
        ack.add_header(f.id, f.value);
        break;
      case header_id::to:
        ack.add_header(f.id, response.find(header_id::to).value_or(f.value));
        break;
      case header_id::cseq:
        ack.add_header(f.id, std::to_string(request_.cseq().number) + " ACK");
        break;
      default:
        break;
    }
  }
  return ack;
}

void transaction::on_response(message const& response, time_point now) {
  int const code = response.status();
  if (code < 100) return;
  switch (kind_) {
    case transaction_kind::invite_client:
      if (state_ == state::calling || state_ == state::proceeding) {
        emit(transaction_action::kind::deliver, response);
        if (code < 200) {
          // Proceeding: no more retransmissions, and no Timer B (RFC 3261 Figure 5).
          state_ = state::proceeding;
          retransmit_ = timeout_ = {};
        } else if (code < 300) {
          enter(state::accepted, now);
        } else {
          send(make_ack(response));
          enter(state::completed, now);
        }
      } else if (state_ == state::accepted && code >= 200 && code < 300) {
        // RFC 6026 §8.4: retransmitted or forked 2xx go to the TU, which ACKs them.
        emit(transaction_action::kind::deliver, response);
      } else if (state_ == state::completed && code >= 300) {
        send(make_ack(response));  // the final response was retransmitted: our ACK was lost
      }
      break;
    case transaction_kind::non_invite_client:
      if (state_ != state::trying && state_ != state::proceeding) break;
      emit(transaction_action::kind::deliver, response);
      if (code < 200) {
        state_ = state::proceeding;
      } else {
        enter(state::completed, now);
      }
      break;
    default:
      break;
  }
}

void transaction::on_request(message const& request, time_point now) {
  bool const ack = request.method() == "ACK";
  switch (kind_) {
    case transaction_kind::invite_server:
      if (ack) {
        if (state_ == state::completed)
          enter(state::confirmed, now);
        else if (state_ == state::accepted)
          emit(transaction_action::kind::deliver, request);
      } else if ((state_ == state::proceeding || state_ == state::completed) && has_response_) {
        send(last_response_);  // the INVITE was retransmitted: repeat what we last sent
      }
      break;
    case transaction_kind::non_invite_server:
      if ((state_ == state::proceeding || state_ == state::completed) && has_response_)
        send(last_response_);
      break;
    default:
      break;
  }
}

void transaction::respond(message const& response, time_point now) {
  int const code = response.status();
  if (code < 100 || state_ == state::terminated) return;
  switch (kind_) {
    case transaction_kind::invite_server:
      if (state_ == state::proceeding) {
        trying_at_.reset();
        last_response_ = response;
        has_response_ = true;
        send(response);
        if (code >= 300)
          enter(state::completed, now);
        else if (code >= 200)
          enter(state::accepted, now);
      } else if (state_ == state::accepted && code >= 200 && code < 300) {
        send(response);  // RFC 6026 §8.5: the TU's 2xx retransmissions pass through
      }
      break;
    case transaction_kind::non_invite_server:
      if (state_ != state::trying && state_ != state::proceeding) break;
      last_response_ = response;
      has_response_ = true;
      send(response);
      if (code < 200)
        state_ = state::proceeding;
      else
        enter(state::completed, now);
      break;
    default:
      break;
  }
}

void transaction::on_transport_error(time_point) {
  if (state_ == state::terminated) return;
  emit(transaction_action::kind::transport_error);
  terminate();
}

void transaction::on_timer(time_point now) {
  if (state_ == state::terminated) return;
  if (trying_at_ && *trying_at_ <= now) {
    trying_at_.reset();
    if (state_ == state::proceeding && !has_response_) {
      last_response_ = make_response(request_, 100, "Trying");
      has_response_ = true;
      send(last_response_);
    }
  }
  if (timeout_.at && *timeout_.at <= now) {
    // Timer B, F: no final response; Timer H: no ACK.
    emit(kind_ == transaction_kind::invite_server ? transaction_action::kind::no_ack
                                                  : transaction_action::kind::timeout);
    terminate();
    return;
  }
  if (linger_.at && *linger_.at <= now) {
    terminate();
    return;
  }
  if (retransmit_.at && *retransmit_.at <= now) {
    switch (kind_) {
      case transaction_kind::invite_client:
        send(request_);  // Timer A: doubles every time, no cap (RFC 3261 §17.1.1.2)
        retransmit_.interval *= 2;
        break;
      case transaction_kind::non_invite_client:
        send(request_);  // Timer E: doubles up to T2; T2 once a provisional came (§17.1.2.2)
        retransmit_.interval =
            state_ == state::proceeding ? t_.t2 : std::min(retransmit_.interval * 2, t_.t2);
        break;
      case transaction_kind::invite_server:
        send(last_response_);  // Timer G: doubles up to T2 (§17.2.1)
        retransmit_.interval = std::min(retransmit_.interval * 2, t_.t2);
        break;
      default:
        break;
    }
    retransmit_.at = now + retransmit_.interval;
  }
}

std::optional<time_point> transaction::next_deadline() const noexcept {
  std::optional<time_point> next;
  for (auto const& t : {retransmit_.at, timeout_.at, linger_.at, trying_at_})
    if (t && (!next || *t < *next)) next = t;
  return next;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  return out;
}

}  // namespace

std::error_code server_key(message const& request, transaction_key& out,
                           std::string_view as_method) {
  via v;
  if (auto ec = request.top_via(v)) return ec;
  std::string_view method = as_method.empty() ? request.method() : as_method;
  if (method == "ACK") method = "INVITE";
  if (v.is_rfc3261_branch()) {
    // RFC 3261 §17.2.3: branch, sent-by and method.
    out.id = std::string(v.branch()) + '|' + lower(v.host) + ':' +
             std::to_string(v.port_or_default()) + '|' + std::string(method);
    return {};
  }
  // RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number and top Via.
  name_addr from;
  if (auto ec = request.from(from)) return ec;
  auto const top = request.find(header_id::via).value_or("");
  out.id = "2543|" + std::string(request.request_uri()) + '|' + std::string(from.tag()) + '|' +
           std::string(request.call_id()) + '|' + std::to_string(request.cseq().number) + '|' +
           std::string(top) + '|' + std::string(method);
  return {};
}

std::error_code client_key(message const& response, transaction_key& out) {
  via v;
  if (auto ec = response.top_via(v)) return ec;
  // RFC 3261 §17.1.3: the branch of the top Via and the CSeq method.
  out.id = std::string(v.branch()) + '|' + std::string(response.cseq().method);
  return {};
}

std::error_code client_key_for_request(message const& request, transaction_key& out) {
  via v;
  if (auto ec = request.top_via(v)) return ec;
  out.id = std::string(v.branch()) + '|' + std::string(request.method());
  return {};
}

}  // namespace gatehouse::sip
