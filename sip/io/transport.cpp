#include "sip/io/transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <asio/experimental/as_tuple.hpp>
#include <deque>
#include <random>
#include <system_error>

namespace gatehouse::sip::io {

namespace {

using asio::ip::tcp;
using asio::ip::udp;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
using tls_stream = asio::ssl::stream<tcp::socket>;

std::string remote_key(transport_proto proto, std::string_view ip, std::uint16_t port) {
  return std::to_string(int(proto)) + '|' + std::string(ip) + '|' + std::to_string(port);
}

std::string listener_name(listener_spec const& l) {
  return std::string(via_token(l.proto)) + " " + l.address + ":" + std::to_string(l.port);
}

tcp::socket& lowest_layer(tcp::socket& s) {
  return s;
}
tcp::socket& lowest_layer(tls_stream& s) {
  return s.next_layer();
}

}  // namespace

struct transport_set::udp_listener {
  udp::socket socket;
  std::uint32_t index;
  std::vector<char> buffer = std::vector<char>(65536);
};

struct transport_set::stream_listener {
  tcp::acceptor acceptor;
  std::uint32_t index;
  transport_proto proto;
  std::unique_ptr<asio::ssl::context> tls;
};

/// One stream connection, plain or TLS: a read loop that frames messages with the incremental
/// parser, a write queue, and an idle watchdog.
class transport_set::connection : public std::enable_shared_from_this<connection> {
 public:
  connection(transport_set& owner, peer remote)
      : owner_(owner), remote_(std::move(remote)), idle_(owner.io_) {}
  virtual ~connection() = default;

  peer const& remote() const noexcept { return remote_; }
  void set_id(std::uint64_t id) noexcept { remote_.connection = id; }

  void send(std::string bytes) {
    if (closed_) return;
    queue_.push_back(std::move(bytes));
    if (ready_ && !writing_) spawn_writer();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    idle_.cancel();
    do_close();
    fail_queued(asio::error::operation_aborted);
    owner_.forget(remote_.connection);
  }

  /// Accepted: (TLS handshake), then read.
  virtual void start_server() = 0;
  /// Outbound: connect, (TLS handshake), then write what is queued and read.
  virtual void start_client() = 0;

 protected:
  virtual void do_close() = 0;
  virtual void spawn_writer() = 0;

  // Runs once the stream is usable.
  void on_ready() {
    ready_ = true;
    touch();
    watch_idle();
    if (!queue_.empty() && !writing_) spawn_writer();
  }
  void touch() { last_activity_ = std::chrono::steady_clock::now(); }
  transport_options const& options() const noexcept { return owner_.options_; }
  void fail(std::error_code ec) {
    fail_queued(ec);
    close();
  }
  void fail_queued(std::error_code ec) {
    std::size_t const unsent = queue_.size();
    queue_.clear();
    for (std::size_t i = 0; i < unsent; ++i) owner_.handler_.on_send_failed(remote_, ec);
  }

  // Feeds received bytes to the parser; false when the connection must close.
  bool on_bytes(std::string_view data) {
    touch();
    while (!data.empty() && !closed_) {
      std::error_code ec;
      std::size_t const used = parser_.put(data, ec);
      data.remove_prefix(used);
      if (ec == errc::need_more) break;
      if (!ec) {
        owner_.handler_.on_stream_message(parser_.get(), remote_);
      } else if (ec == errc::keepalive) {
        send("\r\n");  // RFC 5626 §3.5.1: pong
      } else {
        // A framing error: answer if the handler can, stop reading, close once it is out.
        std::string reply =
            owner_.handler_.on_stream_error(parser_.error(), parser_.get(), remote_);
        close_after_write_ = true;
        if (!reply.empty()) send(std::move(reply));
        return false;
      }
    }
    return true;
  }

  void watch_idle() {
    auto const self = shared_from_this();
    idle_.expires_at(last_activity_ + owner_.options_.idle_timeout);
    idle_.async_wait([self](std::error_code ec) {
      if (ec || self->closed_) return;
      if (std::chrono::steady_clock::now() >=
          self->last_activity_ + self->owner_.options_.idle_timeout)
        self->close();
      else
        self->watch_idle();
    });
  }

