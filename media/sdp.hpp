#pragma once

// The SDP model (RFC 8866): a session section and its media sections, each an ordered list of
// lines kept as written. The lines the relay cares about have typed accessors and editors; every
// other line is carried through untouched, so parse→write reproduces the input byte for byte
// (with CRLF line ends) until something is edited. An edited line is written where the line it
// replaces was; an added attribute goes at the end of its section, any other added line where
// RFC 8866 §5's order puts it.
//
// Accessors return string_views into the section's storage. They stay valid until that section
// is edited or destroyed.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "media/error.hpp"
#include "media/sdp_attributes.hpp"
#include "media/sdp_fields.hpp"

namespace gatehouse::media {

/// Limits applied while parsing, to bound the work and memory a hostile body can cause.
struct parse_options {
  std::size_t max_size = 64 * 1024;  ///< bytes of SDP (errc::too_large)
  std::size_t max_lines = 2048;      ///< lines in all sections (errc::too_many_lines)
  std::size_t max_media = 64;        ///< m= sections (errc::too_many_media)
};

/// One line of a description: its type letter and the text after "x=".
struct sdp_line {
  char type = 0;           ///< 'v', 'o', 'a', ...
  std::string_view value;  ///< without the "x=" prefix and the line end

  friend bool operator==(sdp_line const&, sdp_line const&) = default;
};

/// An attribute name, and its value for a=<name>:<value> (nullopt for a flag a=<name>).
struct sdp_attribute {
  std::string_view name;                  ///< the text before the first ':'
  std::optional<std::string_view> value;  ///< the text after it

  friend bool operator==(sdp_attribute const&, sdp_attribute const&) = default;
};

/// Splits the value of an a= line into name and value (RFC 8866 §5.13).
sdp_attribute split_attribute(std::string_view line_value) noexcept;

/// The session section or one media section: an ordered list of lines.
class sdp_section {
 public:
  /// An empty section (a session_description's default state).
  sdp_section() = default;

  /// Number of lines; the first is v= in the session section and m= in a media section.
  std::size_t size() const noexcept { return lines_.size(); }

  /// Line `i` (< size()).
  sdp_line line(std::size_t i) const noexcept;

  /// The value of the first line of `type`, if any.
  std::optional<std::string_view> find(char type) const noexcept;

  /// True when there is an a=<name> or a=<name>:... line.
  bool has_attribute(std::string_view name) const noexcept;

  /// The value of the first a=<name> line ("" for a flag), or nullopt when there is none.
  std::optional<std::string_view> attribute(std::string_view name) const noexcept;

  /// The values of all a=<name> lines, in order.
  std::vector<std::string_view> attributes(std::string_view name) const;

  /// This section's own c= line (a media section does not inherit here; see
  /// session_description::effective_connection).
  std::optional<connection_info> connection() const;

  /// This section's own direction attribute, if it has one (RFC 8866 §6.7).
  std::optional<media_direction> direction() const noexcept;

  /// True when a=rtcp-mux is present (RFC 5761 §5.1.1).
  bool rtcp_mux() const noexcept { return has_attribute("rtcp-mux"); }

  // Typed attributes. A single-valued accessor returns nullopt with `ec` clear when the
  // attribute is absent, and nullopt with `ec` set when the first one is malformed. A
  // multi-valued accessor returns the well-formed ones and sets `ec` to the first error met.

