#include "rtp_peer.hpp"

#include "media/io/socket_address.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace gatehouse::test {

namespace {

using media::io::from_sockaddr;
using media::io::to_sockaddr;

int open_socket(media::socket_address const& bind) {
  int const fd = ::socket(bind.ip.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error("rtp peer: socket");
  sockaddr_storage s;
  socklen_t const len = to_sockaddr(bind, s);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&s), len) != 0) {
    ::close(fd);
    throw std::runtime_error("rtp peer: bind");
  }
  return fd;
}

// The payload pattern: byte i of packet `seq` is (seq + i) mod 256.
void fill(std::uint8_t* p, std::uint16_t seq, std::uint32_t ssrc, std::size_t payload) {
  p[0] = 0x80;
  p[1] = 0;
  p[2] = std::uint8_t(seq >> 8);
  p[3] = std::uint8_t(seq);
  std::uint32_t const ts = std::uint32_t(seq) * 160u;
  for (int i = 0; i < 4; ++i) p[4 + i] = std::uint8_t(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) p[8 + i] = std::uint8_t(ssrc >> (24 - 8 * i));
  for (std::size_t i = 0; i < payload; ++i) p[12 + i] = std::uint8_t(seq + i);
}

}  // namespace

std::uint16_t free_udp_port(media::ip_address const& ip) {
  int const fd = open_socket({ip, 0});
  sockaddr_storage s;
  socklen_t len = sizeof s;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&s), &len);
  ::close(fd);
  return from_sockaddr(s).port;
}

rtp_peer_report run_rtp_peer(rtp_peer_options const& o, std::chrono::milliseconds duration,
                             std::chrono::milliseconds drain) {
  int const fd = open_socket(o.bind);
  media::srtp_context protect, unprotect;
  if (o.send_key &&
      media::srtp_context::make(*o.send_key, media::srtp_direction::outbound, protect))
    throw std::runtime_error("rtp peer: send key");
  if (o.receive_key &&
      media::srtp_context::make(*o.receive_key, media::srtp_direction::inbound, unprotect))
    throw std::runtime_error("rtp peer: receive key");

  rtp_peer_report r;
  std::optional<media::socket_address> target = o.to;
  std::optional<std::uint32_t> peer_ssrc;
  std::optional<std::uint16_t> last_seq;
  auto const start = std::chrono::steady_clock::now() + o.start_delay;
  auto const stop_sending = start + duration;
  auto const stop = stop_sending + drain;
  auto const interval = std::chrono::microseconds(1000000 / std::max(o.packets_per_second, 1));
  auto next_send = start;
  std::uint16_t seq = 1;
  std::array<std::uint8_t, 2048> buf;
  for (;;) {
    auto const now = std::chrono::steady_clock::now();
    if (now >= stop) break;
    if (now >= next_send && now < stop_sending && target) {
      fill(buf.data(), seq, o.ssrc, o.payload);
      std::size_t len = 12 + o.payload;
      if (o.send_key) (void)protect.protect_rtp(buf.data(), len, buf.size());
      sockaddr_storage s;
      socklen_t const sl = to_sockaddr(*target, s);
      if (::sendto(fd, buf.data(), len, 0, reinterpret_cast<sockaddr*>(&s), sl) > 0) ++r.sent;
      ++seq;
      next_send += interval;
      continue;
    }
    auto const wake =
        std::min(now < stop_sending && target ? std::max(next_send, now) : stop, stop);
    int const wait_ms =
        int(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count());
    pollfd pf{fd, POLLIN, 0};
    if (::poll(&pf, 1, std::max(wait_ms, 0)) <= 0) continue;
    sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t const n =
        ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
    if (n < 12) continue;
    std::size_t len = std::size_t(n);
    if (o.receive_key && unprotect.unprotect_rtp(buf.data(), len, buf.size())) {
      ++r.undecryptable;
      continue;
    }
    r.last_source = from_sockaddr(from);
    if (o.symmetric && !o.to) target = r.last_source;
    std::uint32_t const ssrc = std::uint32_t(buf[8]) << 24 | std::uint32_t(buf[9]) << 16 |
                               std::uint32_t(buf[10]) << 8 | buf[11];
    if (!peer_ssrc) peer_ssrc = ssrc;
    if (ssrc != *peer_ssrc) {
      ++r.foreign_ssrc;
      continue;
    }
    std::uint16_t const s = std::uint16_t(buf[2] << 8 | buf[3]);
    ++r.received;
    for (std::size_t i = 12; i < len; ++i)
      if (buf[i] != std::uint8_t(s + (i - 12))) {
        ++r.bad_payload;
        break;
      }
    if (last_seq) {
      auto const step = std::int16_t(s - *last_seq);
      if (step <= 0)
        ++r.out_of_order;
      else
        r.lost += std::uint64_t(step - 1);
    }
    if (!last_seq || std::int16_t(s - *last_seq) > 0) last_seq = s;
  }
  ::close(fd);
  return r;
}

}  // namespace gatehouse::test