  transport_set& owner_;
  peer remote_;
  stream_parser parser_{owner_.options_.limits};
  std::deque<std::string> queue_;
  asio::steady_timer idle_;
  std::chrono::steady_clock::time_point last_activity_;
  bool ready_ = false, writing_ = false, closed_ = false, close_after_write_ = false;
};

namespace {

template <class Stream>
class basic_connection final : public transport_set::connection {
 public:
  template <class... Args>
  basic_connection(transport_set& owner, peer remote, Args&&... stream_args)
      : connection(owner, std::move(remote)), stream_(std::forward<Args>(stream_args)...) {}

  void start_server() override {
    asio::co_spawn(lowest_layer(stream_).get_executor(),
                   serve(std::static_pointer_cast<basic_connection>(shared_from_this())),
                   asio::detached);
  }
  void start_client() override {
    asio::co_spawn(lowest_layer(stream_).get_executor(),
                   connect(std::static_pointer_cast<basic_connection>(shared_from_this())),
                   asio::detached);
  }

 private:
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

  void do_close() override {
    std::error_code ignored;
    lowest_layer(stream_).shutdown(tcp::socket::shutdown_both, ignored);
    lowest_layer(stream_).close(ignored);
  }

  void spawn_writer() override {
    writing_ = true;
    asio::co_spawn(lowest_layer(stream_).get_executor(),
                   write_all(std::static_pointer_cast<basic_connection>(shared_from_this())),
                   asio::detached);
  }

  static asio::awaitable<void> serve(std::shared_ptr<basic_connection> self) {
    if constexpr (is_tls) {
      auto [ec] = co_await self->stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
      if (ec) {
        self->close();
        co_return;
      }
    }
    self->on_ready();
    co_await read_all(self);
  }

  static asio::awaitable<void> connect(std::shared_ptr<basic_connection> self) {
    std::error_code ec;
    auto const address = asio::ip::make_address(self->remote_.ip, ec);
    if (ec) {
      self->fail(ec);
      co_return;
    }
    auto [cec] = co_await lowest_layer(self->stream_)
                     .async_connect(tcp::endpoint(address, self->remote_.port), use_tuple);
    if (cec) {
      self->fail(cec);
      co_return;
    }
    if constexpr (is_tls) {
      std::string const& name =
          self->remote_.server_name.empty() ? self->remote_.ip : self->remote_.server_name;
      // SNI only for names, not address literals (RFC 6066 §3).
      if (!self->remote_.server_name.empty())
        SSL_set_tlsext_host_name(self->stream_.native_handle(), name.c_str());
      if (self->options().verify_peer && self->options().verify_hostname)
        self->stream_.set_verify_callback(asio::ssl::host_name_verification(name));
      auto [hec] =
          co_await self->stream_.async_handshake(asio::ssl::stream_base::client, use_tuple);
      if (hec) {
        self->fail(hec);
        co_return;
      }
    }
    self->on_ready();
    co_await read_all(self);
  }

  static asio::awaitable<void> read_all(std::shared_ptr<basic_connection> self) {
    std::array<char, 16384> buffer;
    while (!self->closed_) {
      auto [ec, n] = co_await self->stream_.async_read_some(asio::buffer(buffer), use_tuple);
      if (ec) break;
      if (!self->on_bytes(std::string_view(buffer.data(), n))) break;
    }
    if (self->close_after_write_ && self->writing_) co_return;  // the writer closes after the reply
    self->close();
  }

  static asio::awaitable<void> write_all(std::shared_ptr<basic_connection> self) {
    while (!self->queue_.empty() && !self->closed_) {
      auto [ec, n] =
          co_await asio::async_write(self->stream_, asio::buffer(self->queue_.front()), use_tuple);
      if (ec) {
        self->fail(ec);
        co_return;
      }
      self->queue_.pop_front();
      self->touch();
    }
    self->writing_ = false;
    if (self->close_after_write_) self->close();
  }

