#pragma once

// A media session: the relay's view of one call's media, joining side A and side B. Each side
// has its own interface (its address and ports) and its own security policy. The call layer
// feeds it the SDP offers and answers (RFC 3264) each side sends and forwards the SDP it writes
// for the other side; the relay reads the ports, remote addresses and keys from streams().
//
// Stream i is m= section i on both sides: the relay never adds or removes m= lines.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "media/anchor.hpp"
#include "media/interface.hpp"
#include "media/ip_address.hpp"
#include "media/port_pool.hpp"
#include "media/sdp.hpp"

namespace gatehouse::media {

/// What can go wrong negotiating a media session.
enum class session_errc {
  offer_pending = 1,      ///< an offer while another awaits its answer (RFC 3264 §4; SIP 491)
  no_offer_pending,       ///< an answer with no offer outstanding
  answer_from_offerer,    ///< an answer from the side that made the offer
  ports_exhausted,        ///< no relay ports left on an interface (SIP 503)
  media_count_mismatch,   ///< an answer with more or fewer m= than the offer, or a re-offer
                          ///< with fewer m= than before (RFC 3264 §6, §8)
  media_type_mismatch,    ///< an answer's m= of another media type than the offer's (RFC 3264 §6)
  missing_connection,     ///< a stream with a port but no c= (RFC 8866 §5.7)
  no_acceptable_crypto,   ///< SRTP required or offered, but no usable a=crypto (RFC 4568; SIP 488)
  unknown_crypto_tag,     ///< an answer's a=crypto tag was not offered (RFC 4568 §5.1.2)
  crypto_suite_mismatch,  ///< an answer's a=crypto suite differs from the offered tag's
  session_released,       ///< the session was released; it takes no more SDP
};

/// The category of session_errc.
std::error_category const& session_category() noexcept;

/// Makes an error_code from a session_errc.
std::error_code make_error_code(session_errc e) noexcept;

/// The two sides of a call: A faces the caller, B the callee.
enum class side { a, b };

/// The side that is not `s`.
constexpr side other(side s) noexcept {
  return s == side::a ? side::b : side::a;
}

/// What a side's media must be.
enum class security {
  rtp,         ///< plain RTP: offered RTP/AVP(F) with no a=crypto
  srtp,        ///< SRTP with SDES keys (RFC 4568): offered RTP/SAVP(F); plain RTP is refused
  as_offered,  ///< whatever the other side offered, with the relay's own keys
};

/// An SDES key as written in a=crypto (RFC 4568 §9.1).
struct sdes_key {
  std::string suite;       ///< "AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM", ...
  std::string key_params;  ///< "inline:<base64 key||salt>[|lifetime][|MKI:length]"
  int tag = 0;             ///< the a=crypto tag

  friend bool operator==(sdes_key const&, sdes_key const&) = default;
};

/// Makes a fresh key for a suite; returns its key_params ("inline:...").
using key_generator = std::function<std::string(std::string_view suite)>;

/// The suites the relay accepts, in the order it offers them when it chooses.
inline constexpr std::array<std::string_view, 4> supported_suites = {
    "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"};

/// One side of one stream, as the relay sees it.
struct stream_end {
  std::optional<std::uint16_t> rtp_port;   ///< the relay's RTP port on this side's interface
  std::optional<std::uint16_t> rtcp_port;  ///< its separate RTCP port; nullopt: on rtp_port
  bool rtcp_mux = false;  ///< RTP and RTCP share one port with this side (RFC 5761)
  std::optional<socket_address> remote_rtp;   ///< from this side's SDP; nullopt on hold/reject
  std::optional<socket_address> remote_rtcp;  ///< from this side's SDP; nullopt on hold/reject
  media_direction direction = media_direction::sendrecv;  ///< as this side's SDP said
  std::string protocol;                  ///< the profile this side speaks, e.g. "RTP/SAVP"
  std::optional<sdes_key> inbound_key;   ///< the key this side sends with: the relay decrypts
  std::optional<sdes_key> outbound_key;  ///< the key the relay sends to this side with
  std::vector<sdes_key> offered_keys;    ///< the keys last offered to this side by the relay

