#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sip/header_id.hpp"
#include "sip/name_addr.hpp"
#include "sip/simple_headers.hpp"
#include "sip/via.hpp"

namespace gatehouse::sip {

/// One header field as it appears in the message: the name as written (long or compact form,
/// any case) and the value with line folds turned into spaces.
struct header_field {
  header_id id = header_id::other;
  std::string_view name;
  std::string_view value;
};

/// A SIP request or response. It owns one buffer holding the bytes it was parsed from plus any
/// edits, and keeps every header field in order with its raw value; typed access parses on
/// demand. Views returned by any accessor stay valid until the message is next modified.
///
/// A message made by the parser has passed validation: its start line, every Via, From, To,
/// Call-ID, CSeq, Max-Forwards and Content-Length parse, the single-valued ones appear once,
/// and a request's CSeq method matches its method.
class message {
 public:
  message() = default;

  /// Empties the message but keeps its storage, so that parsing into it again does not
  /// allocate.
  void clear() noexcept;

  /// Makes a request line `method uri SIP/2.0` with no headers and no body.
  static message make_request(std::string_view method, std::string_view request_uri);
  /// Makes a status line `SIP/2.0 status reason` with no headers and no body.
  static message make_response(int status, std::string_view reason);

  bool is_request() const noexcept { return status_ == 0; }
  bool is_response() const noexcept { return status_ != 0; }

  /// Request method ("INVITE", ...), empty for a response.
  std::string_view method() const noexcept { return view(method_); }
  /// Request-URI text, empty for a response.
  std::string_view request_uri() const noexcept { return view(uri_); }
  /// Parses the Request-URI. Errors: bad_uri, bad_escape.
  std::error_code request_uri(uri& out) const noexcept { return parse_uri(request_uri(), out); }
  /// Status code, 0 for a request.
  int status() const noexcept { return status_; }
  /// Reason phrase, empty for a request.
  std::string_view reason() const noexcept { return view(reason_); }

  /// Number of header fields.
  std::size_t header_count() const noexcept { return fields_.size(); }
  /// The i-th header field, in message order.
  header_field header(std::size_t i) const noexcept;
  /// Value of the first header with this id.
  std::optional<std::string_view> find(header_id id) const noexcept;
  /// Value of the first header with this name (case-insensitive; long or compact form of a
  /// known header match each other).
  std::optional<std::string_view> find(std::string_view name) const noexcept;
  /// Number of header fields with this id.
  std::size_t count(header_id id) const noexcept;
  /// Calls f(std::string_view value) for each field with this id, in order.
  template <class F>
  void for_each(header_id id, F&& f) const {
    for (auto const& fl : fields_)
      if (fl.id == id) f(view(fl.value));
  }

  /// Call-ID value (validated by the parser).
  std::string_view call_id() const noexcept { return find(header_id::call_id).value_or(""); }
  /// CSeq number and method (validated by the parser).
  cseq_value cseq() const noexcept;
  /// The top (first) Via. Errors: missing_header, bad_header_value.
  std::error_code top_via(via& out) const noexcept;
  /// Calls `f(via const&) -> std::error_code` for every via-parm of every Via, top first.
  template <class F>
  std::error_code for_each_via(F&& f) const;
  /// From / To as name-addr. Errors: missing_header, bad_header_value, bad_uri.
  std::error_code from(name_addr& out) const noexcept;
  std::error_code to(name_addr& out) const noexcept;
  /// Max-Forwards, nullopt when absent.
  std::optional<std::uint8_t> max_forwards() const noexcept;
  /// Content-Type, nullopt when absent or malformed.
  std::optional<media_type> content_type() const noexcept;
  /// Calls `f(name_addr const&) -> std::error_code` for each element of all fields with this id
  /// (Contact, Route, Record-Route, Path, P-Asserted-Identity). A Contact "*" is not a
  /// name-addr: check is_wildcard_contact() first.
  template <class F>
  std::error_code for_each_name_addr(header_id id, F&& f) const;

  /// The body (exactly Content-Length bytes on the wire).
  std::string_view body() const noexcept { return view(body_); }

  // Editing. Every edit may move the buffer: views taken before it are invalidated.

  /// Replaces the request line.
  void set_request_line(std::string_view method, std::string_view request_uri);
  /// Replaces the Request-URI.
  void set_request_uri(std::string_view request_uri);
  /// Replaces the status line.
  void set_status(int status, std::string_view reason);
  /// Appends a header after all others.
  void add_header(header_id id, std::string_view value);
  void add_header(std::string_view name, std::string_view value);
  /// Inserts a header before the first field with the same id (or first, when there is none):
  /// how a Via or Record-Route is pushed on top.
  void push_front_header(header_id id, std::string_view value);
  /// Replaces the value of the first field with this id, removing the others; appends it when
  /// there is none.
  void set_header(header_id id, std::string_view value);
  void set_header(std::string_view name, std::string_view value);
  /// Removes every field with this id / name; returns how many were removed.
  std::size_t remove_headers(header_id id) noexcept;
  std::size_t remove_headers(std::string_view name) noexcept;
  /// Removes the first field with this id (e.g. the top Via header); false if there is none.
  /// A Via field holding several comma-separated via-parms loses only the first of them.
  bool pop_front_value(header_id id);
  /// Replaces the body; sets Content-Type when `content_type` is not empty, and removes it when
  /// the body becomes empty.
  void set_body(std::string_view body, std::string_view content_type = {});

  /// Writes the message: start line, header fields in order, Content-Length set to the body's
  /// size (written in place of the existing Content-Length or appended), blank line, body.
  void write(std::string& out) const;
  std::string to_string() const;

 private:
  friend class head_parser;

  struct span {
    std::uint32_t off = 0;
    std::uint32_t len = 0;
  };
  struct field {
    header_id id = header_id::other;
    span name;
    span value;
  };

  std::string_view view(span s) const noexcept { return {buf_.data() + s.off, s.len}; }
  span store(std::string_view text);
  field make_field(header_id id, std::string_view name, std::string_view value);
  std::size_t find_index(header_id id) const noexcept;
  std::error_code parse_single(header_id id, name_addr& out) const noexcept;

  std::string buf_;
  std::vector<field> fields_;
  span method_, uri_, reason_, body_;
  int status_ = 0;
};

/// A response to `request` (RFC 3261 §8.2.6.2): its Via headers, From, To (with `to_tag`
/// added when not empty and the To has none), Call-ID and CSeq, with no body.
message make_response(message const& request, int status, std::string_view reason,
                      std::string_view to_tag = {});

template <class F>
std::error_code message::for_each_via(F&& f) const {
  for (auto const& fl : fields_) {
    if (fl.id != header_id::via) continue;
    if (auto ec = sip::for_each_via(view(fl.value), f)) return ec;
  }
  return {};
}

template <class F>
std::error_code message::for_each_name_addr(header_id id, F&& f) const {
  for (auto const& fl : fields_) {
    if (fl.id != id) continue;
    if (auto ec = sip::for_each_name_addr(view(fl.value), f)) return ec;
  }
  return {};
}

}  // namespace gatehouse::sip
