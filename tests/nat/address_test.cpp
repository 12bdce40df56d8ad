// Address parsing and classification: the table NAT detection will stand on.
#include <doctest/doctest.h>

#include "nat/address.hpp"

using namespace gatehouse::nat;

TEST_CASE("addresses: parse") {
  auto const a = parse_ip("192.0.2.33");
  REQUIRE(a);
  CHECK(!a->v6);
  CHECK(a->bytes[0] == 192);
  CHECK(a->bytes[3] == 33);
  auto const b = parse_ip("[2001:db8::7]");
  REQUIRE(b);
  CHECK(b->v6);
  CHECK(b->bytes[0] == 0x20);
  CHECK(b->bytes[1] == 0x01);
  CHECK(b->bytes[15] == 7);
  CHECK(parse_ip("2001:db8:0:0:0:0:0:7") == b);
  auto const mapped = parse_ip("::ffff:10.1.2.3");
  REQUIRE(mapped);
  CHECK(mapped->bytes[12] == 10);
  CHECK(mapped->bytes[15] == 3);
  for (char const* bad : {"", "1.2.3", "1.2.3.256", "1.2.3.4.", "example.com", "::1::", "1:2",
                          "[::1", "12345::", "1:2:3:4:5:6:7:8:9", ":1::", "1.2.3.4:5060"})
    CHECK_MESSAGE(!parse_ip(bad), bad);
}

TEST_CASE("addresses: classify") {
  struct row {
    char const* address;
    address_class expected;
  };
  row const table[] = {
      {"0.0.0.0", address_class::unspecified},
      {"::", address_class::unspecified},
      {"127.0.0.1", address_class::loopback},
      {"127.255.0.9", address_class::loopback},
      {"::1", address_class::loopback},
      {"10.0.0.1", address_class::private_net},
      {"172.16.0.1", address_class::private_net},
      {"172.31.255.254", address_class::private_net},
      {"172.32.0.1", address_class::public_net},
      {"172.15.0.1", address_class::public_net},
      {"192.168.1.20", address_class::private_net},
      {"192.169.1.1", address_class::public_net},
      {"100.64.0.1", address_class::shared},
      {"100.127.255.255", address_class::shared},
      {"100.128.0.1", address_class::public_net},
      {"169.254.10.10", address_class::link_local},
      {"224.0.0.1", address_class::multicast},
      {"239.1.1.1", address_class::multicast},
      {"fd00::1", address_class::private_net},
      {"fc12::1", address_class::private_net},
      {"fe80::1", address_class::link_local},
      {"ff02::1", address_class::multicast},
      {"2001:db8::1", address_class::public_net},
      {"203.0.113.5", address_class::public_net},
      {"::ffff:192.168.0.1", address_class::private_net},
  };
  for (auto const& r : table) {
    auto const a = parse_ip(r.address);
    REQUIRE_MESSAGE(a, r.address);
    CHECK_MESSAGE(classify(*a) == r.expected, r.address);
  }
  CHECK(is_non_routable(address_class::private_net));
  CHECK(is_non_routable(address_class::shared));
  CHECK(!is_non_routable(address_class::public_net));
  CHECK(!is_non_routable(address_class::unspecified));
}
