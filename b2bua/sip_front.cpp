#include "b2bua/sip_front.hpp"

namespace gatehouse::b2bua {

sip_front::sip_front(std::vector<front_listener> listeners, sip::transaction_user& tu,
                     sip::timer_values timers, sip::parse_limits limits, std::uint64_t seed)
    : listeners_(std::move(listeners)), layer_(tu, timers), limits_(limits), random_(seed) {}

std::string sip_front::make_token() {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string token(16, '0');
  for (char& c : token) c = alphabet[random_() % (sizeof alphabet - 1)];
  return token;
}

nat::response_routing sip_front::routing_for(sip::peer const& p) const noexcept {
  return p.listener < listeners_.size() ? listeners_[p.listener].routing
                                        : nat::response_routing::symmetric;
}

void sip_front::on_datagram(std::string_view bytes, sip::peer const& from, sip::time_point now) {
  auto const error = sip::parse_datagram(bytes, scratch_, limits_);
  if (error) {
    if (error.ec == sip::errc::keepalive) {
      ++counters_.keepalives;
      return;
    }
    bool const response = bytes.starts_with("SIP/") || scratch_.is_response();
    if (response) {
      ++counters_.malformed_responses;  // RFC 3261 §18.1.2: malformed responses are dropped
      return;
    }
    ++counters_.malformed_requests;
    if (auto reply = sip::make_error_reply(scratch_, error, make_token()))
      send_reply(*reply, from);
    else
      ++counters_.unanswerable;
    flush();
    return;
  }
  on_message(scratch_, from, now);
}

void sip_front::on_stream_message(sip::message& msg, sip::peer const& from, sip::time_point now) {
  on_message(msg, from, now);
}

std::string sip_front::on_stream_error(sip::parse_error const& error, sip::message const& partial,
                                       sip::peer const& from) {
  if (partial.is_response()) {
    ++counters_.malformed_responses;
    return {};
  }
  ++counters_.malformed_requests;
  auto reply = sip::make_error_reply(partial, error, make_token());
  if (!reply) {
    ++counters_.unanswerable;
    return {};
  }
  (void)from;
  ++counters_.stateless_replies;
  ++counters_.sent;
  return reply->to_string();
}

void sip_front::on_message(sip::message& msg, sip::peer const& from, sip::time_point now) {
  if (msg.is_response()) {
    ++counters_.responses;
    layer_.on_response(msg, from, now);
    flush();
    return;
  }
  ++counters_.requests;
  (void)nat::stamp_received(msg, from, routing_for(from));
  if (auto reply = sip::check_request(msg, policy, make_token())) {
    send_reply(*reply, from);
  } else {
    layer_.on_request(msg, from, now);
  }
  flush();
}

void sip_front::send_reply(sip::message const& reply, sip::peer const& source) {
  ++counters_.stateless_replies;
  layer_.send_stateless(reply, source);
}

bool sip_front::respond(sip::transaction_id tx, sip::message const& response, sip::time_point now) {
  bool const ok = layer_.respond(tx, response, now);
  flush();
  return ok;
}

void sip_front::on_timer(sip::time_point now) {
  layer_.on_timer(now);
  flush();
}

void sip_front::on_send_failed(sip::peer const&) {
  ++counters_.send_failures;
}

void sip_front::flush() {
  for (auto& out : layer_.take_outgoing()) {
    sip::peer to = out.to;
    // A reply whose Via cannot be read (a stateless 400 echoing a broken Via) goes back to
    // where the request came from.
    if (out.msg.is_response() &&
        nat::response_destination(out.msg, out.to, routing_for(out.to), to))
      to = out.to;
    ++counters_.sent;
    wire_.push_back({std::move(to), out.msg.to_string()});
  }
}

std::vector<sip_front::wire> sip_front::take_wire() {
  std::vector<wire> out;
  out.swap(wire_);
  return out;
}

}  // namespace gatehouse::b2bua
