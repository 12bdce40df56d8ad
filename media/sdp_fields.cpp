#include "media/sdp_fields.hpp"

#include "media/sdp_lex.hpp"

namespace gatehouse::media {

using detail::all_of;
using detail::is_address;
using detail::is_digit;
using detail::is_token;
using detail::parse_uint;
using detail::words;

std::string_view to_string(address_type t) noexcept {
  return t == address_type::ip6 ? "IP6" : "IP4";
}

// RFC 8866 §5.2
origin_info parse_origin(std::string_view value, std::error_code& ec) {
  words w(value);
  origin_info o;
  o.username = w.next();
  auto const id = w.next();
  auto const version = w.next();
  o.net_type = w.next();
  o.addr_type = w.next();
  o.address = w.next();
  if (o.address.empty() || !w.done() || !parse_uint(id, o.session_id) ||
      !parse_uint(version, o.session_version) || !is_token(o.net_type) || !is_token(o.addr_type)) {
    ec = errc::malformed_origin;
    return {};
  }
  ec = {};
  return o;
}

std::string to_string(origin_info const& o) {
  std::string s;
  s.append(o.username).append(" ").append(std::to_string(o.session_id)).append(" ");
  s.append(std::to_string(o.session_version)).append(" ").append(o.net_type).append(" ");
  s.append(o.addr_type).append(" ").append(o.address);
  return s;
}

// RFC 8866 §5.7: connection-address = multicast-address / unicast-address, where an IPv4
// multicast address carries "/ttl[/n]" and an IPv6 one "/n".
connection_info parse_connection(std::string_view value, std::error_code& ec) {
  words w(value);
  auto const net = w.next();
  auto const type = w.next();
  auto addr = w.next();
  connection_info c;
  bool ok = net == "IN" && (type == "IP4" || type == "IP6") && w.done();
  if (ok) {
    c.type = type == "IP6" ? address_type::ip6 : address_type::ip4;
    auto const slash = addr.find('/');
    if (slash != std::string_view::npos) {
      auto suffix = addr.substr(slash + 1);
      addr = addr.substr(0, slash);
      auto const slash2 = suffix.find('/');
      std::uint32_t count = 0;
      if (c.type == address_type::ip6) {
        ok = parse_uint(suffix, count);
        c.count = count;
      } else {
        std::uint8_t ttl = 0;
        ok = parse_uint(suffix.substr(0, slash2), ttl);
        c.ttl = ttl;
        if (ok && slash2 != std::string_view::npos) {
          ok = parse_uint(suffix.substr(slash2 + 1), count);
          c.count = count;
        }
      }
    }
    c.address = addr;
    ok = ok && is_address(addr);
  }
  if (!ok) {
    ec = errc::malformed_connection;
    return {};
  }
  ec = {};
  return c;
}

std::string to_string(connection_info const& c) {
  std::string s = "IN ";
  s.append(to_string(c.type)).append(" ").append(c.address);
  if (c.ttl) s.append("/").append(std::to_string(*c.ttl));
  if (c.count) s.append("/").append(std::to_string(*c.count));
  return s;
}

transport_protocol classify_protocol(std::string_view proto) noexcept {
  using detail::iequals;
  if (iequals(proto, "RTP/AVP")) return transport_protocol::rtp_avp;
  if (iequals(proto, "RTP/AVPF")) return transport_protocol::rtp_avpf;
  if (iequals(proto, "RTP/SAVP")) return transport_protocol::rtp_savp;
  if (iequals(proto, "RTP/SAVPF")) return transport_protocol::rtp_savpf;
  if (iequals(proto, "UDP/TLS/RTP/SAVP")) return transport_protocol::udp_tls_rtp_savp;
  if (iequals(proto, "UDP/TLS/RTP/SAVPF")) return transport_protocol::udp_tls_rtp_savpf;
  return transport_protocol::other;
}

bool is_srtp(transport_protocol p) noexcept {
  switch (p) {
    case transport_protocol::rtp_savp:
    case transport_protocol::rtp_savpf:
    case transport_protocol::udp_tls_rtp_savp:
    case transport_protocol::udp_tls_rtp_savpf:
      return true;
    default:
      return false;
  }
}

namespace {

// A port or port count: digits that fit 0..65535. Sets `ec` to malformed_media when it is not
// digits, to invalid_port when the number is too large.
std::uint16_t parse_port(std::string_view s, std::error_code& ec) {
  if (s.empty() || !all_of(s, is_digit)) {
    ec = errc::malformed_media;
    return 0;
  }
  std::uint16_t port = 0;
  if (!parse_uint(s, port)) ec = errc::invalid_port;
  return port;
}

bool is_proto(std::string_view s) noexcept {
  // RFC 8866 §9: proto = token *("/" token)
  if (s.empty() || s.front() == '/' || s.back() == '/') return false;
  return s.find("//") == std::string_view::npos &&
         all_of(s, [](char c) { return c == '/' || detail::is_token_char(c); });
}

}  // namespace

// RFC 8866 §5.14
media_info parse_media(std::string_view value, std::error_code& ec) {
  ec = {};
  words w(value);
  media_info m;
  m.media = w.next();
  auto port = w.next();
  m.protocol = w.next();
  m.formats = w.rest();
  while (!m.formats.empty() && detail::is_blank(m.formats.back())) m.formats.remove_suffix(1);
  if (!is_token(m.media) || !is_proto(m.protocol)) {
    ec = errc::malformed_media;
    return {};
  }
  // Formats are tokens. An empty list breaks the grammar but is accepted: some gateways reject a
  // stream with "m=video 0 RTP/AVP" and nothing after it.
  for (words f(m.formats); !f.done();) {
    if (!is_token(f.next())) {
      ec = errc::malformed_media;
      return {};
    }
  }
  auto const slash = port.find('/');
  m.port = parse_port(port.substr(0, slash), ec);
  if (!ec && slash != std::string_view::npos) {
    m.port_count = parse_port(port.substr(slash + 1), ec);
    if (!ec && *m.port_count == 0) ec = errc::invalid_port;
  }
  if (ec) return {};
  return m;
}

std::string to_string(media_info const& m) {
  std::string s;
  s.append(m.media).append(" ").append(std::to_string(m.port));
  if (m.port_count) s.append("/").append(std::to_string(*m.port_count));
  s.append(" ").append(m.protocol);
  if (!m.formats.empty()) s.append(" ").append(m.formats);
  return s;
}

// RFC 8866 §5.8
bandwidth_info parse_bandwidth(std::string_view value, std::error_code& ec) {
  auto const colon = value.find(':');
  bandwidth_info b;
  if (colon == std::string_view::npos || !is_token(b.type = value.substr(0, colon)) ||
      !parse_uint(value.substr(colon + 1), b.value)) {
    ec = errc::malformed_bandwidth;
    return {};
  }
  ec = {};
  return b;
}

std::string to_string(bandwidth_info const& b) {
  std::string s(b.type);
  s.append(":").append(std::to_string(b.value));
  return s;
}

// RFC 8866 §5.9
timing_info parse_timing(std::string_view value, std::error_code& ec) {
  words w(value);
  timing_info t;
  if (!parse_uint(w.next(), t.start) || !parse_uint(w.next(), t.stop) || !w.done()) {
    ec = errc::malformed_timing;
    return {};
  }
  ec = {};
  return t;
}

std::string to_string(timing_info const& t) {
  return std::to_string(t.start) + " " + std::to_string(t.stop);
}

}  // namespace gatehouse::media
