#include "b2bua/core.hpp"

#include "nat/address.hpp"

namespace gatehouse::b2bua {

core::core(std::function<sip::time_point()> now, std::string server)
    : now_(std::move(now)), server_(std::move(server)) {}

void core::attach(sip_front& front) {
  front_ = &front;
}

bool core::is_for_us(sip::message const& request) const {
  // Addressed to gatehouse itself: a Request-URI with no user part, or whose host is one of
  // our listener addresses (as an OPTIONS keepalive from a phone or a peer's health check is).
  sip::uri u;
  if (request.request_uri(u) || !u.is_sip()) return false;
  if (!u.has_userinfo) return true;
  auto const target = nat::parse_ip(u.host);
  for (auto const& l : front_->listeners()) {
    if (!l.advertised.empty() && sip::iequals(l.advertised, u.host)) return true;
    if (target && nat::parse_ip(l.address) == target) return true;
  }
  return false;
}

void core::answer(sip::transaction_id tx, sip::message const& request, int status,
                  std::string_view reason) {
  sip::message r = sip::make_response(request, status, reason, front_->make_token());
  if (!server_.empty()) r.add_header(sip::header_id::server, server_);
  front_->respond(tx, r, now_());
}

void core::on_request(sip::transaction_id tx, sip::message const& request, sip::peer const&) {
  std::string_view const method = request.method();
  bool const for_us = is_for_us(request);
  if (method == "OPTIONS" && for_us) {
    // RFC 3261 §11.2: say what we can do.
    sip::message r = sip::make_response(request, 200, "OK", front_->make_token());
    std::string allow;
    for (auto const& m : front_->policy.allowed) allow.append(allow.empty() ? "" : ", ").append(m);
    r.add_header(sip::header_id::allow, allow);
    r.add_header(sip::header_id::accept, "application/sdp");
    r.add_header(sip::header_id::accept_encoding, "identity");
    r.add_header(sip::header_id::accept_language, "en");
    std::string supported;
    for (auto const& t : front_->policy.supported)
      supported.append(supported.empty() ? "" : ", ").append(t);
    r.add_header(sip::header_id::supported, supported);
    if (!server_.empty()) r.add_header(sip::header_id::server, server_);
    front_->respond(tx, r, now_());
    return;
  }
  // RFC 3261 §16.6 step 3 / §8.2.x: a request we would have to pass on with no hops left.
  if (auto const mf = request.max_forwards(); mf && *mf == 0 && !for_us) {
    answer(tx, request, 483, "Too Many Hops");
    return;
  }
  if (method == "BYE") {
    answer(tx, request, 481, "Call/Transaction Does Not Exist");  // no dialogs exist yet
  } else if (method == "REGISTER") {
    answer(tx, request, 403, "Forbidden (no registrar configured)");
  } else {
    answer(tx, request, 404, "Not Found (no route configured)");
  }
}

void core::on_cancel(sip::transaction_id invite_tx, sip::message const&) {
  if (auto const* invite = front_->transactions().server_request(invite_tx))
    answer(invite_tx, *invite, 487, "Request Terminated");
}

}  // namespace gatehouse::b2bua
