#include "media/relay.hpp"

#include <span>

#include "media/rtp.hpp"

namespace gatehouse::media {

relay_action relay_stream::drop(relay_leg& from, drop_reason why) noexcept {
  ++from.stats.dropped[std::size_t(why)];
  relay_action a;
  a.reason = why;
  return a;
}

relay_action relay_stream::on_packet(std::uint8_t leg, bool on_rtcp_port, std::uint8_t* packet,
                                     std::size_t length, std::size_t capacity,
                                     socket_address const& source,
                                     std::chrono::steady_clock::time_point now) noexcept {
  relay_leg& from = legs_[leg & 1];
  relay_leg& to = legs_[(leg & 1) ^ 1];
  std::span<std::uint8_t const> const bytes(packet, length);

  // 1. Parse: RTP/RTCP version 2 only (RFC 3550 §5.1); on a muxed port, demultiplex (RFC 5761 §4).
  if (!is_rtp_or_rtcp_v2(bytes)) return drop(from, drop_reason::not_rtp);
  bool const rtcp = on_rtcp_port || is_rtcp(bytes);

  // 2. Decrypt and authenticate what this side sends, when it uses SRTP (RFC 3711 §3.3).
  std::size_t const received = length;
  if (from.from_leg.is_open()) {
    auto const ec = rtcp ? from.from_leg.unprotect_rtcp(packet, length, capacity)
                         : from.from_leg.unprotect_rtp(packet, length, capacity);
    if (ec == srtp_errc::replayed || ec == srtp_errc::too_old)
      return drop(from, drop_reason::srtp_replay);
    if (ec) return drop(from, drop_reason::srtp_auth);
  }

  // 3. Check the source: only now is the packet valid, and only valid packets may latch.
  latch_state& latch = on_rtcp_port ? from.rtcp : from.rtp;
  packet_facts const facts{source, true};
  latch_verdict const verdict = decide(latch, facts, now);
  if (verdict == latch_verdict::drop_wrong_source) return drop(from, drop_reason::wrong_source);
  apply(latch, verdict, facts);

  if (rtcp) {
    // What the side reports about the stream it receives from us (RFC 3550 §6.4).
    rtcp_info info;
    if (!parse_rtcp(std::span<std::uint8_t const>(packet, length), info) && info.report_count > 0) {
      from.stats.fraction_lost = info.reports[0].fraction_lost;
      from.stats.cumulative_lost = info.reports[0].cumulative_lost;
      from.stats.jitter = info.reports[0].jitter;
      from.stats.has_report = true;
    }
  }

  // 4. Where it goes: the other side's latched or SDP address, RTCP on its RTCP port unless muxed.
  bool const out_rtcp_port = rtcp && !to.rtcp_mux;
  auto const dest = destination(out_rtcp_port ? to.rtcp : to.rtp);
  if (!dest) return drop(from, drop_reason::no_destination);

  // 5. Encrypt for the other side, when it uses SRTP.
  if (to.to_leg.is_open()) {
    auto const ec = rtcp ? to.to_leg.protect_rtcp(packet, length, capacity)
                         : to.to_leg.protect_rtp(packet, length, capacity);
    if (ec) return drop(from, drop_reason::crypto_error);
  }

  ++from.stats.packets;
  from.stats.bytes += received;
  from.stats.last_packet = now;
  relay_action a;
  a.send = true;
  a.out_leg = std::uint8_t((leg & 1) ^ 1);
  a.from_rtcp_port = out_rtcp_port;
  a.to = *dest;
  a.length = length;
  return a;
}

void relay_stream::set_remote(std::uint8_t leg, std::optional<socket_address> rtp,
                              std::optional<socket_address> rtcp, bool rtcp_mux,
                              std::chrono::steady_clock::time_point now,
                              std::chrono::milliseconds relearn) {
  relay_leg& l = legs_[leg & 1];
  l.rtcp_mux = rtcp_mux;
  on_sdp_address(l.rtp, rtp, now, relearn);
  on_sdp_address(l.rtcp, rtcp_mux ? rtp : rtcp, now, relearn);
}

std::error_code relay_stream::set_keys(std::uint8_t leg, std::optional<srtp_key> const& from_leg,
                                       std::optional<srtp_key> const& to_leg) {
  relay_leg& l = legs_[leg & 1];
  srtp_context in, out;
  if (from_leg)
    if (auto ec = srtp_context::make(*from_leg, srtp_direction::inbound, in)) return ec;
  if (to_leg)
    if (auto ec = srtp_context::make(*to_leg, srtp_direction::outbound, out)) return ec;
  l.from_leg = std::move(in);
  l.to_leg = std::move(out);
  return {};
}

std::optional<std::chrono::steady_clock::time_point> relay_stream::last_activity() const noexcept {
  auto const& a = legs_[0].stats.last_packet;
  auto const& b = legs_[1].stats.last_packet;
  if (a && b) return std::max(*a, *b);
  return a ? a : b;
}

}  // namespace gatehouse::media
