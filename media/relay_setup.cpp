#include "media/relay_setup.hpp"

namespace gatehouse::media {

std::error_code to_srtp_key(sdes_key const& sdes, srtp_key& out) {
  srtp_suite suite;
  if (auto ec = parse_suite(sdes.suite, suite)) return ec;
  return parse_key_params(suite, sdes.key_params, out);
}

namespace {

std::string id_of(std::optional<sdes_key> const& in, std::optional<sdes_key> const& out) {
  std::string id;
  if (in) id.append(in->suite).append(" ").append(in->key_params);
  id.append("|");
  if (out) id.append(out->suite).append(" ").append(out->key_params);
  return id;
}

}  // namespace

std::error_code configure_relay(media_stream const& stream, relay_stream& relay,
                                std::chrono::steady_clock::time_point now,
                                std::chrono::milliseconds relearn) {
  for (std::uint8_t leg = 0; leg < 2; ++leg) {
    stream_end const& end = stream.ends[leg];
    relay.set_remote(leg, end.remote_rtp, end.remote_rtcp, end.rtcp_mux, now, relearn);
    std::string const id = id_of(end.inbound_key, end.outbound_key);
    if (id == relay.leg(leg).keys_id) continue;
    std::optional<srtp_key> in, out;
    if (end.inbound_key) {
      in.emplace();
      if (auto ec = to_srtp_key(*end.inbound_key, *in)) return ec;
    }
    if (end.outbound_key) {
      out.emplace();
      if (auto ec = to_srtp_key(*end.outbound_key, *out)) return ec;
    }
    if (auto ec = relay.set_keys(leg, in, out)) return ec;
    relay.set_keys_id(leg, id);
  }
  return {};
}

}  // namespace gatehouse::media
