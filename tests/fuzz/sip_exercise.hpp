#pragma once
// Shared by the SIP fuzz targets: run every typed accessor over a parsed message, and check that
// writing it back gives a message that parses and writes identically.

#include <string>

#include "sip/auth_headers.hpp"
#include "sip/parser.hpp"

namespace gatehouse::fuzz {

/// Aborts (so libFuzzer records the input) when an invariant is broken.
inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

inline void exercise_typed(sip::message const& m) {
  auto const ok = [](auto const&) { return std::error_code{}; };
  sip::uri u;
  (void)m.request_uri(u);
  sip::name_addr na;
  require(!m.from(na) && !m.to(na));  // validated by the parser
  sip::via v;
  require(!m.top_via(v));
  require(!m.for_each_via(ok));
  (void)m.max_forwards();
  (void)m.content_type();
  for (std::size_t i = 0; i < m.header_count(); ++i) {
    auto const f = m.header(i);
    switch (f.id) {
      case sip::header_id::contact:
        if (!sip::is_wildcard_contact(f.value)) (void)sip::for_each_name_addr(f.value, ok);
        break;
      case sip::header_id::route:
      case sip::header_id::record_route:
      case sip::header_id::path:
      case sip::header_id::p_asserted_identity:
        (void)sip::for_each_name_addr(f.value, ok);
        break;
      case sip::header_id::require:
      case sip::header_id::supported:
      case sip::header_id::proxy_require:
      case sip::header_id::unsupported:
      case sip::header_id::allow:
        (void)sip::for_each_token(f.value, ok);
        break;
      case sip::header_id::accept:
        (void)sip::for_each_media_range(f.value, ok);
        break;
      case sip::header_id::www_authenticate:
      case sip::header_id::proxy_authenticate:
      case sip::header_id::authorization:
      case sip::header_id::proxy_authorization: {
        sip::auth_value a;
        std::string s;
        if (!sip::parse_auth(f.value, a)) (void)a.get("nonce", s);
        break;
      }
      case sip::header_id::session_expires: {
        sip::session_expires_value se;
        (void)sip::parse_session_expires(f.value, se);
        break;
      }
      case sip::header_id::min_se:
      case sip::header_id::expires: {
        std::uint32_t d = 0;
        (void)sip::parse_delta_seconds(f.value, d);
        break;
      }
      case sip::header_id::rack: {
        sip::rack_value r;
        (void)sip::parse_rack(f.value, r);
        break;
      }
      case sip::header_id::retry_after: {
        sip::retry_after_value r;
        (void)sip::parse_retry_after(f.value, r);
        break;
      }
      case sip::header_id::reason: {
        sip::reason_value r;
        if (!sip::parse_reason(f.value, r)) (void)r.cause();
        break;
      }
      default:
        break;
    }
  }
}

/// A parsed message written back must parse, to a message that writes the same bytes.
inline void check_round_trip(sip::message const& m) {
  std::string const once = m.to_string();
  sip::message again;
  require(!sip::parse_datagram(once, again));
  require(again.to_string() == once);
  require(again.body() == m.body());
  require(again.method() == m.method() && again.status() == m.status());
}

}  // namespace gatehouse::fuzz
