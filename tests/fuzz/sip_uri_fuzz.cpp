// Fuzz target: URI, name-addr and Via parsing. A parsed URI written back parses to an equal URI.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/name_addr.hpp"
#include "sip/via.hpp"
#include "sip_exercise.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  using namespace gatehouse;
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  sip::uri u;
  if (!sip::parse_uri(text, u)) {
    fuzz::require(sip::uri_equal(u, u));
    std::string const written = sip::to_string(u);
    sip::uri back;
    fuzz::require(!sip::parse_uri(written, back));
    fuzz::require(sip::uri_equal(u, back));
    fuzz::require(sip::to_string(back) == written);
    std::string unescaped;
    (void)sip::unescape(u.user, unescaped);
  }
  auto const ok = [](auto const&) { return std::error_code{}; };
  (void)sip::for_each_name_addr(text, ok);
  (void)sip::for_each_via(text, ok);
  sip::name_addr na;
  if (!sip::parse_name_addr(text, na)) (void)na.display_name_text();
  return 0;
}