  /// a=rtpmap lines (RFC 8866 §6.6).
  std::vector<rtpmap_attribute> rtpmaps(std::error_code& ec) const;
  /// a=fmtp lines (RFC 8866 §6.15).
  std::vector<fmtp_attribute> fmtps(std::error_code& ec) const;
  /// a=ptime (RFC 8866 §6.4).
  std::optional<std::chrono::microseconds> ptime(std::error_code& ec) const;
  /// a=rtcp (RFC 3605).
  std::optional<rtcp_attribute> rtcp(std::error_code& ec) const;
  /// a=crypto lines (RFC 4568).
  std::vector<crypto_attribute> cryptos(std::error_code& ec) const;
  /// a=ice-ufrag (RFC 8839 §5.4).
  std::optional<std::string_view> ice_ufrag(std::error_code& ec) const;
  /// a=ice-pwd (RFC 8839 §5.4).
  std::optional<std::string_view> ice_pwd(std::error_code& ec) const;
  /// a=candidate lines (RFC 8839 §5.1).
  std::vector<ice_candidate> candidates(std::error_code& ec) const;
  /// a=fingerprint lines (RFC 8122).
  std::vector<fingerprint_attribute> fingerprints(std::error_code& ec) const;
  /// a=setup (RFC 4145).
  std::optional<setup_role> setup(std::error_code& ec) const;
  /// a=mid (RFC 5888 §4).
  std::optional<std::string_view> mid(std::error_code& ec) const;
  /// a=group lines (RFC 5888 §5).
  std::vector<group_attribute> groups(std::error_code& ec) const;

  /// Makes a=<name> (a flag) the only a=<name> line: replaces the first, removes the others,
  /// or appends one at the end of the section.
  void set_attribute(std::string_view name);
  /// Makes a=<name>:<value> the only a=<name> line, as set_attribute(name) does.
  void set_attribute(std::string_view name, std::string_view value);

  /// Appends a=<name> at the end of the section.
  void add_attribute(std::string_view name);
  /// Appends a=<name>:<value> at the end of the section.
  void add_attribute(std::string_view name, std::string_view value);

  /// Removes every a=<name> line; returns how many there were.
  std::size_t remove_attributes(std::string_view name);

  /// Replaces the a=<name> lines with a=<name>:<value> for each of `values`: the k-th value
  /// takes the place of the k-th old line, extra old lines are removed, extra values follow the
  /// last old line (or go at the end of the section when there was none).
  template <std::ranges::input_range R>
  requires std::convertible_to<std::ranges::range_reference_t<R>, std::string_view>
  void replace_attributes(std::string_view name, R const& values) {
    std::vector<std::string_view> v;
    for (auto&& value : values) v.emplace_back(std::string_view(value));
    replace_attributes_impl(name, v);
  }

  /// Sets the direction attribute (RFC 3264 §5.1), in place of any there was.
  void set_direction(media_direction d);

  /// Sets this section's c= line to `IN <type> <address>`, replacing the first c= line and
  /// removing any others, or adding one where RFC 8866 §5 puts it. `address` must be an IP
  /// literal or FQDN (no blanks).
  void set_connection(address_type type, std::string_view address);

  /// Removes every line of `type` (not v=, o=, s= or m=); returns how many there were.
  std::size_t remove_lines(char type);

  /// Appends this section's lines to `out`, each ended with CRLF.
  void write(std::string& out) const;

  /// The number of bytes write() appends.
  std::size_t written_size() const noexcept;

  /// Same lines with the same values, in the same order.
  friend bool operator==(sdp_section const& a, sdp_section const& b) noexcept;

 protected:
  enum class kind : bool { session, media };

  /// Where a line's value is in text_.
  struct line_ref {
    char type;
    std::uint32_t offset;
    std::uint32_t size;
  };

  /// Takes `text` (the raw lines of the section) and the lines found in it.
  sdp_section(kind k, std::string text, std::vector<line_ref> lines) noexcept
      : text_(std::move(text)), lines_(std::move(lines)), kind_(k) {}

  /// Replaces line `i` by `type=value`.
  void replace_line(std::size_t i, char type, std::string_view value);
  /// Inserts `type=value` before line `i`.
  void insert_line(std::size_t i, char type, std::string_view value);
  /// Inserts `type=value` before the first line RFC 8866 §5 orders after `type`.
  void insert_ordered(char type, std::string_view value);
  /// Removes line `i`.
  void erase_line(std::size_t i);

 private:
  friend class session_description;

  std::uint32_t store(std::string_view value);
  void compact();
  void replace_attributes_impl(std::string_view name, std::span<std::string_view const> values);
  void set_attribute_impl(std::string_view name, std::optional<std::string_view> value);

