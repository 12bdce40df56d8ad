// IP addresses as the relay writes them back into SDP (RFC 5952 text form).
#include <doctest/doctest.h>

#include <string>

#include "media/ip_address.hpp"

using namespace gatehouse::media;

TEST_CASE("ip addresses: text round trip, RFC 5952 form") {
  struct row {
    char const* in;
    char const* out;
  };
  row const table[] = {
      {"192.0.2.33", "192.0.2.33"},
      {"0.0.0.0", "0.0.0.0"},
      {"::", "::"},
      {"::1", "::1"},
      {"2001:DB8:0:0:0:0:2:1", "2001:db8::2:1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:db8::", "2001:db8::"},
      {"fe80::1:0:0:0", "fe80::1:0:0:0"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
  };
  for (auto const& r : table) {
    auto const a = parse_ip(r.in);
    REQUIRE_MESSAGE(a, r.in);
    CHECK(to_string(*a) == std::string(r.out));
    CHECK(parse_ip(to_string(*a)) == a);
  }
}