  Stream stream_;
};

// A self-signed P-256 certificate for `address`, valid for a year, for a TLS listener that was
// given none.
void use_self_signed(asio::ssl::context& ctx, std::string const& address) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (!key || !cert) throw std::system_error(asio::error::no_memory, "self-signed certificate");
  ASN1_INTEGER_set(X509_get_serialNumber(cert), long(std::random_device{}() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<unsigned char const*>("gatehouse"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  std::string const san = "IP:" + address;
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str())) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  bool const ok = SSL_CTX_use_certificate(ctx.native_handle(), cert) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx.native_handle(), key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!ok) throw std::system_error(asio::error::invalid_argument, "self-signed certificate");
}

std::unique_ptr<asio::ssl::context> make_server_tls(listener_spec const& l) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  // TLS 1.2 and 1.3 only.
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  if (l.certificate.empty()) {
    use_self_signed(*ctx, l.address);
  } else {
    ctx->use_certificate_chain_file(l.certificate);
    ctx->use_private_key_file(l.private_key, asio::ssl::context::pem);
  }
  if (l.verify_client) {
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    if (!l.ca_file.empty()) ctx->load_verify_file(l.ca_file);
  }
  return ctx;
}

}  // namespace

transport_set::transport_set(asio::io_context& io, transport_options options,
                             transport_handler& handler)
    : io_(io), options_(std::move(options)), handler_(handler) {
  client_tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  client_tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1);
  if (options_.verify_peer) {
    client_tls_->set_verify_mode(asio::ssl::verify_peer);
    if (options_.client_ca_file.empty())
      client_tls_->set_default_verify_paths();
    else
      client_tls_->load_verify_file(options_.client_ca_file);
  } else {
    client_tls_->set_verify_mode(asio::ssl::verify_none);
  }

  for (std::size_t i = 0; i < options_.listeners.size(); ++i) {
    auto const& l = options_.listeners[i];
    try {
      auto const address = asio::ip::make_address(l.address);
      if (l.proto == transport_proto::udp) {
        udp::socket s(io_, udp::endpoint(address, l.port).protocol());
        s.set_option(asio::socket_base::reuse_address(true));
        s.bind(udp::endpoint(address, l.port));
        s.non_blocking(true);
        // Room for bursts: the kernel queue is what absorbs a flood while we work.
        s.set_option(asio::socket_base::receive_buffer_size(4 << 20));
        s.set_option(asio::socket_base::send_buffer_size(4 << 20));
        bound_.push_back({l.proto, l.address, s.local_endpoint().port()});
        udp_.push_back(
            std::make_unique<udp_listener>(udp_listener{std::move(s), std::uint32_t(i)}));
      } else {
        tcp::acceptor a(io_);
        tcp::endpoint const ep(address, l.port);
        a.open(ep.protocol());
        a.set_option(asio::socket_base::reuse_address(true));
        a.bind(ep);
        a.listen(asio::socket_base::max_listen_connections);
        bound_.push_back({l.proto, l.address, a.local_endpoint().port()});
        streams_.push_back(std::make_unique<stream_listener>(
            stream_listener{std::move(a), std::uint32_t(i), l.proto,
                            l.proto == transport_proto::tls ? make_server_tls(l) : nullptr}));
      }
    } catch (std::system_error const& e) {
      throw std::system_error(e.code(), "listener " + listener_name(l));
    }
  }
  for (std::size_t i = 0; i < udp_.size(); ++i) start_udp(i);
  for (std::size_t i = 0; i < streams_.size(); ++i) start_accept(i);
}

transport_set::~transport_set() {
  close();
}

void transport_set::start_udp(std::size_t index) {
  auto& l = *udp_[index];
  asio::co_spawn(
      io_,
      [this, &l]() -> asio::awaitable<void> {
        udp::endpoint sender;
        for (;;) {
          auto [ec, n] =
              co_await l.socket.async_receive_from(asio::buffer(l.buffer), sender, use_tuple);
          if (ec == asio::error::operation_aborted || closed_) co_return;
          if (ec) continue;  // e.g. ICMP port unreachable reported on the socket
          peer from{.proto = transport_proto::udp,
                    .ip = sender.address().to_string(),
                    .port = sender.port(),
                    .listener = l.index};
          handler_.on_datagram(std::string_view(l.buffer.data(), n), from);
        }
      },
      asio::detached);
}