  std::string text_;             // the section's raw text, then edited values appended
  std::vector<line_ref> lines_;  // in order; offsets into text_
  std::size_t garbage_ = 0;      // bytes of text_ no line refers to any more
  kind kind_ = kind::session;
};

/// One media section: the m= line and the lines up to the next m= (RFC 8866 §5.14).
class media_description : public sdp_section {
 public:
  /// An empty media section; parse() makes real ones.
  media_description() : sdp_section(kind::media, {}, {}) {}

  /// The parsed m= line.
  media_info info() const;

  /// "audio", "video", "application", ...
  std::string_view media_type() const { return info().media; }
  /// The m= port; 0 rejects or disables the stream (RFC 3264 §6).
  std::uint16_t port() const { return info().port; }
  /// The m= "/<number of ports>" suffix, if any.
  std::optional<std::uint16_t> port_count() const { return info().port_count; }
  /// The m= protocol token as written.
  std::string_view protocol() const { return info().protocol; }
  /// The m= protocol, classified.
  transport_protocol transport() const { return classify_protocol(info().protocol); }
  /// The m= formats (payload types for RTP), in order.
  std::vector<std::string_view> formats() const;
  /// True when the port is 0.
  bool is_rejected() const { return port() == 0; }

  /// Sets the m= port and port count (nullopt: no "/n" suffix).
  void set_port(std::uint16_t port, std::optional<std::uint16_t> count = std::nullopt);
  /// Sets the m= protocol token, e.g. "RTP/AVP" when bridging SRTP to RTP.
  void set_protocol(std::string_view protocol);
  /// Sets the m= format list (blank-separated tokens).
  void set_formats(std::string_view formats);

 private:
  friend class session_description;
  using sdp_section::sdp_section;
  void set_info(media_info const& m);
};

/// A parsed SDP body: the session section and the media sections (RFC 8866 §5).
class session_description {
 public:
  /// An empty description; parse() makes real ones.
  session_description() = default;

  /// Parses an SDP body with CRLF or LF line ends. Trailing empty lines and a missing final
  /// line end are accepted. Errors: too_large, too_many_lines, too_many_media, malformed_line,
  /// missing_version, bad_version, missing_origin, missing_session_name, unexpected_line,
  /// malformed_origin, malformed_connection, malformed_media, invalid_port.
  static session_description parse(std::string_view text, std::error_code& ec,
                                   parse_options const& options = {});

  /// The session-level section (v= to the first m=).
  sdp_section& session() noexcept { return session_; }
  /// The session-level section (v= to the first m=).
  sdp_section const& session() const noexcept { return session_; }

  /// The media sections, in order.
  std::span<media_description> media() noexcept { return media_; }
  /// The media sections, in order.
  std::span<media_description const> media() const noexcept { return media_; }

  /// The parsed o= line (RFC 8866 §5.2).
  origin_info origin() const;
  /// Replaces the o= line.
  void set_origin(origin_info const& o);
  /// Sets the o= address and its type, keeping the other fields.
  void set_origin_address(address_type type, std::string_view address);
  /// Increments the o= session version, as a changed offer or answer must (RFC 3264 §8).
  void bump_version();

  /// The c= that applies to `m`: its own, else the session's (RFC 8866 §5.7).
  std::optional<connection_info> effective_connection(media_description const& m) const;
  /// The direction that applies to `m`: its own, else the session's, else sendrecv
  /// (RFC 8866 §6.7).
  media_direction effective_direction(media_description const& m) const noexcept;

  /// Appends the description to `out`, every line ended with CRLF.
  void write(std::string& out) const;
  /// The description as text, every line ended with CRLF.
  std::string to_string() const;

  /// Same sections with the same lines.
  friend bool operator==(session_description const&, session_description const&) = default;

 private:
  sdp_section session_;
  std::vector<media_description> media_;
};

}  // namespace gatehouse::media
