#pragma once

// RTP (RFC 3550 §5.1) and RTCP (RFC 3550 §6) header parsing, and telling the two apart when they
// share a port (RFC 5761 §4). Everything here reads the caller's bytes in place: no allocation,
// no copies, and a bad packet is an error code, never a read past its end.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace gatehouse::media {

/// What can be wrong with an RTP or RTCP packet.
enum class rtp_errc {
  truncated = 1,          ///< shorter than the fixed header
  bad_version,            ///< version field other than 2
  csrc_overrun,           ///< the CSRC list runs past the end of the packet
  extension_overrun,      ///< the header extension runs past the end of the packet
  bad_padding,            ///< padding count of zero, or more padding than payload
  not_rtcp,               ///< the first packet of a compound has no RTCP packet type
  rtcp_length_overrun,    ///< an RTCP length field runs past the end of the compound
  rtcp_report_overrun,    ///< the report blocks or chunks do not fit in the RTCP packet
  rtcp_too_many_packets,  ///< more packets in a compound than rtcp_info::max_packets
};

/// The category of gatehouse::media::rtp_errc.
std::error_category const& rtp_error_category() noexcept;

/// Makes an error_code from an rtp_errc (found by ADL).
std::error_code make_error_code(rtp_errc e) noexcept;

/// The fields of an RTP header (RFC 3550 §5.1) and where its payload lies.
struct rtp_header {
  std::uint8_t payload_type = 0;  ///< 0..127
  bool marker = false;            ///< the M bit
  std::uint16_t sequence = 0;     ///< sequence number
  std::uint32_t timestamp = 0;    ///< media timestamp
  std::uint32_t ssrc = 0;         ///< synchronization source
  std::uint8_t csrc_count = 0;    ///< CC: number of CSRC identifiers, 0..15
  bool has_extension = false;     ///< the X bit: a header extension follows the CSRCs
  std::size_t header_size = 0;    ///< fixed header + CSRCs + extension, in octets
  std::size_t padding = 0;        ///< padding octets at the end (0 when the P bit is clear)

  /// The payload's size in a packet of `packet_size` octets that parsed into this header.
  std::size_t payload_size(std::size_t packet_size) const noexcept {
    return packet_size - header_size - padding;
  }
};

/// Size of the fixed RTP header (RFC 3550 §5.1).
inline constexpr std::size_t rtp_fixed_header_size = 12;

/// Parses an RTP packet's header: version 2, CSRCs, extension and padding must fit the packet.
/// Errors: rtp_errc::truncated, bad_version, csrc_overrun, extension_overrun, bad_padding.
std::error_code parse_rtp(std::span<std::uint8_t const> packet, rtp_header& out) noexcept;

/// Parses the cleartext header of an SRTP packet (RFC 3711 §3.1): as parse_rtp, but the padding
/// count is encrypted, so it is not read and `padding` is 0.
std::error_code parse_srtp_header(std::span<std::uint8_t const> packet, rtp_header& out) noexcept;

/// True when an RTP/RTCP packet on a multiplexed port is RTCP (RFC 5761 §4).
bool is_rtcp(std::span<std::uint8_t const> packet) noexcept;

/// True when the packet could be RTP or RTCP: long enough and version 2 (RFC 7983 §7 first byte
/// 128..191), as opposed to STUN, DTLS or noise.
bool is_rtp_or_rtcp_v2(std::span<std::uint8_t const> packet) noexcept;

/// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611 §2).
enum class rtcp_type : std::uint8_t {
  sr = 200,     ///< sender report
  rr = 201,     ///< receiver report
  sdes = 202,   ///< source description
  bye = 203,    ///< goodbye
  app = 204,    ///< application-defined
  rtpfb = 205,  ///< transport-layer feedback (RFC 4585)
  psfb = 206,   ///< payload-specific feedback (RFC 4585)
  xr = 207,     ///< extended report (RFC 3611)
};

/// One report block of an SR or RR (RFC 3550 §6.4.1).
struct rtcp_report_block {
  std::uint32_t ssrc = 0;                 ///< SSRC_n: the source this block is about
  std::uint8_t fraction_lost = 0;         ///< fraction lost since the previous report, in 1/256
  std::int32_t cumulative_lost = 0;       ///< packets lost since the start, 24-bit signed
  std::uint32_t highest_sequence = 0;     ///< extended highest sequence number received
  std::uint32_t jitter = 0;               ///< interarrival jitter, in timestamp units
  std::uint32_t last_sr = 0;              ///< LSR: middle 32 bits of the last SR's NTP time
  std::uint32_t delay_since_last_sr = 0;  ///< DLSR, in 1/65536 seconds
};

/// The sender info of an SR (RFC 3550 §6.4.1).
struct rtcp_sender_info {
  std::uint64_t ntp_timestamp = 0;  ///< 64-bit NTP wallclock time
  std::uint32_t rtp_timestamp = 0;  ///< the same instant in RTP timestamp units
  std::uint32_t packet_count = 0;   ///< sender's packet count
  std::uint32_t octet_count = 0;    ///< sender's payload octet count
};

/// One packet of an RTCP compound: its common header (RFC 3550 §6.4.1) and where it lies.
struct rtcp_packet_info {
  std::uint8_t type = 0;   ///< packet type, 192..223 (see rtcp_type)
  std::uint8_t count = 0;  ///< the 5-bit RC/SC/FMT field
  bool has_ssrc = false;   ///< the packet carries an SSRC (BYE and SDES with count 0 do not)
  std::uint32_t ssrc = 0;  ///< sender SSRC; first chunk's or first BYE SSRC for SDES/BYE
  std::size_t offset = 0;  ///< octet offset of the packet in the compound
  std::size_t size = 0;    ///< octets, from its length field: (length + 1) * 4
};

/// What parse_rtcp found in a compound RTCP packet.
struct rtcp_info {
  static constexpr std::size_t max_packets = 16;        ///< packets per compound
  static constexpr std::size_t max_report_blocks = 31;  ///< report blocks kept per compound

  std::array<rtcp_packet_info, max_packets> packets{};  ///< packets in order
  std::size_t packet_count = 0;                         ///< valid entries of `packets`

  bool has_sender_ssrc = false;   ///< the first packet carries an SSRC
  std::uint32_t sender_ssrc = 0;  ///< the first packet's SSRC

  bool has_sender_info = false;    ///< an SR was present
  rtcp_sender_info sender_info{};  ///< of the first SR

  std::array<rtcp_report_block, max_report_blocks> reports{};  ///< SR/RR blocks in order
  std::size_t report_count = 0;                                ///< valid entries of `reports`
  std::size_t reports_omitted = 0;  ///< valid blocks beyond max_report_blocks, not kept

  bool has_bye = false;  ///< a BYE was present (RFC 3550 §6.6)
};

/// Parses a compound RTCP packet (RFC 3550 §6.1), checking every packet's version and length
/// field, and that the lengths add up to the datagram (RFC 3550 Appendix A.2). Reduced-size
/// RTCP (RFC 5506: one packet of any type) is accepted. Errors: rtp_errc::truncated,
/// bad_version, not_rtcp, rtcp_length_overrun, rtcp_report_overrun, bad_padding,
/// rtcp_too_many_packets.
std::error_code parse_rtcp(std::span<std::uint8_t const> compound, rtcp_info& out) noexcept;

}  // namespace gatehouse::media

template <>
struct std::is_error_code_enum<gatehouse::media::rtp_errc> : std::true_type {};
