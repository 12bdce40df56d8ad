#include "nat/via_received.hpp"

#include <string>

#include "nat/address.hpp"
#include "sip/error.hpp"

namespace gatehouse::nat {

namespace {

// The IP of a sent-by or received value, without IPv6 brackets.
std::string_view unbracket(std::string_view host) noexcept {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

bool same_ip(std::string_view a, std::string_view b) noexcept {
  auto const pa = parse_ip(unbracket(a));
  auto const pb = parse_ip(unbracket(b));
  return pa && pb && *pa == *pb;
}

}  // namespace

std::error_code stamp_received(sip::message& request, sip::peer const& source,
                               response_routing routing) {
  auto const field = request.find(sip::header_id::via);
  if (!field) return sip::errc::missing_header;
  sip::scanner s(*field);
  sip::via top;
  if (auto ec = sip::scan_via(s, top)) return ec;
  std::string_view const top_text = sip::trim(field->substr(0, s.pos()));

  bool const want_rport = routing == response_routing::symmetric || top.rport().has_value();
  bool const add_received = !same_ip(top.host, source.ip) || want_rport;
  if (!add_received && !want_rport) return {};

  // Rebuild the top via-parm: everything up to its parameters, then the parameters without any
  // old received/rport, then ours.
  std::string value(top_text.substr(0, top.params.raw.empty()
                                           ? top_text.size()
                                           : std::size_t(top.params.raw.data() - top_text.data())));
  while (!value.empty() && (value.back() == ';' || sip::cc::is(value.back(), sip::cc::ws)))
    value.pop_back();
  top.params.for_each([&](std::string_view name, std::string_view v, bool has_value) {
    if (sip::iequals(name, "received") || sip::iequals(name, "rport")) return;
    value.append(";").append(name);
    if (has_value) value.append("=").append(v);
  });
  // RFC 3261 §18.2.1: received is added when sent-by differs from the source; RFC 3581 §4: with
  // rport, received is always added.
  if (add_received) {
    value.append(";received=");
    value.append(source.ip);
  }
  if (want_rport) value.append(";rport=").append(std::to_string(source.port));
  request.pop_front_value(sip::header_id::via);
  request.push_front_header(sip::header_id::via, value);
  return {};
}

std::error_code response_destination(sip::message const& response, sip::peer const& source,
                                     response_routing routing, sip::peer& out) {
  sip::via top;
  if (auto ec = response.top_via(top)) return ec;
  out = source;
  if (source.is_reliable() || routing == response_routing::symmetric) return {};
  // RFC 3261 §18.2.2 for unreliable transports.
  out.connection = 0;
  if (auto maddr = top.maddr()) {
    out.ip = std::string(unbracket(*maddr));
    out.port = top.port_or_default();
    return {};
  }
  out.ip = std::string(unbracket(top.received().value_or(top.host)));
  std::uint64_t rport = 0;
  if (auto r = top.rport(); r && !r->empty() && !sip::parse_uint(*r, 65535, rport)) {
    out.port = static_cast<std::uint16_t>(rport);
  } else {
    out.port = top.port_or_default();
  }
  return {};
}

}  // namespace gatehouse::nat
