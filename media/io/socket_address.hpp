#pragma once
// Conversions between media::socket_address and the system's sockaddr, for code that calls the
// socket API directly (recvmmsg/sendmmsg in the worker, the test peer).

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "media/ip_address.hpp"

namespace gatehouse::media::io {

/// The address a sockaddr_in or sockaddr_in6 holds.
inline socket_address from_sockaddr(sockaddr_storage const& s) noexcept {
  socket_address a;
  if (s.ss_family == AF_INET6) {
    auto const& v6 = reinterpret_cast<sockaddr_in6 const&>(s);
    a.ip.v6 = true;
    std::memcpy(a.ip.bytes.data(), &v6.sin6_addr, 16);
    a.port = ntohs(v6.sin6_port);
  } else {
    auto const& v4 = reinterpret_cast<sockaddr_in const&>(s);
    std::memcpy(a.ip.bytes.data(), &v4.sin_addr, 4);
    a.port = ntohs(v4.sin_port);
  }
  return a;
}

/// Writes `a` into `s`; returns the length the socket calls want.
inline socklen_t to_sockaddr(socket_address const& a, sockaddr_storage& s) noexcept {
  std::memset(&s, 0, sizeof s);
  if (a.ip.v6) {
    auto& v6 = reinterpret_cast<sockaddr_in6&>(s);
    v6.sin6_family = AF_INET6;
    std::memcpy(&v6.sin6_addr, a.ip.bytes.data(), 16);
    v6.sin6_port = htons(a.port);
    return sizeof(sockaddr_in6);
  }
  auto& v4 = reinterpret_cast<sockaddr_in&>(s);
  v4.sin_family = AF_INET;
  std::memcpy(&v4.sin_addr, a.ip.bytes.data(), 4);
  v4.sin_port = htons(a.port);
  return sizeof(sockaddr_in);
}

}  // namespace gatehouse::media::io
