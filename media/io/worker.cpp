#include "media/io/worker.hpp"

#include "media/io/socket_address.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

namespace gatehouse::media::io {

namespace {

using udp = asio::ip::udp;
using steady = std::chrono::steady_clock;

constexpr std::size_t batch_size = 32;     // packets per recvmmsg/sendmmsg
constexpr std::size_t packet_room = 2048;  // a packet plus the SRTP trailer
constexpr int batches_per_wakeup = 8;      // then yield, so one busy socket cannot starve others

asio::ip::address to_asio(ip_address const& a) {
  if (a.v6) {
    asio::ip::address_v6::bytes_type b;
    std::memcpy(b.data(), a.bytes.data(), 16);
    return asio::ip::address_v6(b);
  }
  asio::ip::address_v4::bytes_type b;
  std::memcpy(b.data(), a.bytes.data(), 4);
  return asio::ip::address_v4(b);
}

}  // namespace

stream_sockets sockets_for(media_stream const& stream, ip_address const& a_bind,
                           ip_address const& b_bind) {
  stream_sockets s;
  auto const& a = stream.ends[0];
  auto const& b = stream.ends[1];
  s.a = {a_bind, a.rtp_port.value_or(0), a.rtcp_port};
  s.b = {b_bind, b.rtp_port.value_or(0), b.rtcp_port};
  return s;
}

struct worker::port {
  udp::socket socket;
  struct stream* owner = nullptr;  // null once the stream is removed
  std::uint8_t leg = 0;
  bool rtcp = false;
};

struct worker::stream {
  stream_id id = 0;
  relay_stream relay;
  // [side * 2 + (rtcp ? 1 : 0)]; a muxed side has no RTCP port.
  std::array<std::shared_ptr<port>, 4> ports;
  std::chrono::milliseconds timeout{0};
  steady::time_point created;
  bool timed_out = false;

