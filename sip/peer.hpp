#pragma once

#include <cstdint>
#include <string>

namespace gatehouse::sip {

/// Transports a SIP message can travel on.
enum class transport_proto : std::uint8_t { udp, tcp, tls };

/// "UDP", "TCP", "TLS": the Via transport token.
constexpr char const* via_token(transport_proto p) noexcept {
  return p == transport_proto::udp ? "UDP" : p == transport_proto::tcp ? "TCP" : "TLS";
}

/// The far end of a message: where it came from or where it goes. For stream transports,
/// `connection` names the connection it came on (0 when none), so that responses can follow it.
struct peer {
  transport_proto proto = transport_proto::udp;
  std::string ip{};  ///< IPv4 or IPv6 literal, no brackets
  std::uint16_t port = 0;
  std::uint64_t connection = 0;
  std::uint32_t listener = 0;  ///< index of the local listener involved
  std::string server_name{};   ///< TLS client side: SNI and the name to verify (else `ip`)

  bool is_reliable() const noexcept { return proto != transport_proto::udp; }
};

}  // namespace gatehouse::sip
