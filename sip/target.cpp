#include "sip/target.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

std::error_code resolve_target(uri const& u, target& out) {
  if (!u.is_sip()) return errc::unsupported_uri_scheme;
  bool const secure = u.scheme == uri_scheme::sips;
  out = target{};
  // RFC 3263 §4.1: an explicit transport parameter decides.
  if (auto const t = u.params.get("transport"); t && !t->empty()) {
    if (iequals(*t, "udp")) {
      if (secure) return errc::bad_uri;  // SIPS needs a secure transport (RFC 3261 §26.2.2)
      out.proto = transport_proto::udp;
    } else if (iequals(*t, "tcp")) {
      out.proto = secure ? transport_proto::tls : transport_proto::tcp;
    } else if (iequals(*t, "tls")) {
      out.proto = transport_proto::tls;
    } else {
      return errc::bad_uri;  // sctp, ws, ...: not spoken by gatehouse
    }
  } else {
    out.proto = secure ? transport_proto::tls : transport_proto::udp;
  }
  // maddr, when present, replaces the host (RFC 3261 §19.1.1).
  std::string_view host = u.host;
  if (auto const maddr = u.params.get("maddr")) {
    if (maddr->empty()) return errc::bad_uri;
    host = *maddr;
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  out.host = std::string(host);
  out.host_is_ip = is_ipv4(host) || is_ipv6(host);
  out.port_explicit = u.has_port;
  out.port = u.has_port ? u.port : out.proto == transport_proto::tls ? 5061 : 5060;
  if (out.proto == transport_proto::tls)
    out.server_name = std::string(u.host_type == host_kind::name ? u.host : "");
  return {};
}

}  // namespace gatehouse::sip
