#include "media/rtp.hpp"

#include <string>

namespace gatehouse::media {
namespace {

class rtp_category final : public std::error_category {
 public:
  char const* name() const noexcept override { return "gatehouse.rtp"; }

  std::string message(int ev) const override {
    switch (static_cast<rtp_errc>(ev)) {
      case rtp_errc::truncated:
        return "packet shorter than its header";
      case rtp_errc::bad_version:
        return "RTP/RTCP version is not 2";
      case rtp_errc::csrc_overrun:
        return "RTP CSRC list runs past the packet";
      case rtp_errc::extension_overrun:
        return "RTP header extension runs past the packet";
      case rtp_errc::bad_padding:
        return "bad padding count";
      case rtp_errc::not_rtcp:
        return "not an RTCP packet type";
      case rtp_errc::rtcp_length_overrun:
        return "RTCP length field runs past the compound packet";
      case rtp_errc::rtcp_report_overrun:
        return "RTCP report blocks do not fit the packet";
      case rtp_errc::rtcp_too_many_packets:
        return "too many packets in an RTCP compound";
    }
    return "unknown RTP error";
  }
};

std::uint16_t load16(std::uint8_t const* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t load24(std::uint8_t const* p) noexcept {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | std::uint32_t{p[2]};
}

std::uint32_t load32(std::uint8_t const* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | load24(p + 1);
}

constexpr unsigned version_of(std::uint8_t first) noexcept {
  return first >> 6;
}
constexpr bool padding_bit(std::uint8_t first) noexcept {
  return (first & 0x20) != 0;
}

// RFC 5761 §4: RTCP packet types 192..223 occupy what would be RTP payload types 64..95 with the
// marker bit set; a compound's packets must all carry one of them.
constexpr bool is_rtcp_packet_type(std::uint8_t type) noexcept {
  return type >= 192 && type <= 223;
}

// RFC 3550 §5.1: the fixed header, CSRC list and extension; padding only when asked, since an
// SRTP packet's padding is encrypted (RFC 3711 §3.1).
std::error_code parse_header(std::span<std::uint8_t const> packet, rtp_header& out,
                             bool read_padding) noexcept {
  auto const size = packet.size();
  if (size < rtp_fixed_header_size) return rtp_errc::truncated;
  auto const* p = packet.data();
  if (version_of(p[0]) != 2) return rtp_errc::bad_version;

  rtp_header h;
  h.csrc_count = p[0] & 0x0f;
  h.has_extension = (p[0] & 0x10) != 0;
  h.marker = (p[1] & 0x80) != 0;
  h.payload_type = p[1] & 0x7f;
  h.sequence = load16(p + 2);
  h.timestamp = load32(p + 4);
  h.ssrc = load32(p + 8);

  std::size_t header = rtp_fixed_header_size + 4 * std::size_t{h.csrc_count};
  if (header > size) return rtp_errc::csrc_overrun;
  if (h.has_extension) {
    // RFC 3550 §5.3.1: 16 bits defined by profile, 16 bits length in 32-bit words.
    if (size - header < 4) return rtp_errc::extension_overrun;
    std::size_t const words = load16(p + header + 2);
    header += 4;
    if (words > (size - header) / 4) return rtp_errc::extension_overrun;
    header += 4 * words;
  }
  h.header_size = header;

  if (read_padding && padding_bit(p[0])) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included.
    std::size_t const pad = p[size - 1];
    if (pad == 0 || pad > size - header) return rtp_errc::bad_padding;
    h.padding = pad;
  }
  out = h;
  return {};
}

// RFC 3550 §6.4.1: report blocks of 24 octets.
void read_report_blocks(std::uint8_t const* p, std::size_t n, rtcp_info& out) noexcept {
  for (std::size_t i = 0; i < n; ++i, p += 24) {
    if (out.report_count == rtcp_info::max_report_blocks) {
      out.reports_omitted += n - i;
      return;
    }
    rtcp_report_block& b = out.reports[out.report_count++];
    b.ssrc = load32(p);
    b.fraction_lost = p[4];
    // cumulative number of packets lost: a 24-bit two's complement value.
    std::uint32_t const lost = load24(p + 5);
    b.cumulative_lost = static_cast<std::int32_t>(lost) - ((lost & 0x800000u) != 0 ? 0x1000000 : 0);
    b.highest_sequence = load32(p + 8);
    b.jitter = load32(p + 12);
    b.last_sr = load32(p + 16);
    b.delay_since_last_sr = load32(p + 20);
  }
}

// One packet of a compound: `p` points at its header, `body` octets follow it (padding removed).
std::error_code parse_rtcp_packet(std::uint8_t const* p, std::size_t body, rtcp_packet_info& pkt,
                                  rtcp_info& out) noexcept {
  std::uint8_t const* const b = p + 4;
  std::size_t const count = pkt.count;
  constexpr std::size_t block = 24;
  switch (static_cast<rtcp_type>(pkt.type)) {
    case rtcp_type::sr: {
      // RFC 3550 §6.4.1: SSRC, 20 octets of sender info, RC report blocks; profile-specific
      // extensions may follow.
      if (body < 24 || (body - 24) / block < count) return rtp_errc::rtcp_report_overrun;
      if (!out.has_sender_info) {
        out.has_sender_info = true;
        out.sender_info.ntp_timestamp = (std::uint64_t{load32(b + 4)} << 32) | load32(b + 8);
        out.sender_info.rtp_timestamp = load32(b + 12);
        out.sender_info.packet_count = load32(b + 16);
        out.sender_info.octet_count = load32(b + 20);
      }
      read_report_blocks(b + 24, count, out);
      break;
    }
    case rtcp_type::rr:
      // RFC 3550 §6.4.2: SSRC and RC report blocks.
      if (body < 4 || (body - 4) / block < count) return rtp_errc::rtcp_report_overrun;
      read_report_blocks(b + 4, count, out);
      break;
    case rtcp_type::sdes:
      // RFC 3550 §6.5: SC chunks, each starting with an SSRC/CSRC. The items are not checked:
      // the relay forwards them untouched.
      if (count > 0 && body < 4) return rtp_errc::rtcp_report_overrun;
      break;
    case rtcp_type::bye:
      // RFC 3550 §6.6: SC SSRC/CSRC identifiers, then an optional reason.
      if (body / 4 < count) return rtp_errc::rtcp_report_overrun;
      out.has_bye = true;
      break;
    default:
      break;
  }
  bool const lists_sources = pkt.type == static_cast<std::uint8_t>(rtcp_type::sdes) ||
                             pkt.type == static_cast<std::uint8_t>(rtcp_type::bye);
  if (body >= 4 && (!lists_sources || count > 0)) {
    pkt.has_ssrc = true;
    pkt.ssrc = load32(b);
  }
  return {};
}

}  // namespace

std::error_category const& rtp_error_category() noexcept {
  static rtp_category const instance;
  return instance;
}

std::error_code make_error_code(rtp_errc e) noexcept {
  return {static_cast<int>(e), rtp_error_category()};
}

std::error_code parse_rtp(std::span<std::uint8_t const> packet, rtp_header& out) noexcept {
  return parse_header(packet, out, true);
}

std::error_code parse_srtp_header(std::span<std::uint8_t const> packet, rtp_header& out) noexcept {
  return parse_header(packet, out, false);
}

bool is_rtcp(std::span<std::uint8_t const> packet) noexcept {
  // RFC 5761 §4: with the marker bit masked off, payload types 64..95 are RTCP.
  if (packet.size() < 2) return false;
  unsigned const pt = packet[1] & 0x7fu;
  return pt >= 64 && pt <= 95;
}

bool is_rtp_or_rtcp_v2(std::span<std::uint8_t const> packet) noexcept {
  // The smallest useful RTCP packet (an RR with no blocks) is 8 octets; RTP needs 12.
  return packet.size() >= 8 && version_of(packet[0]) == 2;
}

std::error_code parse_rtcp(std::span<std::uint8_t const> compound, rtcp_info& out) noexcept {
  out = rtcp_info{};
  auto const size = compound.size();
  if (size < 4) return rtp_errc::truncated;
  auto const* const data = compound.data();

  std::size_t offset = 0;
  while (offset < size) {
    // RFC 3550 Appendix A.2: the length fields must add up to the datagram's length.
    if (size - offset < 4) return rtp_errc::rtcp_length_overrun;
    std::uint8_t const* const p = data + offset;
    if (version_of(p[0]) != 2) return rtp_errc::bad_version;
    if (!is_rtcp_packet_type(p[1])) return rtp_errc::not_rtcp;
    // RFC 3550 §6.4.1: length in 32-bit words minus one, header included.
    std::size_t const packet_size = (std::size_t{load16(p + 2)} + 1) * 4;
    if (packet_size > size - offset) return rtp_errc::rtcp_length_overrun;
    if (out.packet_count == rtcp_info::max_packets) return rtp_errc::rtcp_too_many_packets;

    std::size_t body = packet_size - 4;
    if (padding_bit(p[0])) {
      // RFC 3550 §6.4.1: the last octet of the packet counts the padding, itself included.
      std::size_t const pad = p[packet_size - 1];
      if (pad == 0 || pad > body) return rtp_errc::bad_padding;
      body -= pad;
    }

    rtcp_packet_info& pkt = out.packets[out.packet_count];
    pkt.type = p[1];
    pkt.count = p[0] & 0x1f;
    pkt.offset = offset;
    pkt.size = packet_size;
    if (auto ec = parse_rtcp_packet(p, body, pkt, out)) return ec;
    ++out.packet_count;
    offset += packet_size;
  }

  if (out.packets[0].has_ssrc) {
    out.has_sender_ssrc = true;
    out.sender_ssrc = out.packets[0].ssrc;
  }
  return {};
}

}  // namespace gatehouse::media
