#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "sip/parser.hpp"

namespace gatehouse::test {

namespace {

[[noreturn]] void fail(std::string const& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// An IPv4 or IPv6 socket address; `len` is what the system calls want.
struct address {
  sockaddr_storage storage{};
  socklen_t len = 0;
  int family() const { return storage.ss_family; }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  sockaddr const* get() const { return reinterpret_cast<sockaddr const*>(&storage); }
};

address make_address(std::string const& ip, std::uint16_t port) {
  address a;
  if (ip.find(':') != std::string::npos) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1)
      throw std::runtime_error("bad address " + ip);
    a.len = sizeof(sockaddr_in6);
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) != 1)
      throw std::runtime_error("bad address " + ip);
    a.len = sizeof(sockaddr_in);
  }
  return a;
}

std::uint16_t port_of(address const& a) {
  return ntohs(a.family() == AF_INET6 ? reinterpret_cast<sockaddr_in6 const*>(&a.storage)->sin6_port
                                      : reinterpret_cast<sockaddr_in const*>(&a.storage)->sin_port);
}

bool wait_readable(int fd, std::chrono::milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, int(limit.count())) > 0;
}

}  // namespace

std::string loopback_address() {
  std::random_device rd;
  return "127.0." + std::to_string(1 + rd() % 250) + "." + std::to_string(2 + rd() % 250);
}