  /// The relay's RTCP port on this side (the RTP port when multiplexed).
  std::optional<std::uint16_t> local_rtcp_port() const noexcept {
    return rtcp_port ? rtcp_port : rtp_port;
  }
};

/// One m= line of the call.
struct media_stream {
  std::string media_type;          ///< "audio", "video", ...
  bool active = false;             ///< anchored with relay ports (not rejected, not disabled)
  std::array<stream_end, 2> ends;  ///< indexed by side

  /// The end facing side `s`.
  stream_end const& end(side s) const noexcept { return ends[static_cast<std::size_t>(s)]; }
};

/// The media of one call through the relay.
///
/// offer() and answer() either succeed completely or change nothing (ports taken during a
/// failed call are returned). The destructor returns every port, with the time of the last
/// offer/answer as `now`; call release_all(now) first to give the pools the real time.
class media_session {
 public:
  /// A session between side A on `a` and side B on `b`. The interfaces must outlive it.
  media_session(media_interface& a, security a_policy, media_interface& b, security b_policy,
                key_generator keys);
  /// Returns every port still held (see the class comment).
  ~media_session();
  /// Not copyable: a session owns ports.
  media_session(media_session const&) = delete;
  /// Not copyable: a session owns ports.
  media_session& operator=(media_session const&) = delete;
  /// Moves the ports too; the moved-from session holds none.
  media_session(media_session&& other) noexcept;
  /// Releases this session's ports at the last event's time, then takes `other`'s.
  media_session& operator=(media_session&& other) noexcept;

  /// `from` offers `sdp`; `out` is the offer for the other side. Takes the relay ports both
  /// sides need (the offerer's side for the answer), keeps those of continuing streams and
  /// returns those of removed ones. Errors: offer_pending, session_released, ports_exhausted,
  /// media_count_mismatch, missing_connection, no_acceptable_crypto.
  std::error_code offer(side from, session_description const& sdp, time_point now,
                        session_description& out);

  /// `from` answers the pending offer with `sdp`; `out` is the answer for the offerer.
  /// Errors: no_offer_pending, answer_from_offerer, session_released, media_count_mismatch,
  /// media_type_mismatch, missing_connection, no_acceptable_crypto, unknown_crypto_tag,
  /// crypto_suite_mismatch.
  std::error_code answer(side from, session_description const& sdp, time_point now,
                         session_description& out);

  /// Forgets the pending offer (it was refused: a SIP error response); the ports it took stay
  /// with their streams until the next offer or release_all.
  void abandon_offer() noexcept { offerer_.reset(); }

  /// Returns every port to its pool. Idempotent; the session takes no more SDP afterwards.
  void release_all(time_point now);

  /// The streams, one per m= line.
  std::span<media_stream const> streams() const noexcept { return streams_; }
  /// The side whose offer awaits an answer, if any.
  std::optional<side> offerer() const noexcept { return offerer_; }
  /// The interface of side `s`.
  media_interface const& interface_of(side s) const noexcept { return *sides_[index(s)].iface; }

 private:
  struct side_state {
    media_interface* iface = nullptr;
    security policy = security::rtp;
    bool origin_set = false;  // the first SDP written to this side fixed its o= identity
    origin_plan origin;
    std::string last_written;  // the last SDP written to this side, to spot changes
  };

  // A port to give back to a pool once the operation that made it spare succeeds.
  struct port_ref {
    side on;
    std::uint16_t port;
  };

  static std::size_t index(side s) noexcept { return static_cast<std::size_t>(s); }
  port_pool& pool(side s) noexcept { return sides_[index(s)].iface->ports; }
  void give_back(std::vector<port_ref> const& ports, time_point now);
  std::error_code finish_write(side to, anchor_plan& plan, session_description const& from_peer,
                               session_description& out);

  std::array<side_state, 2> sides_;
  key_generator keys_;
  std::vector<media_stream> streams_;
  std::optional<side> offerer_;
  time_point last_now_{};
  bool released_ = false;
};

}  // namespace gatehouse::media

template <>
struct std::is_error_code_enum<gatehouse::media::session_errc> : std::true_type {};
