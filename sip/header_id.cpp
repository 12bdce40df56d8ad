#include "sip/header_id.hpp"

#include <array>

#include "sip/grammar.hpp"

namespace gatehouse::sip {
namespace {

struct entry {
  std::string_view name;
  header_id id;
};

constexpr entry names[] = {
    {"", header_id::other},
    {"Accept", header_id::accept},
    {"Accept-Encoding", header_id::accept_encoding},
    {"Accept-Language", header_id::accept_language},
    {"Alert-Info", header_id::alert_info},
    {"Allow", header_id::allow},
    {"Allow-Events", header_id::allow_events},
    {"Authentication-Info", header_id::authentication_info},
    {"Authorization", header_id::authorization},
    {"Call-ID", header_id::call_id},
    {"Call-Info", header_id::call_info},
    {"Contact", header_id::contact},
    {"Content-Disposition", header_id::content_disposition},
    {"Content-Encoding", header_id::content_encoding},
    {"Content-Language", header_id::content_language},
    {"Content-Length", header_id::content_length},
    {"Content-Type", header_id::content_type},
    {"CSeq", header_id::cseq},
    {"Date", header_id::date},
    {"Error-Info", header_id::error_info},
    {"Event", header_id::event},
    {"Expires", header_id::expires},
    {"From", header_id::from},
    {"In-Reply-To", header_id::in_reply_to},
    {"Max-Forwards", header_id::max_forwards},
    {"Min-Expires", header_id::min_expires},
    {"Min-SE", header_id::min_se},
    {"MIME-Version", header_id::mime_version},
    {"Organization", header_id::organization},
    {"P-Asserted-Identity", header_id::p_asserted_identity},
    {"P-Preferred-Identity", header_id::p_preferred_identity},
    {"Path", header_id::path},
    {"Priority", header_id::priority},
    {"Privacy", header_id::privacy},
    {"Proxy-Authenticate", header_id::proxy_authenticate},
    {"Proxy-Authorization", header_id::proxy_authorization},
    {"Proxy-Require", header_id::proxy_require},
    {"RAck", header_id::rack},
    {"Reason", header_id::reason},
    {"Record-Route", header_id::record_route},
    {"Refer-To", header_id::refer_to},
    {"Referred-By", header_id::referred_by},
    {"Reply-To", header_id::reply_to},
    {"Require", header_id::require},
    {"Retry-After", header_id::retry_after},
    {"Route", header_id::route},
    {"RSeq", header_id::rseq},
    {"Server", header_id::server},
    {"Session-Expires", header_id::session_expires},
    {"Subject", header_id::subject},
    {"Supported", header_id::supported},
    {"Timestamp", header_id::timestamp},
    {"To", header_id::to},
    {"Unsupported", header_id::unsupported},
    {"User-Agent", header_id::user_agent},
    {"Via", header_id::via},
    {"Warning", header_id::warning},
    {"WWW-Authenticate", header_id::www_authenticate},
};
static_assert(std::size(names) == std::size_t(header_id::count_));

consteval bool names_in_enum_order() {
  for (std::size_t i = 0; i < std::size(names); ++i)
    if (names[i].id != header_id(i)) return false;
  return true;
}
static_assert(names_in_enum_order());

// Compact forms: RFC 3261 §7.3.3 (i m e l c f s k t v), RFC 3265 (o u), RFC 3515 (r),
// RFC 3892 (b), RFC 4028 (x).
constexpr header_id compact(char c) noexcept {
  switch (c | 0x20) {
    case 'b':
      return header_id::referred_by;
    case 'c':
      return header_id::content_type;
    case 'e':
      return header_id::content_encoding;
    case 'f':
      return header_id::from;
    case 'i':
      return header_id::call_id;
    case 'k':
      return header_id::supported;
    case 'l':
      return header_id::content_length;
    case 'm':
      return header_id::contact;
    case 'o':
      return header_id::event;
    case 'r':
      return header_id::refer_to;
    case 's':
      return header_id::subject;
    case 't':
      return header_id::to;
    case 'u':
      return header_id::allow_events;
    case 'v':
      return header_id::via;
    case 'x':
      return header_id::session_expires;
    default:
      return header_id::other;
  }
}

// Buckets of names by length and lower-cased first letter, built at compile time; each bucket
// holds the few names that share both.
constexpr std::size_t max_len = 24;
struct bucket {
  std::array<std::uint8_t, 4> ids{};
  std::uint8_t n = 0;
};
using bucket_table = std::array<std::array<bucket, 26>, max_len + 1>;

consteval bucket_table make_buckets() {
  bucket_table t{};
  for (std::size_t i = 1; i < std::size(names); ++i) {
    auto const& e = names[i];
    char const first = char(e.name[0] | 0x20);
    auto& b = t[e.name.size()][std::size_t(first - 'a')];
    b.ids[b.n++] = std::uint8_t(i);
  }
  return t;
}
constexpr bucket_table buckets = make_buckets();

}  // namespace

header_id lookup_header(std::string_view name) noexcept {
  if (name.size() == 1) return compact(name[0]);
  if (name.empty() || name.size() > max_len) return header_id::other;
  char const first = char(name[0] | 0x20);
  if (first < 'a' || first > 'z') return header_id::other;
  auto const& b = buckets[name.size()][std::size_t(first - 'a')];
  for (std::uint8_t k = 0; k < b.n; ++k)
    if (iequals(names[b.ids[k]].name, name)) return names[b.ids[k]].id;
  return header_id::other;
}

std::string_view header_name(header_id id) noexcept {
  auto const i = std::size_t(id);
  return i < std::size(names) ? names[i].name : std::string_view{};
}

}  // namespace gatehouse::sip