temp_dir::temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gatehouse-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) fail("mkdtemp");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string temp_dir::write(std::string const& name, std::string const& text) const {
  std::string const p = path_ + "/" + name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

process::process(std::string const& binary, std::vector<std::string> const& args,
                 std::string const& log_path) {
  pid_ = ::fork();
  if (pid_ < 0) fail("fork");
  if (pid_ == 0) {
    int const log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDERR_FILENO);
      ::dup2(log, STDOUT_FILENO);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (auto const& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
}

process::~process() {
  if (running()) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
}

void process::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

bool process::running() {
  if (status_ || pid_ <= 0) return false;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

std::optional<int> process::wait(std::chrono::milliseconds limit) {
  auto const until = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() > until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

int run_command(std::vector<std::string> const& args, std::string& output,
                std::chrono::seconds limit) {
  temp_dir dir;
  std::string const log = dir.path() + "/out";
  std::vector<std::string> rest(args.begin() + 1, args.end());
  std::string binary = args[0];
  if (binary.find('/') == std::string::npos) {
    for (char const* d : {"/usr/bin/", "/usr/local/bin/", "/bin/"})
      if (std::filesystem::exists(std::string(d) + binary)) {
        binary = std::string(d) + binary;
        break;
      }
  }
  process p(binary, rest, log);
  auto const status = p.wait(limit);
  std::ifstream in(log);
  output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return status.value_or(-1);
}

udp_client::udp_client(std::string const& local_ip) {
  auto a = make_address(local_ip, 0);
  fd_ = ::socket(a.family(), SOCK_DGRAM, 0);
  if (fd_ < 0) fail("socket");
  if (::bind(fd_, a.get(), a.len) != 0) fail("bind");
  ::getsockname(fd_, a.get(), &a.len);
  port_ = port_of(a);
}

udp_client::~udp_client() {
  if (fd_ >= 0) ::close(fd_);
}

void udp_client::send(std::string const& ip, std::uint16_t port, std::string const& bytes) const {
  auto const a = make_address(ip, port);
  if (::sendto(fd_, bytes.data(), bytes.size(), 0, a.get(), a.len) < 0) fail("sendto");
}

std::optional<std::string> udp_client::receive(std::chrono::milliseconds limit) const {
  if (!wait_readable(fd_, limit)) return std::nullopt;
  std::string buf(65536, '\0');
  ssize_t const n = ::recv(fd_, buf.data(), buf.size(), 0);
  if (n < 0) return std::nullopt;
  buf.resize(std::size_t(n));
  return buf;
}

stream_client::stream_client(std::string const& ip, std::uint16_t port, bool tls,
                             std::string const& ca_file, std::string const& server_name)
    : tls_(tls) {
  auto const a = make_address(ip, port);
  fd_ = ::socket(a.family(), SOCK_STREAM, 0);
  if (fd_ < 0) fail("socket");
  if (::connect(fd_, a.get(), a.len) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  if (!tls) return;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!ca_file.empty()) {
    SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd_);
  if (!server_name.empty()) SSL_set_tlsext_host_name(ssl, server_name.c_str());
  if (!ca_file.empty()) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip.c_str());
  if (SSL_connect(ssl) != 1) {
    SSL_free(ssl);
    return;
  }
  ssl_ = ssl;
}

stream_client::~stream_client() {
  if (ssl_) {
    SSL_shutdown(static_cast<SSL*>(ssl_));
    SSL_free(static_cast<SSL*>(ssl_));
  }
  if (ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
  if (fd_ >= 0) ::close(fd_);
}

void stream_client::send(std::string const& bytes) {
  if (ssl_) {
    SSL_write(static_cast<SSL*>(ssl_), bytes.data(), int(bytes.size()));
  } else if (fd_ >= 0) {
    (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
}

bool stream_client::read_more(std::chrono::steady_clock::time_point until) {
  auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
  bool const buffered = ssl_ && SSL_pending(static_cast<SSL*>(ssl_)) > 0;
  if (!buffered && (left.count() <= 0 || !wait_readable(fd_, left))) return false;
  char buf[16384];
  int const n = ssl_ ? SSL_read(static_cast<SSL*>(ssl_), buf, sizeof buf)
                     : int(::recv(fd_, buf, sizeof buf, 0));
  if (n <= 0) return false;
  pending_.append(buf, std::size_t(n));
  return true;
}

std::optional<sip::message> stream_client::receive(std::chrono::milliseconds limit) {
  auto const until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (!pending_.empty()) {
      sip::stream_parser p;
      std::error_code ec;
      std::size_t const used = p.put(pending_, ec);
      if (!ec) {
        pending_.erase(0, used);
        return p.get();
      }
      if (ec != sip::errc::need_more) return std::nullopt;
    }
    if (!read_more(until)) return std::nullopt;
  }
}

std::optional<std::string> stream_client::receive_raw(std::chrono::milliseconds limit) {
  auto const until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    std::size_t const head_end = pending_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::size_t length = 0;
      std::size_t const cl = pending_.find("\r\nContent-Length:");
      if (cl != std::string::npos && cl < head_end)
        length = std::stoul(pending_.substr(cl + 17, 12));
      if (pending_.size() >= head_end + 4 + length) {
        std::string out = pending_.substr(0, head_end + 4 + length);
        pending_.erase(0, out.size());
        return out;
      }
    }
    if (!read_more(until)) return std::nullopt;
  }
}

std::optional<std::string> stream_client::receive_bytes(std::chrono::milliseconds limit) {
  if (pending_.empty() && !read_more(std::chrono::steady_clock::now() + limit)) return std::nullopt;
  return std::exchange(pending_, {});
}

int status_of(std::string_view bytes) {
  if (!bytes.starts_with("SIP/2.0 ") || bytes.size() < 11) return 0;
  int code = 0;
  for (char c : bytes.substr(8, 3)) {
    if (c < '0' || c > '9') return 0;
    code = code * 10 + (c - '0');
  }
  return code;
}

bool stream_client::closed_by_peer(std::chrono::milliseconds limit) {
  auto const until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (!wait_readable(fd_, std::chrono::milliseconds(50))) continue;
    char buf[4096];
    int n = ssl_ ? SSL_read(static_cast<SSL*>(ssl_), buf, sizeof buf)
                 : int(::recv(fd_, buf, sizeof buf, 0));
    if (n <= 0) return true;
  }
  return false;
}

std::string stream_client::tls_version() const {
  return ssl_ ? SSL_get_version(static_cast<SSL*>(ssl_)) : "";
}

void make_certificate(std::string const& dir, std::string const& ip) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<unsigned char const*>(ip.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  std::string const san = "IP:" + ip + ",DNS:gatehouse.test";
  if (X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str())) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  FILE* f = std::fopen((dir + "/cert.pem").c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen((dir + "/key.pem").c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

std::string options_request(std::string const& ip, std::uint16_t port, std::string const& transport,
                            std::string const& from_ip, std::uint16_t from_port,
                            std::string const& id) {
  return "OPTIONS sip:" + ip + ":" + std::to_string(port) + " SIP/2.0\r\n" + "Via: SIP/2.0/" +
         transport + " " + from_ip + ":" + std::to_string(from_port) + ";branch=z9hG4bK" + id +
         ";rport\r\n" + "Max-Forwards: 70\r\nFrom: <sip:probe@" + from_ip + ">;tag=" + id +
         "\r\nTo: <sip:" + ip + ">\r\n" + "Call-ID: " + id + "@" + from_ip +
         "\r\nCSeq: 1 OPTIONS\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace gatehouse::test