void transport_set::start_accept(std::size_t index) {
  auto& l = *streams_[index];
  asio::co_spawn(
      io_,
      [this, &l]() -> asio::awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await l.acceptor.async_accept(use_tuple);
          if (ec == asio::error::operation_aborted || closed_) co_return;
          if (ec) continue;
          if (connections_.size() >= options_.max_connections) {
            std::error_code ignored;
            socket.close(ignored);  // over the cap: refuse rather than degrade everyone
            continue;
          }
          std::error_code rec;
          auto const ep = socket.remote_endpoint(rec);
          if (rec) continue;
          peer remote{.proto = l.proto,
                      .ip = ep.address().to_string(),
                      .port = ep.port(),
                      .listener = l.index};
          std::shared_ptr<connection> c;
          if (l.proto == transport_proto::tls)
            c = std::make_shared<basic_connection<tls_stream>>(*this, remote, std::move(socket),
                                                               *l.tls);
          else
            c = std::make_shared<basic_connection<tcp::socket>>(*this, remote, std::move(socket));
          adopt(c);
          c->start_server();
        }
      },
      asio::detached);
}

void transport_set::adopt(std::shared_ptr<connection> c) {
  std::uint64_t const id = next_connection_++;
  c->set_id(id);
  by_remote_[remote_key(c->remote().proto, c->remote().ip, c->remote().port)] = id;
  connections_.emplace(id, std::move(c));
}

void transport_set::forget(std::uint64_t id) {
  auto const it = connections_.find(id);
  if (it == connections_.end()) return;
  auto const key =
      remote_key(it->second->remote().proto, it->second->remote().ip, it->second->remote().port);
  if (auto b = by_remote_.find(key); b != by_remote_.end() && b->second == id) by_remote_.erase(b);
  connections_.erase(it);
}

std::shared_ptr<transport_set::connection> transport_set::find_connection(peer const& to) {
  if (to.connection != 0)
    if (auto it = connections_.find(to.connection); it != connections_.end()) return it->second;
  if (auto b = by_remote_.find(remote_key(to.proto, to.ip, to.port)); b != by_remote_.end())
    if (auto it = connections_.find(b->second); it != connections_.end()) return it->second;
  return nullptr;
}

std::shared_ptr<transport_set::connection> transport_set::open_connection(peer const& to) {
  if (connections_.size() >= options_.max_connections) return nullptr;
  peer remote = to;
  remote.connection = 0;
  std::shared_ptr<connection> c;
  if (to.proto == transport_proto::tls)
    c = std::make_shared<basic_connection<tls_stream>>(*this, remote, tcp::socket(io_),
                                                       *client_tls_);
  else
    c = std::make_shared<basic_connection<tcp::socket>>(*this, remote, tcp::socket(io_));
  adopt(c);
  c->start_client();
  return c;
}

void transport_set::send(peer const& to, std::string bytes) {
  if (closed_) return;
  if (to.proto == transport_proto::udp) {
    std::error_code ec;
    auto const address = asio::ip::make_address(to.ip, ec);
    if (ec) {
      handler_.on_send_failed(to, ec);
      return;
    }
    udp_listener* from = nullptr;
    for (auto& l : udp_) {
      bool const same_family = l->socket.local_endpoint(ec).address().is_v6() == address.is_v6();
      if (!same_family) continue;
      if (l->index == to.listener) {
        from = l.get();
        break;
      }
      if (!from) from = l.get();
    }
    if (!from) {
      handler_.on_send_failed(to, asio::error::address_family_not_supported);
      return;
    }
    from->socket.send_to(asio::buffer(bytes), udp::endpoint(address, to.port), 0, ec);
    if (ec) handler_.on_send_failed(to, ec);
    return;
  }
  auto c = find_connection(to);
  if (!c) c = open_connection(to);
  if (!c) {
    handler_.on_send_failed(to, asio::error::no_buffer_space);
    return;
  }
  c->send(std::move(bytes));
}

void transport_set::close() {
  if (closed_) return;
  closed_ = true;
  std::error_code ignored;
  for (auto& l : udp_) l->socket.close(ignored);
  for (auto& l : streams_) l->acceptor.close(ignored);
  auto conns = connections_;
  for (auto& [id, c] : conns) c->close();
  connections_.clear();
  by_remote_.clear();
}

}  // namespace gatehouse::sip::io
