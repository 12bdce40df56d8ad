#include "media/anchor.hpp"

#include <array>
#include <string_view>

#include "media/interface.hpp"
#include "media/session.hpp"

namespace gatehouse::media {
namespace {

// Lines that describe how a side reaches its peer directly. The relay terminates the media, so
// none of them applies across it: ICE (RFC 8839 §5), DTLS-SRTP (RFC 8842 §5).
constexpr std::array<std::string_view, 12> transport_attributes = {
    "candidate", "remote-candidates", "end-of-candidates", "ice-ufrag",   "ice-pwd", "ice-options",
    "ice-lite",  "ice-mismatch",      "ice-pacing",        "fingerprint", "setup",   "tls-id",
};

void strip_transport(sdp_section& s) {
  for (auto name : transport_attributes) s.remove_attributes(name);
}

// RFC 8843: each m= gets its own relay port, so no side may bundle them onto one.
void drop_bundle(sdp_section& s) {
  auto const groups = s.attributes("group");
  std::vector<std::string> kept;
  for (auto g : groups) {
    auto const semantics = g.substr(0, g.find_first_of(" \t"));
    if (semantics != "BUNDLE") kept.emplace_back(g);
  }
  if (kept.size() != groups.size()) s.replace_attributes("group", kept);
}

std::optional<ip_address> unicast(std::string_view text) noexcept {
  auto ip = parse_ip(text);
  if (!ip || is_unspecified(*ip)) return std::nullopt;
  return ip;
}

bool is_unspecified_connection(std::optional<connection_info> const& c) noexcept {
  if (!c) return false;
  auto const ip = parse_ip(c->address);
  return ip && is_unspecified(*ip);
}

// RFC 3264 §8.4: c=0.0.0.0 (or ::) puts a stream on hold, except under ICE, where it means
// that no default candidate is known yet (RFC 8840 §4.1.1).
bool is_hold(session_description const& sdp, media_description const& m) {
  return is_unspecified_connection(sdp.effective_connection(m)) && !m.has_attribute("ice-ufrag") &&
         !sdp.session().has_attribute("ice-ufrag");
}

// RFC 3264 §8.4: c=0.0.0.0 asked the peer not to send; with the relay's address in its place,
// the direction attribute has to say it instead.
std::optional<media_direction> hold_direction(media_direction d) noexcept {
  switch (d) {
    case media_direction::sendrecv:
      return media_direction::sendonly;
    case media_direction::recvonly:
      return media_direction::inactive;
    case media_direction::sendonly:
    case media_direction::inactive:
      break;
  }
  return std::nullopt;
}

}  // namespace

bool is_anchorable(transport_protocol p) noexcept {
  return p == transport_protocol::rtp_avp || p == transport_protocol::rtp_avpf ||
         p == transport_protocol::rtp_savp || p == transport_protocol::rtp_savpf;
}

std::error_code learn_remote(session_description const& sdp, std::vector<remote_stream>& out) {
  out.clear();
  out.reserve(sdp.media().size());
  for (auto const& m : sdp.media()) {
    auto const info = m.info();
    remote_stream r;
    r.media_type = info.media;
    r.port = info.port;
    r.protocol = info.protocol;
    r.transport = classify_protocol(info.protocol);
    r.rtcp_mux = m.rtcp_mux();
    r.direction = sdp.effective_direction(m);
    r.ice = m.has_attribute("candidate");
    std::error_code ec;
    for (auto const& c : m.cryptos(ec)) {
      r.cryptos.push_back(
          {c.tag, std::string(c.suite), std::string(c.key_params), std::string(c.session_params)});
    }
    if (r.port != 0) {
      auto const c = sdp.effective_connection(m);
      // RFC 8866 §5.7: every media section needs a c=, its own or the session's.
      if (!c) {
        out.clear();
        return session_errc::missing_connection;
      }
      r.hold_address = is_hold(sdp, m);
      if (auto const ip = unicast(c->address)) r.rtp = socket_address{*ip, r.port};
      auto const rtcp = m.rtcp(ec);
      if (r.rtcp_mux) {
        r.rtcp = r.rtp;  // RFC 5761 §5.1.1: RTCP on the RTP port
      } else if (rtcp && rtcp->port != 0) {
        // RFC 3605 §2.1: the port, and an address when it differs from c=.
        auto const ip = rtcp->connection ? unicast(rtcp->connection->address)
                                         : (r.rtp ? std::optional(r.rtp->ip) : std::nullopt);
        if (ip) r.rtcp = socket_address{*ip, rtcp->port};
      } else if (r.rtp && r.port != 65535) {
        r.rtcp = socket_address{r.rtp->ip, std::uint16_t(r.port + 1)};  // RFC 3550 §11
      }
    }
    out.push_back(std::move(r));
  }
  return {};
}

std::error_code write_anchored(session_description const& from_peer, anchor_plan const& plan,
                               session_description& out) {
  if (plan.streams.size() != from_peer.media().size()) return session_errc::media_count_mismatch;
  out = from_peer;
  auto const type = plan.address.v6 ? address_type::ip6 : address_type::ip4;
  auto const address = to_string(plan.address);

  auto origin = out.origin();
  origin.username = plan.origin.username;
  origin.session_id = plan.origin.session_id;
  origin.session_version = plan.origin.session_version;
  origin.addr_type = to_string(type);
  origin.address = address;
  out.set_origin(origin);

  auto& session = out.session();
  bool const session_connection = session.find('c').has_value();
  if (session_connection) session.set_connection(type, address);
  strip_transport(session);
  drop_bundle(session);

  for (std::size_t i = 0; i < plan.streams.size(); ++i) {
    auto const& in = from_peer.media()[i];
    auto const& p = plan.streams[i];
    auto& m = out.media()[i];
    strip_transport(m);
    m.remove_attributes("rtcp-mux-only");  // RFC 8858: the relay demultiplexes on either side
    if (m.find('c') || !session_connection) m.set_connection(type, address);
    if (!p.enabled) {
      // RFC 3264 §6: a rejected stream keeps its formats; its attributes are ignored, but keys
      // and transport addresses must not cross the relay.
      if (m.port() != 0 || m.port_count()) m.set_port(0);
      if (!p.protocol.empty() && m.protocol() != p.protocol) m.set_protocol(p.protocol);
      m.remove_attributes("crypto");
      m.remove_attributes("rtcp");
      m.remove_attributes("rtcp-mux");
      continue;
    }
    m.set_port(p.rtp_port);
    if (m.protocol() != p.protocol) m.set_protocol(p.protocol);

    // RFC 3605: a=rtcp names the relay's RTCP port, with the relay's address when the input
    // gave one; under multiplexing RTCP rides on the RTP port (RFC 5761 §5.1.3).
    if (!p.rtcp_port) {
      m.remove_attributes("rtcp");
    } else if (in.has_attribute("rtcp") || *p.rtcp_port != p.rtp_port + 1) {
      std::error_code ec;
      auto const old = in.rtcp(ec);
      rtcp_attribute r{*p.rtcp_port, std::nullopt};
      if (old && old->connection) r.connection = connection_info{type, address, {}, {}};
      m.set_attribute("rtcp", to_string(r));
    }
    if (p.rtcp_mux) {
      m.set_attribute("rtcp-mux");
    } else {
      m.remove_attributes("rtcp-mux");
    }

    std::vector<std::string> cryptos;
    for (auto const& c : p.cryptos) {
      cryptos.push_back(
          to_string(crypto_attribute{c.tag, c.suite, c.key_params, c.session_params}));
    }
    m.replace_attributes("crypto", cryptos);

    if (is_hold(from_peer, in)) {
      if (auto const d = hold_direction(from_peer.effective_direction(in))) m.set_direction(*d);
    }
  }
  return {};
}

}  // namespace gatehouse::media
