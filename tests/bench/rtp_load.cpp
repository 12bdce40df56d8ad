#include "rtp_load.hpp"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace gatehouse::bench {

namespace {

constexpr std::uint32_t ssrc_tag = 0x5a000000;  // top byte of every SSRC the load sends
constexpr std::uint32_t ssrc_mask = 0xff000000;
constexpr std::size_t header = 12;
constexpr std::size_t send_batch = 8;  // small: one time stamp serves the whole batch
constexpr std::size_t receive_batch = 64;
constexpr std::size_t room = 2048;
constexpr std::int64_t slice_ns = 1'000'000;  // the sender wakes each 1 ms slice
constexpr int rounds_per_socket = 32;         // recvmmsg batches per socket and slice, at most

std::int64_t clock_ns(clockid_t clock) {
  timespec ts;
  ::clock_gettime(clock, &ts);
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t now_ns() {
  return clock_ns(CLOCK_MONOTONIC);
}

sockaddr_in to_sockaddr(media::socket_address const& a) {
  if (a.ip.v6) throw std::runtime_error("rtp load: IPv4 loopback only");
  sockaddr_in s{};
  s.sin_family = AF_INET;
  std::memcpy(&s.sin_addr, a.ip.bytes.data(), 4);
  s.sin_port = htons(a.port);
  return s;
}

int open_socket(media::ip_address const& ip, media::socket_address& bound) {
  int const fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("rtp load: socket: " + std::string(std::strerror(errno)));
  // Deep receive buffers: the load must never be where packets are lost. FORCE needs root;
  // otherwise the kernel caps SO_RCVBUF at net.core.rmem_max.
  int const deep = 16 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &deep, sizeof deep) != 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &deep, sizeof deep);
  int const on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);  // kernel arrival times
  auto const s = to_sockaddr({ip, 0});
  if (::bind(fd, reinterpret_cast<sockaddr const*>(&s), sizeof s) != 0) {
    int const e = errno;
    ::close(fd);
    throw std::runtime_error("rtp load: bind " + media::to_string(ip) + ": " + std::strerror(e));
  }
  sockaddr_in got{};
  socklen_t len = sizeof got;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &len);
  bound.ip = ip;
  bound.port = ntohs(got.sin_port);
  return fd;
}

// Packets the kernel dropped because the socket's receive buffer was full (SO_MEMINFO).
std::uint64_t socket_drops(int fd) {
  std::array<std::uint32_t, SK_MEMINFO_VARS> info{};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info.data(), &len) != 0) return 0;
  return info[SK_MEMINFO_DROPS];
}

void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = std::uint8_t(v >> 24), p[1] = std::uint8_t(v >> 16), p[2] = std::uint8_t(v >> 8),
  p[3] = std::uint8_t(v);
}

std::uint32_t get32(std::uint8_t const* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

}  // namespace

double load_result::loss() const noexcept {
  return sent == 0 ? 0 : double(sent - std::min(sent, received)) / double(sent);
}

double load_result::delivered_rate() const noexcept {
  return late_seconds > 0 ? double(received_late) / late_seconds : 0;
}

double load_result::sent_rate() const noexcept {
  return late_seconds > 0 ? double(sent_late) / late_seconds : 0;
}

namespace {

double percentile_us(std::vector<std::uint32_t> v, double fraction) {
  if (v.empty()) return 0;
  auto const k = std::min(v.size() - 1, std::size_t(fraction * double(v.size())));
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
  return double(v[k]) / 1000.0;
}

}  // namespace

double load_result::latency_us(double fraction) const {
  return percentile_us(latency_ns, fraction);
}

double load_result::latency_growth_ms() const {
  auto const q = latency_ns.size() / 4;
  if (q == 0) return 0;
  auto const first = std::vector<std::uint32_t>(latency_ns.begin(), latency_ns.begin() + q);
  auto const last = std::vector<std::uint32_t>(latency_ns.end() - q, latency_ns.end());
  return (percentile_us(last, 0.5) - percentile_us(first, 0.5)) / 1000.0;
}