  port* out_port(std::uint8_t leg, bool rtcp) const {
    auto const& p = ports[std::size_t(leg * 2 + (rtcp ? 1 : 0))];
    return p ? p.get() : ports[std::size_t(leg * 2)].get();
  }
};

struct worker::batch {
  std::array<std::array<std::uint8_t, packet_room>, batch_size> buffers;
  std::array<mmsghdr, batch_size> in{};
  std::array<iovec, batch_size> in_iov{};
  std::array<sockaddr_storage, batch_size> in_addr{};
  // Up to two destinations per batch: the other side's RTP and RTCP ports.
  struct out_group {
    port* via = nullptr;
    std::array<mmsghdr, batch_size> msgs{};
    std::array<iovec, batch_size> iov{};
    std::array<sockaddr_storage, batch_size> addr{};
    unsigned count = 0;
  };
  std::array<out_group, 2> out;
};

worker::worker(timeout_handler on_timeout, std::chrono::milliseconds media_timeout,
               std::chrono::milliseconds scan)
    : io_(1),
      work_(asio::make_work_guard(io_)),
      on_timeout_(std::move(on_timeout)),
      default_timeout_(media_timeout),
      scan_interval_(scan),
      scan_timer_(io_),
      batch_(std::make_unique<batch>()) {
  for (std::size_t i = 0; i < batch_size; ++i) {
    batch_->in_iov[i] = {batch_->buffers[i].data(), batch_->buffers[i].size()};
    batch_->in[i].msg_hdr.msg_iov = &batch_->in_iov[i];
    batch_->in[i].msg_hdr.msg_iovlen = 1;
    batch_->in[i].msg_hdr.msg_name = &batch_->in_addr[i];
  }
  scan_timeouts();
  thread_ = std::thread([this] { io_.run(); });
}

worker::~worker() {
  asio::post(io_, [this] {
    // A scan whose timer already expired is queued and cannot be cancelled: the flag makes it
    // return instead of arming again, and stop() ends run() whatever else is queued.
    stopping_ = true;
    for (auto& [id, s] : streams_)
      for (auto& p : s->ports)
        if (p) {
          p->owner = nullptr;
          std::error_code ignored;
          p->socket.close(ignored);
        }
    streams_.clear();
    scan_timer_.cancel();
    work_.reset();
    io_.stop();
  });
  thread_.join();
}

void worker::scan_timeouts() {
  scan_timer_.expires_after(scan_interval_);
  scan_timer_.async_wait([this](std::error_code ec) {
    if (ec || stopping_) return;
    auto const now = steady::now();
    for (auto& [id, s] : streams_) {
      if (s->timed_out) continue;
      auto const last = s->relay.last_activity().value_or(s->created);
      if (now - last >= s->timeout) {
        s->timed_out = true;  // reported once; traffic resuming clears it below
        if (on_timeout_) on_timeout_(id);
      }
    }
    scan_timeouts();
  });
}

void worker::add_stream(stream_id id, stream_sockets sockets,
                        std::function<void(std::error_code)> done) {
  asio::post(io_, [this, id, sockets, done = std::move(done)] {
    auto s = std::make_unique<stream>();
    s->id = id;
    s->timeout = default_timeout_;
    s->created = steady::now();
    std::error_code ec;
    auto open = [&](stream_sockets::side const& side, std::uint8_t leg) {
      auto bind = [&](std::uint16_t port_number, bool rtcp) {
        if (ec) return;
        auto p = std::make_shared<port>(port{udp::socket(io_), s.get(), leg, rtcp});
        udp::endpoint const ep(to_asio(side.bind), port_number);
        p->socket.open(ep.protocol(), ec);
        if (!ec) p->socket.bind(ep, ec);
        if (!ec) p->socket.non_blocking(true, ec);
        if (!ec) s->ports[std::size_t(leg * 2 + (rtcp ? 1 : 0))] = std::move(p);
      };
      bind(side.rtp_port, false);
      if (side.rtcp_port) bind(*side.rtcp_port, true);
    };
    open(sockets.a, 0);
    open(sockets.b, 1);
    if (ec || streams_.contains(id)) {
      for (auto& p : s->ports)
        if (p) {
          p->owner = nullptr;
          std::error_code ignored;
          p->socket.close(ignored);
        }
      if (done) done(ec ? ec : std::make_error_code(std::errc::file_exists));
      return;
    }
    stream* raw = s.get();
    streams_.emplace(id, std::move(s));
    for (auto& p : raw->ports)
      if (p) arm(p);
    if (done) done({});
  });
}

void worker::update_stream(
    stream_id id,
    std::function<void(relay_stream&, std::chrono::steady_clock::time_point)> change) {
  asio::post(io_, [this, id, change = std::move(change)] {
    if (auto it = streams_.find(id); it != streams_.end()) {
      change(it->second->relay, steady::now());
      it->second->timed_out = false;
    }
  });
}

void worker::remove_stream(stream_id id, std::function<void(std::optional<stream_report>)> done) {
  asio::post(io_, [this, id, done = std::move(done)] {
    auto it = streams_.find(id);
    if (it == streams_.end()) {
      if (done) done(std::nullopt);
      return;
    }
    stream_report r{it->second->relay.leg(0).stats, it->second->relay.leg(1).stats};
    for (auto& p : it->second->ports)
      if (p) {
        p->owner = nullptr;
        std::error_code ignored;
        p->socket.close(ignored);
      }
    streams_.erase(it);
    if (done) done(r);
  });
}

void worker::report(stream_id id, std::function<void(std::optional<stream_report>)> done) {
  asio::post(io_, [this, id, done = std::move(done)] {
    auto it = streams_.find(id);
    if (it == streams_.end())
      done(std::nullopt);
    else
      done(stream_report{it->second->relay.leg(0).stats, it->second->relay.leg(1).stats});
  });
}

void worker::set_timeout(stream_id id, std::chrono::milliseconds timeout) {
  asio::post(io_, [this, id, timeout] {
    if (auto it = streams_.find(id); it != streams_.end()) it->second->timeout = timeout;
  });
}

void worker::arm(std::shared_ptr<port> const& p) {
  p->socket.async_wait(udp::socket::wait_read, [this, p](std::error_code ec) {
    if (ec || !p->owner) return;
    on_readable(p);
  });
}

void worker::on_readable(std::shared_ptr<port> const& p) {
  auto& b = *batch_;
  int const fd = p->socket.native_handle();
  for (int round = 0; round < batches_per_wakeup && p->owner; ++round) {
    for (std::size_t i = 0; i < batch_size; ++i) {
      b.in[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
      b.in[i].msg_len = 0;
    }
    int const got = ::recvmmsg(fd, b.in.data(), unsigned(batch_size), MSG_DONTWAIT, nullptr);
    if (got <= 0) break;
    auto const now = steady::now();
    stream& s = *p->owner;
    for (auto& g : b.out) g.via = nullptr, g.count = 0;
    for (int i = 0; i < got; ++i) {
      auto* data = b.buffers[std::size_t(i)].data();
      relay_action const a =
          s.relay.on_packet(p->leg, p->rtcp, data, b.in[std::size_t(i)].msg_len, packet_room,
                            from_sockaddr(b.in_addr[std::size_t(i)]), now);
      if (!a.send) continue;
      port* via = s.out_port(a.out_leg, a.from_rtcp_port);
      if (!via) continue;
      auto& g = b.out[0].via == nullptr || b.out[0].via == via ? b.out[0] : b.out[1];
      g.via = via;
      unsigned const k = g.count++;
      g.iov[k] = {data, a.length};
      g.msgs[k].msg_hdr = {};
      g.msgs[k].msg_hdr.msg_iov = &g.iov[k];
      g.msgs[k].msg_hdr.msg_iovlen = 1;
      g.msgs[k].msg_hdr.msg_name = &g.addr[k];
      g.msgs[k].msg_hdr.msg_namelen = to_sockaddr(a.to, g.addr[k]);
    }
    if (s.timed_out && s.relay.last_activity() && *s.relay.last_activity() == now)
      s.timed_out = false;
    for (auto& g : b.out) {
      unsigned sent = 0;
      while (g.via && sent < g.count) {
        int const n = ::sendmmsg(g.via->socket.native_handle(), g.msgs.data() + sent,
                                 g.count - sent, MSG_DONTWAIT);
        if (n <= 0)
          break;  // a full socket buffer: the rest of the batch is lost, as on any congested link
        sent += unsigned(n);
      }
    }
    if (got < int(batch_size)) break;
  }
  if (p->owner) arm(p);
}

}  // namespace gatehouse::media::io
