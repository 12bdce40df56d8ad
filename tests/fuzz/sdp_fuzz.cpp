// Fuzz target for the SDP parser, writer and editors (media/sdp.hpp). Properties checked:
// a body that parses writes out text that parses again to an equal model and writes the same
// text; every typed value that parses writes back to text that parses to the same value; and
// the edits the relay makes always produce a body that parses.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/sdp.hpp"

namespace media = gatehouse::media;

namespace {

// Room for what writing adds (CRLF for LF, the final line end) and for what edits add.
media::parse_options const roomy{
    .max_size = 1u << 30, .max_lines = 1u << 20, .max_media = 1u << 20};

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// parse(to_string(parse(text))) == parse(text), for one typed value parser.
template <class Parse>
void round_trip(std::string_view text, Parse parse) {
  std::error_code ec;
  auto const value = parse(text, ec);
  if (ec) return;
  auto const written = media::to_string(value);
  auto const again = parse(written, ec);
  check(!ec && again == value);
}

void exercise(media::sdp_section const& s) {
  std::error_code ec;
  (void)s.rtpmaps(ec);
  (void)s.fmtps(ec);
  (void)s.ptime(ec);
  (void)s.rtcp(ec);
  (void)s.cryptos(ec);
  (void)s.ice_ufrag(ec);
  (void)s.ice_pwd(ec);
  (void)s.candidates(ec);
  (void)s.fingerprints(ec);
  (void)s.setup(ec);
  (void)s.mid(ec);
  (void)s.groups(ec);
  (void)s.direction();
  (void)s.connection();
  (void)s.rtcp_mux();
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto const line = s.line(i);
    if (line.type == 'b') round_trip(line.value, media::parse_bandwidth);
    if (line.type == 't') round_trip(line.value, media::parse_timing);
    if (line.type == 'c') round_trip(line.value, media::parse_connection);
    if (line.type == 'm') round_trip(line.value, media::parse_media);
    if (line.type == 'o') round_trip(line.value, media::parse_origin);
    if (line.type != 'a') continue;
    auto const [name, value] = media::split_attribute(line.value);
    if (!value) continue;
    if (name == "rtpmap") round_trip(*value, media::parse_rtpmap);
    if (name == "fmtp") round_trip(*value, media::parse_fmtp);
    if (name == "rtcp") round_trip(*value, media::parse_rtcp);
    if (name == "crypto") round_trip(*value, media::parse_crypto);
    if (name == "candidate") round_trip(*value, media::parse_candidate);
    if (name == "fingerprint") round_trip(*value, media::parse_fingerprint);
    if (name == "group") round_trip(*value, media::parse_group);
    if (name == "setup") round_trip(*value, media::parse_setup);
  }
}

// What the relay does to an offer before passing it on.
void edit(media::session_description& d) {
  d.session().set_connection(media::address_type::ip4, "203.0.113.1");
  d.set_origin_address(media::address_type::ip6, "2001:db8::1");
  d.bump_version();
  std::uint16_t port = 30000;
  for (auto& m : d.media()) {
    m.set_port(port, m.port_count());
    m.set_connection(media::address_type::ip4, "203.0.113.1");
    m.set_attribute("rtcp", std::to_string(port + 1));
    m.remove_attributes("candidate");
    m.set_direction(media::media_direction::sendonly);
    std::error_code ec;
    std::vector<std::string> cryptos;
    for (auto const& c : m.cryptos(ec)) cryptos.push_back(media::to_string(c));
    m.replace_attributes("crypto", cryptos);
    port = static_cast<std::uint16_t>(port + 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view const text(reinterpret_cast<char const*>(data), size);
  std::error_code ec;
  auto const d = media::session_description::parse(text, ec);
  if (ec) return 0;

  auto const out = d.to_string();
  auto const again = media::session_description::parse(out, ec, roomy);
  check(!ec);
  check(again == d);
  check(again.to_string() == out);

  exercise(d.session());
  for (auto const& m : d.media()) {
    exercise(m);
    (void)d.effective_connection(m);
    (void)d.effective_direction(m);
    (void)m.formats();
    (void)m.transport();
  }

  auto edited = d;
  edit(edited);
  auto const edited_out = edited.to_string();
  auto const reparsed = media::session_description::parse(edited_out, ec, roomy);
  check(!ec);
  check(reparsed == edited);
  return 0;
}
