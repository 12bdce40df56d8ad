#include "media/sdp.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <ostream>  // doctest prints std::error_code through operator<<
#include <string>
#include <string_view>
#include <vector>

namespace media = gatehouse::media;
namespace fs = std::filesystem;
using media::errc;
using media::session_description;
using namespace std::string_literals;

namespace {

fs::path const data_dir = GATEHOUSE_TEST_DATA;
fs::path const golden_dir = data_dir / "sdp";
fs::path const corpus_dir = data_dir / ".." / "fuzz" / "corpus" / "sdp";

std::string read_file(fs::path const& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `s` with every bare LF turned into CRLF: what the writer produces for an unedited body.
std::string with_crlf(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

session_description parse_ok(std::string_view text) {
  std::error_code ec;
  auto d = session_description::parse(text, ec);
  REQUIRE_MESSAGE(!ec, ec.message());
  return d;
}

// Every seed-corpus file and every golden input.
std::vector<fs::path> inputs() {
  std::vector<fs::path> files;
  for (auto const& e : fs::directory_iterator(corpus_dir)) files.push_back(e.path());
  for (auto const& e : fs::directory_iterator(golden_dir)) {
    if (e.path().string().ends_with(".in.sdp")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 20);
  return files;
}

std::string const basic =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n"
    "m=video 51372 RTP/AVP 99\r\n"
    "c=IN IP6 2001:db8::2\r\n"
    "a=rtpmap:99 h263-1998/90000\r\n"
    "a=sendonly\r\n";

}  // namespace

TEST_CASE("sdp parse: sections, lines and the o=, c=, m= fields") {
  auto d = parse_ok(basic);
  auto const& s = d.session();
  REQUIRE(s.size() == 5);
  CHECK(s.line(0) == media::sdp_line{'v', "0"});
  CHECK(s.line(2) == media::sdp_line{'s', "-"});
  CHECK(s.find('t') == "0 0");
  CHECK(!s.find('b'));

  auto const o = d.origin();
  CHECK(o.username == "alice");
  CHECK(o.session_id == 2890844526u);
  CHECK(o.session_version == 2890844526u);
  CHECK(o.address == "192.0.2.10");

  REQUIRE(d.media().size() == 2);
  auto const& audio = d.media()[0];
  CHECK(audio.media_type() == "audio");
  CHECK(audio.port() == 49170);
  CHECK(!audio.port_count());
  CHECK(audio.protocol() == "RTP/AVP");
  CHECK(audio.transport() == media::transport_protocol::rtp_avp);
  CHECK(audio.formats() == std::vector<std::string_view>{"0", "8", "101"});
  CHECK(!audio.is_rejected());
  CHECK(!audio.connection());
  CHECK(d.effective_connection(audio)->address == "192.0.2.10");
  CHECK(d.effective_direction(audio) == media::media_direction::sendrecv);
  CHECK(audio.attributes("rtpmap").size() == 3);
  CHECK(audio.attribute("fmtp") == "101 0-16");
  CHECK(!audio.attribute("rtcp"));

  auto const& video = d.media()[1];
  REQUIRE(video.connection());
  CHECK(video.connection()->type == media::address_type::ip6);
  CHECK(d.effective_connection(video)->address == "2001:db8::2");
  CHECK(video.direction() == media::media_direction::sendonly);
  CHECK(d.effective_direction(video) == media::media_direction::sendonly);
}

TEST_CASE("sdp typed attribute accessors on sections") {
  std::error_code ec;
  SUBCASE("RTP audio") {
    auto d = parse_ok(basic);
    auto const& audio = d.media()[0];
    auto const maps = audio.rtpmaps(ec);
    CHECK(!ec);
    REQUIRE(maps.size() == 3);
    CHECK(maps[2].encoding_name == "telephone-event");
    auto const fmtps = audio.fmtps(ec);
    REQUIRE(fmtps.size() == 1);
    CHECK(fmtps[0].payload_type == 101);
    CHECK(audio.ptime(ec) == std::chrono::milliseconds(20));
    CHECK(!audio.rtcp(ec));
    CHECK(!ec);
    CHECK(!audio.rtcp_mux());
  }
  SUBCASE("WebRTC") {
    auto d = parse_ok(read_file(corpus_dir / "webrtc_bundle.sdp"));
    auto const groups = d.session().groups(ec);
    CHECK(!ec);
    REQUIRE(groups.size() == 1);
    CHECK(groups[0].semantics == "BUNDLE");
    CHECK(groups[0].ids.size() == 3);
    REQUIRE(d.media().size() == 3);
    auto const& audio = d.media()[0];
    CHECK(audio.transport() == media::transport_protocol::udp_tls_rtp_savpf);
    CHECK(audio.mid(ec) == "0");
    CHECK(audio.ice_ufrag(ec) == "EsAw");
    CHECK(audio.ice_pwd(ec) == "P2uYro0UCOQ4zxjKXaWCBui1");
    CHECK(audio.setup(ec) == media::setup_role::actpass);
    auto const fps = audio.fingerprints(ec);
    REQUIRE(fps.size() == 1);
    CHECK(fps[0].hash_function == "sha-256");
    CHECK(audio.candidates(ec).size() == 3);
    CHECK(!ec);
    auto const rtcp = audio.rtcp(ec);
    REQUIRE(rtcp);
    CHECK(rtcp->port == 9);
    CHECK(rtcp->connection->address == "0.0.0.0");
    CHECK(audio.rtcp_mux());
    auto const maps = audio.rtpmaps(ec);
    CHECK(!ec);
    CHECK(maps.size() == 8);
    CHECK(maps[0].channels == 2u);
    CHECK(d.media()[2].media_type() == "application");
    CHECK(d.media()[2].protocol() == "UDP/DTLS/SCTP");
  }
  SUBCASE("SDES") {
    auto d = parse_ok(read_file(corpus_dir / "srtp_sdes.sdp"));
    auto const cryptos = d.media()[0].cryptos(ec);
    CHECK(!ec);
    REQUIRE(cryptos.size() == 2);
    CHECK(cryptos[0].tag == 1u);
    CHECK(cryptos[1].suite == "AES_CM_128_HMAC_SHA1_32");
    CHECK(cryptos[1].session_params == "UNENCRYPTED_SRTCP");
    CHECK(d.media()[0].rtcp(ec)->port == 16385);
  }
  SUBCASE("a malformed value gives its error; multi-valued accessors keep the good ones") {
    auto d = parse_ok(
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
        "m=audio 1000 RTP/SAVP 0 8\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:8 PCMA\r\n"
        "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:abc\r\n"
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc\r\n"
        "a=rtcp:99999\r\n"
        "a=setup:sideways\r\n"
        "a=ptime\r\n");
    auto const& m = d.media()[0];
    auto const maps = m.rtpmaps(ec);
    CHECK(ec == errc::malformed_rtpmap);
    REQUIRE(maps.size() == 1);
    CHECK(maps[0].payload_type == 0);
    auto const cryptos = m.cryptos(ec);
    CHECK(ec == errc::malformed_crypto);
    REQUIRE(cryptos.size() == 1);
    CHECK(cryptos[0].tag == 1u);
    CHECK(!m.rtcp(ec));
    CHECK(ec == errc::malformed_rtcp);
    CHECK(!m.setup(ec));
    CHECK(ec == errc::malformed_setup);
    CHECK(!m.ptime(ec));
    CHECK(ec == errc::malformed_ptime);
    CHECK(!m.mid(ec));
    CHECK(!ec);  // absent is not an error
  }
}

TEST_CASE("sdp round trip: every corpus file and golden input writes back byte for byte") {
  for (auto const& path : inputs()) {
    CAPTURE(path);
    auto const text = read_file(path);
    auto const d = parse_ok(text);
    auto const out = d.to_string();
    CHECK(out == with_crlf(text));
    auto const again = parse_ok(out);
    CHECK(again == d);
    CHECK(again.to_string() == out);
  }
}

TEST_CASE("sdp truncation: every prefix of every input parses or fails, never crashes") {
  std::size_t parsed = 0, failed = 0;
  for (auto const& path : inputs()) {
    CAPTURE(path);
    auto const text = read_file(path);
    for (std::size_t n = 0; n <= text.size(); ++n) {
      std::error_code ec;
      auto const d = session_description::parse(std::string_view(text).substr(0, n), ec);
      if (ec) {
        ++failed;
        CHECK(ec.category() == media::error_category());
        CHECK(d == session_description{});
        continue;
      }
      ++parsed;
      auto const out = d.to_string();
      auto const again = session_description::parse(out, ec);
      CHECK(!ec);
      CHECK(again == d);
    }
  }
  CHECK(parsed > 0);
  CHECK(failed > 0);
}

TEST_CASE("sdp rejections") {
  std::string const head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n";
  struct bad_case {
    std::string text;
    errc expected;
  };
  std::vector<bad_case> const cases = {
      {"", errc::missing_version},
      {"\r\n", errc::missing_version},
      {"o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\ns=-\r\n", errc::missing_version},
      {"v=1\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n", errc::bad_version},
      {"v=00\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n", errc::bad_version},
      {"v=0\r\ns=-\r\nt=0 0\r\n", errc::missing_origin},
      {"v=0\r\ns=-\r\nm=audio 1000 RTP/AVP 0\r\n", errc::missing_origin},
      {"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n", errc::missing_session_name},
      {"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nm=audio 1000 RTP/AVP 0\r\ns=-\r\n",
       errc::missing_session_name},
      // lines without the x= shape
      {"v=0\r\nhello\r\n", errc::malformed_line},
      {"v\r\n", errc::malformed_line},
      {head + "a\r\n", errc::malformed_line},
      {head + "A=x\r\n", errc::malformed_line},
      {head + "=x\r\n", errc::malformed_line},
      {head + "1=x\r\n", errc::malformed_line},
      {head + "a =x\r\n", errc::malformed_line},
      {head + "a=x\ry\r\n", errc::malformed_line},
      {head + "a=x\r\r\n", errc::malformed_line},
      {head + std::string("a=x\0y\r\n", 7), errc::malformed_line},
      {"v=0\r\n\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n", errc::malformed_line},
      {head + "\r\na=x\r\n", errc::malformed_line},
      {"v=0\ro=- 1 1 IN IP4 192.0.2.1\rs=-\r", errc::malformed_line},  // CR-only line ends
      // repeated or misplaced v=, o=, s=
      {head + "v=0\r\n", errc::unexpected_line},
      {head + "o=- 1 1 IN IP4 192.0.2.1\r\n", errc::unexpected_line},
      {head + "s=again\r\n", errc::unexpected_line},
      {head + "m=audio 1000 RTP/AVP 0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", errc::unexpected_line},
      {head + "m=audio 1000 RTP/AVP 0\r\ns=-\r\n", errc::unexpected_line},
      // o=, c=, m=
      {"v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n", errc::malformed_origin},
      {"v=0\r\no=- one 1 IN IP4 192.0.2.1\r\ns=-\r\n", errc::malformed_origin},
      {"v=0\r\no=\r\ns=-\r\n", errc::malformed_origin},
      {head + "c=IN IP4\r\n", errc::malformed_connection},
      {head + "c=IN IP7 192.0.2.1\r\n", errc::malformed_connection},
      {head + "m=audio 1000 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/999\r\n", errc::malformed_connection},
      {head + "m=audio\r\n", errc::malformed_media},
      {head + "m=audio x RTP/AVP 0\r\n", errc::malformed_media},
      {head + "m=audio 1000 RTP/AVP 0\r\nm=video 1000\r\n", errc::malformed_media},
      {head + "m=audio 65536 RTP/AVP 0\r\n", errc::invalid_port},
      {head + "m=audio 70000/2 RTP/AVP 0\r\n", errc::invalid_port},
      {head + "m=audio 1000/0 RTP/AVP 0\r\n", errc::invalid_port},
  };
  for (auto const& c : cases) {
    CAPTURE(c.text);
    std::error_code ec;
    auto const d = session_description::parse(c.text, ec);
    CHECK(ec == c.expected);
    CHECK(d == session_description{});
  }
}

TEST_CASE("sdp leniency: what real endpoints send that RFC 8866 frowns on") {
  SUBCASE("no line end after the last line") {
    auto const d = parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0");
    CHECK(d.to_string() == "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
  }
  SUBCASE("trailing empty lines are dropped") {
    auto const d = parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\r\n\r\n\n\r\n");
    CHECK(d.to_string() == "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
  }
  SUBCASE("mixed CRLF and LF") {
    auto const d = parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\nt=0 0\r\n");
    CHECK(d.to_string() == "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
  }
  SUBCASE("empty s=, no t=, unknown line types, a rejected m= without formats") {
    auto const text =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=\r\nx=private\r\n"
        "m=video 0 RTP/AVP\r\ny=what\r\n"s;
    auto const d = parse_ok(text);
    CHECK(d.to_string() == text);
    CHECK(d.media()[0].is_rejected());
    CHECK(d.media()[0].formats().empty());
  }
  SUBCASE("blank runs and trailing blanks inside lines are kept as written") {
    auto const text =
        "v=0\r\no=-  1 1 IN IP4 192.0.2.1 \r\ns= \r\nc=IN IP4  192.0.2.1\r\n"
        "m=audio  1000 RTP/AVP 0 \r\na=rtpmap:0  PCMU/8000\r\n"s;
    auto const d = parse_ok(text);
    CHECK(d.to_string() == text);
    CHECK(d.media()[0].port() == 1000);
    CHECK(d.origin().session_id == 1u);
  }
}

TEST_CASE("sdp limits") {
  std::error_code ec;
  SUBCASE("size: default 64 KiB") {
    std::string text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n";
    while (text.size() < 64 * 1024)
      text += "a=padding:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n";
    text.resize(64 * 1024 - 2);
    text += "\r\n";
    session_description::parse(text, ec);
    CHECK(!ec);
    text += "a";
    session_description::parse(text, ec);
    CHECK(ec == errc::too_large);
  }
  SUBCASE("size: configured") {
    media::parse_options options;
    options.max_size = basic.size() - 1;
    session_description::parse(basic, ec, options);
    CHECK(ec == errc::too_large);
    options.max_size = basic.size();
    session_description::parse(basic, ec, options);
    CHECK(!ec);
  }
  SUBCASE("lines") {
    media::parse_options options;
    options.max_lines = 14;
    session_description::parse(basic, ec, options);
    CHECK(ec == errc::too_many_lines);
    options.max_lines = 15;
    session_description::parse(basic, ec, options);
    CHECK(!ec);
  }
  SUBCASE("media sections") {
    media::parse_options options;
    options.max_media = 1;
    session_description::parse(basic, ec, options);
    CHECK(ec == errc::too_many_media);
    options.max_media = 2;
    session_description::parse(basic, ec, options);
    CHECK(!ec);
  }
  SUBCASE("the default line limit stops a body of tiny lines") {
    std::string text = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n";
    while (text.size() < 60000) text += "a=x\n";
    session_description::parse(text, ec);
    CHECK(ec == errc::too_many_lines);
  }
}

TEST_CASE("sdp golden edits: input, edit, expected output byte for byte") {
  struct golden {
    char const* name;
    std::function<void(session_description&)> edit;
  };
  std::vector<golden> const cases = {
      {"relay_offer",
       [](session_description& d) {
         d.session().set_connection(media::address_type::ip4, "203.0.113.1");
         d.set_origin_address(media::address_type::ip4, "203.0.113.1");
         d.bump_version();
         d.media()[0].set_port(30000);
         d.media()[0].set_attribute("rtcp", media::to_string(media::rtcp_attribute{30001, {}}));
         d.media()[1].set_port(30002);
         d.media()[1].set_attribute("rtcp", "30003");
       }},
      {"hold",
       [](session_description& d) {
         for (auto& m : d.media()) m.set_direction(media::media_direction::sendonly);
         d.bump_version();
       }},
      {"strip_ice",
       [](session_description& d) {
         auto& m = d.media()[0];
         CHECK(m.remove_attributes("candidate") == 2);
         CHECK(m.remove_attributes("end-of-candidates") == 1);
         CHECK(m.remove_attributes("ice-ufrag") == 1);
         CHECK(m.remove_attributes("ice-pwd") == 1);
         CHECK(m.remove_attributes("ice-options") == 1);
         CHECK(m.remove_attributes("ice-lite") == 0);
         m.set_connection(media::address_type::ip4, "203.0.113.1");
         m.set_port(40000);
         media::connection_info relay;
         relay.address = "203.0.113.1";
         m.set_attribute("rtcp", media::to_string(media::rtcp_attribute{40001, relay}));
         d.set_origin_address(media::address_type::ip4, "203.0.113.1");
         d.bump_version();
       }},
      {"srtp_rekey",
       [](session_description& d) {
         media::crypto_attribute c1{1, "AES_CM_128_HMAC_SHA1_80",
                                    "inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk", ""};
         std::vector<std::string> audio = {media::to_string(c1)};
         d.media()[0].replace_attributes("crypto", audio);
         media::crypto_attribute c2{1, "AES_CM_128_HMAC_SHA1_80",
                                    "inline:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0", ""};
         media::crypto_attribute c3{2, "AES_CM_128_HMAC_SHA1_32",
                                    "inline:MTIzNDU2Nzg5MEFCQ0RFRkdISUpLTE1OT1BRUlNU",
                                    "UNENCRYPTED_SRTCP"};
         std::vector<std::string> video = {media::to_string(c2), media::to_string(c3)};
         d.media()[1].replace_attributes("crypto", video);
       }},
      {"add_in_order",
       [](session_description& d) {
         d.session().set_connection(media::address_type::ip4, "203.0.113.7");
         d.set_origin_address(media::address_type::ip6, "2001:db8::7");
         d.media()[0].set_connection(media::address_type::ip6, "2001:db8::7");
         d.media()[0].add_attribute("rtcp-mux");
         d.media()[1].set_port(3000, 2);
         d.media()[1].set_connection(media::address_type::ip4, "203.0.113.7");
       }},
      {"reject_video",
       [](session_description& d) {
         CHECK(d.session().remove_lines('b') == 1);
         d.session().set_direction(media::media_direction::recvonly);
         auto& video = d.media()[1];
         video.set_port(0);
         CHECK(video.remove_lines('b') == 2);
         video.set_formats("96");
         CHECK(video.remove_attributes("fmtp") == 1);
       }},
  };
  for (auto const& g : cases) {
    CAPTURE(g.name);
    auto const in = read_file(golden_dir / (std::string(g.name) + ".in.sdp"));
    auto const expected = read_file(golden_dir / (std::string(g.name) + ".out.sdp"));
    auto d = parse_ok(in);
    g.edit(d);
    auto const out = d.to_string();
    CHECK(out == expected);
    CHECK(parse_ok(out) == d);
  }
}

TEST_CASE("sdp editing API") {
  auto d = parse_ok(basic);
  auto& audio = d.media()[0];
  auto const tail = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = audio.size() - n; i < audio.size(); ++i) {
      s += audio.line(i).type;
      s += '=';
      s += audio.line(i).value;
      s += '\n';
    }
    return s;
  };

  SUBCASE("set_attribute replaces the first in place and removes the others") {
    audio.set_attribute("rtpmap", "0 PCMU/8000");
    CHECK(audio.attributes("rtpmap") == std::vector<std::string_view>{"0 PCMU/8000"});
    CHECK(audio.line(1).value == "rtpmap:0 PCMU/8000");
    CHECK(audio.size() == 4);
  }
  SUBCASE("set_attribute appends when absent; flags have no value") {
    audio.set_attribute("rtcp-mux");
    audio.set_attribute("rtcp", "49171");
    CHECK(tail(2) == "a=rtcp-mux\na=rtcp:49171\n");
    CHECK(audio.rtcp_mux());
    audio.set_attribute("rtcp-mux");
    CHECK(audio.attributes("rtcp-mux").size() == 1);
  }
  SUBCASE("add_attribute always appends") {
    audio.add_attribute("ptime", "30");
    audio.add_attribute("x-flag");
    CHECK(audio.attributes("ptime") == std::vector<std::string_view>{"20", "30"});
    CHECK(tail(2) == "a=ptime:30\na=x-flag\n");
  }
  SUBCASE("attribute names match exactly, not by prefix") {
    audio.add_attribute("rtcp-fb", "* nack");
    CHECK(!audio.has_attribute("rtcp"));
    CHECK(audio.remove_attributes("rtcp") == 0);
    CHECK(audio.has_attribute("rtcp-fb"));
    CHECK(!audio.has_attribute("rtcp-f"));
  }
  SUBCASE("replace_attributes: none left, or some added at the end when there were none") {
    audio.replace_attributes("rtpmap", std::vector<std::string_view>{});
    CHECK(!audio.has_attribute("rtpmap"));
    audio.replace_attributes("crypto", std::vector<std::string>{"1 A inline:x", "2 B inline:y"});
    CHECK(tail(2) == "a=crypto:1 A inline:x\na=crypto:2 B inline:y\n");
  }
  SUBCASE("replace_attributes: extra values follow the last old line") {
    audio.replace_attributes("rtpmap",
                             std::vector<std::string_view>{"0 a/1", "8 b/1", "9 c/1", "10 d/1"});
    CHECK(audio.line(1).value == "rtpmap:0 a/1");
    CHECK(audio.line(4).value == "rtpmap:10 d/1");
    CHECK(audio.line(5).value == "fmtp:101 0-16");
  }
  SUBCASE("set_direction: in place, duplicates removed, session default applies") {
    d.session().set_direction(media::media_direction::inactive);
    CHECK(d.effective_direction(audio) == media::media_direction::inactive);
    CHECK(d.effective_direction(d.media()[1]) == media::media_direction::sendonly);
    audio.add_attribute("recvonly");
    audio.add_attribute("sendonly");
    audio.set_direction(media::media_direction::sendrecv);
    CHECK(audio.direction() == media::media_direction::sendrecv);
    CHECK(tail(1) == "a=sendrecv\n");
    CHECK(!audio.has_attribute("sendonly"));
  }
  SUBCASE("set_connection adds a c= after m= and i=, before b= and a=") {
    audio.set_connection(media::address_type::ip4, "203.0.113.9");
    CHECK(audio.line(1) == media::sdp_line{'c', "IN IP4 203.0.113.9"});
    CHECK(d.effective_connection(audio)->address == "203.0.113.9");
    d.media()[1].set_connection(media::address_type::ip4, "203.0.113.9");
    CHECK(d.media()[1].line(1) == media::sdp_line{'c', "IN IP4 203.0.113.9"});
    CHECK(d.media()[1].size() == 4);
  }
  SUBCASE("set_port keeps everything else of the m= line, drops or sets the count") {
    audio.set_port(1234, 2);
    CHECK(audio.line(0).value == "audio 1234/2 RTP/AVP 0 8 101");
    audio.set_port(1236);
    CHECK(audio.line(0).value == "audio 1236 RTP/AVP 0 8 101");
    audio.set_protocol("RTP/SAVP");
    CHECK(audio.transport() == media::transport_protocol::rtp_savp);
    audio.set_formats("0");
    CHECK(audio.line(0).value == "audio 1236 RTP/SAVP 0");
  }
  SUBCASE("values may come from the section being edited") {
    auto const first = *audio.attribute("rtpmap");
    audio.set_attribute("fmtp", first);  // `first` points into the section's storage
    CHECK(audio.attribute("fmtp") == "0 PCMU/8000");
    auto const values = audio.attributes("rtpmap");
    audio.replace_attributes("rtpmap",
                             std::vector<std::string_view>(values.rbegin(), values.rend()));
    CHECK(audio.attributes("rtpmap") ==
          std::vector<std::string_view>{"101 telephone-event/8000", "8 PCMA/8000", "0 PCMU/8000"});
    d.set_origin_address(media::address_type::ip4, d.origin().address);
    CHECK(d.origin().address == "192.0.2.10");
  }
  SUBCASE("many edits: replaced text is reclaimed and the output stays right") {
    for (std::uint16_t port = 1; port < 20000; ++port) {
      audio.set_port(port);
      audio.set_attribute("rtcp", std::to_string(port + 1));
    }
    CHECK(audio.line(0).value == "audio 19999 RTP/AVP 0 8 101");
    CHECK(audio.attribute("rtcp") == "20000");
    CHECK(audio.attribute("fmtp") == "101 0-16");
    CHECK(parse_ok(d.to_string()) == d);
  }
  SUBCASE("o=: set, set address, bump version") {
    d.bump_version();
    CHECK(d.origin().session_version == 2890844527u);
    d.set_origin_address(media::address_type::ip6, "2001:db8::1");
    CHECK(d.session().line(1).value == "alice 2890844526 2890844527 IN IP6 2001:db8::1");
    media::origin_info o;
    o.session_id = 7;
    o.session_version = 8;
    o.address = "gatehouse.example";
    d.set_origin(o);
    CHECK(d.session().line(1).value == "- 7 8 IN IP4 gatehouse.example");
  }
  SUBCASE("remove_lines") {
    CHECK(d.session().remove_lines('c') == 1);
    CHECK(!d.effective_connection(audio));
    CHECK(d.media()[1].remove_lines('a') == 2);
    CHECK(d.media()[1].size() == 2);
  }
  SUBCASE("an edited description no longer equals the original") {
    auto const original = parse_ok(basic);
    CHECK(d == original);
    audio.set_port(audio.port());
    CHECK(d == original);  // same text
    audio.set_port(1);
    CHECK(d != original);
  }
}

TEST_CASE("sdp equality ignores line ends, not content") {
  CHECK(parse_ok(basic) == parse_ok(with_crlf("v=0\n") + basic.substr(5)));
  auto lf = basic;
  std::erase(lf, '\r');
  CHECK(parse_ok(lf) == parse_ok(basic));
  auto changed = basic;
  changed.replace(changed.find("PCMA"), 4, "PCMX");
  CHECK(parse_ok(changed) != parse_ok(basic));
}

TEST_CASE("split_attribute") {
  CHECK(media::split_attribute("rtcp-mux") == media::sdp_attribute{"rtcp-mux", std::nullopt});
  CHECK(media::split_attribute("rtpmap:0 PCMU/8000") ==
        media::sdp_attribute{"rtpmap", "0 PCMU/8000"});
  CHECK(media::split_attribute("fmtp:") == media::sdp_attribute{"fmtp", ""});
  CHECK(media::split_attribute("x:a:b") == media::sdp_attribute{"x", "a:b"});
}