rtp_load::rtp_load(load_options const& options) : options_(options) {
  auto const open_side = [&](media::ip_address const& ip, std::vector<int>& fds,
                             std::vector<media::socket_address>& addrs) {
    for (std::size_t i = 0; i < options_.sockets_per_side; ++i) {
      media::socket_address bound;
      fds.push_back(open_socket(ip, bound));
      addrs.push_back(bound);
    }
  };
  try {
    open_side(options_.a_ip, a_fd_, a_addr_);
    open_side(options_.b_ip, b_fd_, b_addr_);
  } catch (...) {
    for (int fd : a_fd_) ::close(fd);
    for (int fd : b_fd_) ::close(fd);
    throw;
  }
}

rtp_load::~rtp_load() {
  for (int fd : a_fd_) ::close(fd);
  for (int fd : b_fd_) ::close(fd);
}

load_result rtp_load::run(std::vector<load_stream> const& streams,
                          std::chrono::milliseconds duration, std::chrono::milliseconds drain,
                          std::function<void(bool)> const& mark) {
  std::size_t const n = streams.size();
  std::size_t const k_sockets = a_fd_.size();
  load_result r;
  if (n == 0) return r;

  // SRTP on side A: what A protects, and what it unprotects from the relay.
  std::vector<media::srtp_context> protect(n), unprotect(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto const& s = streams[i];
    if (s.a_send &&
        media::srtp_context::make(*s.a_send, media::srtp_direction::outbound, protect[i]))
      throw std::runtime_error("rtp load: bad SRTP send key");
    if (s.a_receive &&
        media::srtp_context::make(*s.a_receive, media::srtp_direction::inbound, unprotect[i]))
      throw std::runtime_error("rtp load: bad SRTP receive key");
  }

  // The sending order: A to B then B to A, grouped by socket so that batches are long. Each
  // stream direction comes once per cycle of 2n packets, i.e. every 20 ms at 50 packets/s.
  struct flow {
    int fd;
    sockaddr_in to;
    std::uint32_t ssrc;  // tag | stream << 1 | direction (0: A to B, 1: B to A)
    media::srtp_context* protect;
  };
  std::vector<flow> flows;
  flows.reserve(2 * n);
  for (std::uint32_t dir = 0; dir < 2; ++dir)
    for (std::size_t s = 0; s < k_sockets; ++s)
      for (std::size_t i = s; i < n; i += k_sockets) {
        auto const& st = streams[i];
        flows.push_back({dir == 0 ? a_fd_[s] : b_fd_[s],
                         to_sockaddr(dir == 0 ? st.relay_a : st.relay_b),
                         ssrc_tag | std::uint32_t(i) << 1 | dir,
                         dir == 0 && protect[i].is_open() ? &protect[i] : nullptr});
      }
  std::size_t const cycle = flows.size();
  double const rate = double(cycle) * options_.packets_per_second;  // packets/s, both ways
  std::uint64_t const total = std::uint64_t(rate * double(duration.count()) / 1000.0);
  r.asked = total;
  r.seconds = double(duration.count()) / 1000.0;
  r.late_seconds = r.seconds / 2;
  r.latency_ns.reserve(std::size_t(total / 2 + total / 8));
  std::vector<std::uint32_t> late_received(2 * n, 0);

  struct send_slot {
    std::array<std::array<std::uint8_t, room>, send_batch> buf{};
    std::array<mmsghdr, send_batch> msg{};
    std::array<iovec, send_batch> iov{};
    std::array<sockaddr_in, send_batch> to{};
  };
  struct receive_slot {
    std::array<std::array<std::uint8_t, room>, receive_batch> buf{};
    std::array<mmsghdr, receive_batch> msg{};
    std::array<iovec, receive_batch> iov{};
    std::array<std::array<std::uint8_t, CMSG_SPACE(sizeof(timespec))>, receive_batch> control{};
  };
  auto out = std::make_unique<send_slot>();
  auto in = std::make_unique<receive_slot>();
  for (std::size_t i = 0; i < receive_batch; ++i) {
    in->iov[i] = {in->buf[i].data(), room};
    in->msg[i].msg_hdr.msg_iov = &in->iov[i];
    in->msg[i].msg_hdr.msg_iovlen = 1;
  }

  auto const all_drops = [&] {
    std::uint64_t d = 0;
    for (int fd : a_fd_) d += socket_drops(fd);
    for (int fd : b_fd_) d += socket_drops(fd);
    return d;
  };
  // Whatever a previous run's relay delivered late is still queued: discard it, and tag this
  // run's packets so that none of it can be counted here.
  std::array<std::uint8_t, room> scrap;
  for (int fd : a_fd_)
    while (::recv(fd, scrap.data(), scrap.size(), MSG_DONTWAIT) >= 0) {}
  for (int fd : b_fd_)
    while (::recv(fd, scrap.data(), scrap.size(), MSG_DONTWAIT) >= 0) {}
  std::uint32_t const run_id = ++runs_;
  std::uint64_t const drops_before = all_drops();
  std::int64_t const t0 = now_ns() + 50'000'000;
  std::int64_t const end = t0 + std::int64_t(duration.count()) * 1'000'000;
  std::int64_t const mid = t0 + (end - t0) / 2;
  std::int64_t const stop = end + std::int64_t(drain.count()) * 1'000'000;
  auto const scheduled = [&](std::uint64_t k) { return t0 + std::int64_t(double(k) * 1e9 / rate); };

  // Sends packets [from, to) of the schedule.
  auto const send = [&](std::uint64_t from, std::uint64_t to) {
    while (from < to) {
      std::int64_t const stamp = now_ns();
      bool const late = stamp >= mid && stamp < end;
      int fd = flows[from % cycle].fd;
      std::size_t count = 0;
      for (; from < to && count < send_batch; ++from) {
        flow const& f = flows[from % cycle];
        if (f.fd != fd) break;
        std::uint8_t* p = out->buf[count].data();
        auto const seq = std::uint16_t(from / cycle);
        p[0] = 0x80;
        p[1] = 0;  // PCMU
        p[2] = std::uint8_t(seq >> 8), p[3] = std::uint8_t(seq);
        put32(p + 4, std::uint32_t(seq) * 160u);
        put32(p + 8, f.ssrc);
        std::memcpy(p + header, &stamp, sizeof stamp);
        std::memcpy(p + header + sizeof stamp, &run_id, sizeof run_id);
        std::size_t len = header + options_.payload;
        if (f.protect && f.protect->protect_rtp(p, len, room)) {
          ++r.send_errors;
          continue;
        }
        out->iov[count] = {p, len};
        out->to[count] = f.to;
        out->msg[count].msg_hdr = {};
        out->msg[count].msg_hdr.msg_iov = &out->iov[count];
        out->msg[count].msg_hdr.msg_iovlen = 1;
        out->msg[count].msg_hdr.msg_name = &out->to[count];
        out->msg[count].msg_hdr.msg_namelen = sizeof(sockaddr_in);
        ++count;
      }
      std::size_t done = 0;
      while (done < count) {
        int const got = ::sendmmsg(fd, out->msg.data() + done, unsigned(count - done), 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        done += std::size_t(got);
      }
      r.sent += done;
      r.send_errors += count - done;
      if (late) r.sent_late += done;
    }
  };

  // Reads what is queued on socket `index` (A sockets first, then B). The arrival time is the
  // kernel's (SO_TIMESTAMPNS, CLOCK_REALTIME, moved to CLOCK_MONOTONIC by `real_minus_mono`), so
  // the time a packet waits for this thread to read it is not counted against the relay.
  auto const receive = [&](std::size_t index, std::int64_t real_minus_mono) {
    bool const on_a = index < k_sockets;
    int const fd = on_a ? a_fd_[index] : b_fd_[index - k_sockets];
    for (int round = 0; round < rounds_per_socket; ++round) {
      for (std::size_t j = 0; j < receive_batch; ++j) {
        in->msg[j].msg_len = 0;
        in->msg[j].msg_hdr.msg_control = in->control[j].data();
        in->msg[j].msg_hdr.msg_controllen = in->control[j].size();
      }
      int const got =
          ::recvmmsg(fd, in->msg.data(), unsigned(receive_batch), MSG_DONTWAIT, nullptr);
      if (got <= 0) break;
      std::int64_t const read_at = now_ns();
      for (int j = 0; j < got; ++j) {
        auto& m = in->msg[std::size_t(j)];
        std::uint8_t* p = in->buf[std::size_t(j)].data();
        std::size_t len = m.msg_len;
        if (len < header + sizeof(std::int64_t) + sizeof run_id) {
          ++r.unknown;
          continue;
        }
        std::uint32_t const ssrc = get32(p + 8);
        std::uint32_t const id = ssrc & ~ssrc_mask;
        std::size_t const stream = id >> 1;
        bool const b_to_a = (id & 1) != 0;
        if ((ssrc & ssrc_mask) != ssrc_tag || stream >= n || b_to_a != on_a) {
          ++r.unknown;
          continue;
        }
        if (b_to_a && unprotect[stream].is_open() &&
            unprotect[stream].unprotect_rtp(p, len, room)) {
          ++r.undecryptable;
          continue;
        }
        std::int64_t arrived = read_at;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr); c; c = CMSG_NXTHDR(&m.msg_hdr, c))
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts;
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            arrived = std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec - real_minus_mono;
          }
        std::int64_t sent_at;
        std::memcpy(&sent_at, p + header, sizeof sent_at);
        std::uint32_t sent_in;
        std::memcpy(&sent_in, p + header + sizeof sent_at, sizeof sent_in);
        if (sent_in != run_id) {
          ++r.unknown;
          continue;
        }
        ++r.received;
        if (arrived >= mid && arrived < end) {
          ++r.received_late;
          ++late_received[id];
          r.latency_ns.push_back(
              std::uint32_t(std::clamp<std::int64_t>(arrived - sent_at, 0, UINT32_MAX)));
        }
      }
      if (got < int(receive_batch)) break;
    }
  };

  // Each 1 ms slice: send what the schedule says is due, read everything that came back, sleep
  // to the next slice. Nothing waits on the sockets, so the relay's sends wake nobody up.
  std::uint64_t next = 0;
  std::int64_t next_slice = t0;
  bool started = false, ended = false;
  for (;;) {
    std::int64_t const now = now_ns();
    if (!started && now >= t0) {
      started = true;
      if (mark) mark(true);
    }
    if (!ended && now >= end) {
      ended = true;
      if (mark) mark(false);
    }
    if (now >= stop) break;
    if (next < total && now >= next_slice) {
      // Everything scheduled up to now, but no more than 4 slices' worth at once: a load that
      // fell behind must keep reading too, or its own buffers overflow.
      auto const due = std::min({total, std::uint64_t(double(now - t0) * rate / 1e9) + 1,
                                 next + std::uint64_t(rate * 4 * slice_ns / 1e9) + 1});
      if (due > next) {
        r.max_lag_ms = std::max(r.max_lag_ms, double(now - scheduled(next)) / 1e6);
        send(next, due);
        next = due;
      }
      next_slice = next < std::uint64_t(double(now_ns() - t0) * rate / 1e9)
                       ? now  // still behind: no sleep
                       : now + slice_ns - (now - t0) % slice_ns;
    }
    std::int64_t const real_minus_mono = clock_ns(CLOCK_REALTIME) - now_ns();
    for (std::size_t i = 0; i < 2 * k_sockets; ++i) receive(i, real_minus_mono);
    std::int64_t const wake = next < total ? next_slice : std::min(stop, now + slice_ns);
    timespec const until{time_t(wake / 1'000'000'000), long(wake % 1'000'000'000)};
    if (wake > now_ns()) ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
  }
  r.load_drops = all_drops() - drops_before;
  for (auto c : late_received)
    if (c == 0) ++r.silent;
  return r;
}

}  // namespace gatehouse::bench
