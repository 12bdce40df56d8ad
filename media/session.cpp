#include "media/session.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace gatehouse::media {
namespace {

class category final : public std::error_category {
 public:
  char const* name() const noexcept override { return "gatehouse.media.session"; }

  std::string message(int ev) const override {
    switch (static_cast<session_errc>(ev)) {
      case session_errc::offer_pending:
        return "an offer is already awaiting its answer";
      case session_errc::no_offer_pending:
        return "answer without an offer";
      case session_errc::answer_from_offerer:
        return "answer from the side that made the offer";
      case session_errc::ports_exhausted:
        return "no relay ports left";
      case session_errc::media_count_mismatch:
        return "number of m= lines does not match the offer";
      case session_errc::media_type_mismatch:
        return "m= media type does not match the offer";
      case session_errc::missing_connection:
        return "stream without a c= line";
      case session_errc::no_acceptable_crypto:
        return "no acceptable a=crypto";
      case session_errc::unknown_crypto_tag:
        return "a=crypto tag was not offered";
      case session_errc::crypto_suite_mismatch:
        return "a=crypto suite differs from the offered one";
      case session_errc::session_released:
        return "media session released";
    }
    return "unknown media session error";
  }
};

bool is_srtp_profile(transport_protocol p) noexcept {
  return p == transport_protocol::rtp_savp || p == transport_protocol::rtp_savpf;
}

bool has_feedback(transport_protocol p) noexcept {
  return p == transport_protocol::rtp_avpf || p == transport_protocol::rtp_savpf;
}

// RFC 3711 (SAVP), RFC 4585 (AVPF), RFC 5124 (SAVPF): the F suffix travels across the relay.
std::string_view profile(bool srtp, bool feedback) noexcept {
  if (srtp) return feedback ? "RTP/SAVPF" : "RTP/SAVP";
  return feedback ? "RTP/AVPF" : "RTP/AVP";
}

// A line the relay can answer: a suite it implements, one key (RFC 4568 §6.1 allows several,
// separated by ';'; the relay's SRTP takes one), and no session parameters, which the relay
// does not implement either (RFC 4568 §6.3: an answerer must not accept a line whose session
// parameters it does not support).
bool is_usable(crypto_line const& c) noexcept {
  return c.session_params.empty() && c.key_params.find(';') == std::string::npos &&
         std::find(supported_suites.begin(), supported_suites.end(), c.suite) !=
             supported_suites.end();
}

crypto_line to_line(sdes_key const& k) {
  return {static_cast<std::uint32_t>(k.tag), k.suite, k.key_params, {}};
}

sdes_key to_key(crypto_line const& c) {
  return {c.suite, c.key_params, static_cast<int>(c.tag)};
}

// The relay's socket on a side is of its interface's IP version; an address of the other
// version cannot be reached from it (latching learns where packets really come from).
std::optional<socket_address> reachable(std::optional<socket_address> const& a,
                                        ip_address const& local) noexcept {
  if (a && a->ip.v6 == local.v6) return a;
  return std::nullopt;
}

// Every port `e` holds, as seen from side `s`.
template <class Out>
void collect_ports(stream_end const& e, side s, Out& out) {
  if (e.rtp_port) out.push_back({s, *e.rtp_port});
  if (e.rtcp_port) out.push_back({s, *e.rtcp_port});
}

}  // namespace

std::error_category const& session_category() noexcept {
  static category const instance;
  return instance;
}

std::error_code make_error_code(session_errc e) noexcept {
  return {static_cast<int>(e), session_category()};
}

media_session::media_session(media_interface& a, security a_policy, media_interface& b,
                             security b_policy, key_generator keys)
    : keys_(std::move(keys)) {
  assert(keys_);
  sides_[index(side::a)].iface = &a;
  sides_[index(side::a)].policy = a_policy;
  sides_[index(side::b)].iface = &b;
  sides_[index(side::b)].policy = b_policy;
}

media_session::~media_session() {
  release_all(last_now_);
}

media_session::media_session(media_session&& other) noexcept
    : sides_(std::move(other.sides_)),
      keys_(std::move(other.keys_)),
      streams_(std::move(other.streams_)),
      offerer_(other.offerer_),
      last_now_(other.last_now_),
      released_(other.released_) {
  other.streams_.clear();
  other.released_ = true;
}

media_session& media_session::operator=(media_session&& other) noexcept {
  if (this == &other) return *this;
  release_all(last_now_);
  sides_ = std::move(other.sides_);
  keys_ = std::move(other.keys_);
  streams_ = std::move(other.streams_);
  offerer_ = other.offerer_;
  last_now_ = other.last_now_;
  released_ = other.released_;
  other.streams_.clear();
  other.released_ = true;
  return *this;
}

void media_session::give_back(std::vector<port_ref> const& ports, time_point now) {
  for (auto const& p : ports) pool(p.on).release_single(p.port, now);
}

void media_session::release_all(time_point now) {
  if (released_) return;
  released_ = true;
  std::vector<port_ref> held;
  for (auto const& s : streams_) {
    collect_ports(s.ends[0], side::a, held);
    collect_ports(s.ends[1], side::b, held);
  }
  give_back(held, now);
  streams_.clear();
  offerer_.reset();
}

std::error_code media_session::finish_write(side to, anchor_plan& plan,
                                            session_description const& from_peer,
                                            session_description& out) {
  auto& st = sides_[index(to)];
  origin_plan origin = st.origin;
  if (!st.origin_set) {
    // The first SDP a side gets fixes its o= username and session id for the whole call.
    auto const o = from_peer.origin();
    origin = {std::string(o.username), o.session_id, o.session_version};
  }
  plan.origin = origin;
  session_description written;
  if (auto ec = write_anchored(from_peer, plan, written)) return ec;
  auto text = written.to_string();
  // RFC 3264 §8: the version grows when the description changes, and only then.
  if (st.origin_set && text != st.last_written) {
    written.bump_version();
    ++origin.session_version;
    text = written.to_string();
  }
  st.origin_set = true;
  st.origin = std::move(origin);
  st.last_written = std::move(text);
  out = std::move(written);
  return {};
}

std::error_code media_session::offer(side from, session_description const& sdp, time_point now,
                                     session_description& out) {
  if (released_) return session_errc::session_released;
  if (offerer_) return session_errc::offer_pending;
  last_now_ = now;
  std::vector<remote_stream> remote;
  if (auto ec = learn_remote(sdp, remote)) return ec;
  // RFC 3264 §8: a new offer keeps every m= line of the previous one.
  if (remote.size() < streams_.size()) return session_errc::media_count_mismatch;

  side const x = from;  // the offerer
  side const y = other(from);
  auto const xi = index(x), yi = index(y);
  auto const& x_local = sides_[xi].iface->advertised;
  auto next = streams_;
  next.resize(remote.size());
  std::vector<port_ref> taken;  // given back if this offer fails
  std::vector<port_ref> spare;  // given back if it succeeds
  auto fail = [&](std::error_code ec) {
    give_back(taken, now);
    return ec;
  };
  auto take_pair = [&](side s, stream_end& e) {
    auto const p = pool(s).acquire_pair(now);
    if (!p) return false;
    e.rtp_port = *p;
    e.rtcp_port = std::uint16_t(*p + 1);
    taken.push_back({s, *p});
    taken.push_back({s, std::uint16_t(*p + 1)});
    return true;
  };

  anchor_plan plan;
  plan.address = sides_[yi].iface->advertised;
  plan.streams.resize(remote.size());
  for (std::size_t i = 0; i < remote.size(); ++i) {
    auto const& r = remote[i];
    auto& s = next[i];
    bool const anchored = r.port != 0 && is_anchorable(r.transport);
    bool const continuing = i < streams_.size() && streams_[i].active && anchored &&
                            streams_[i].media_type == r.media_type;
    if (!continuing) {
      // RFC 3264 §8.3.3: a new stream, or a slot reused for one; whatever it held goes back.
      collect_ports(s.ends[0], side::a, spare);
      collect_ports(s.ends[1], side::b, spare);
      s = media_stream{};
      s.media_type = r.media_type;
    }
    s.ends[xi].protocol = r.protocol;  // the answer to the offerer names it, even rejected
    // A rejected stream, or one the relay cannot anchor (DTLS-SRTP, T.38, SCTP, ...): the other
    // side gets it with port 0 (RFC 3264 §8.2), so the offerer's answer rejects it too.
    if (!anchored) continue;
    s.active = true;

    // The offerer's end: what it says, and what the relay will answer.
    auto& xe = s.ends[xi];
    bool const x_srtp = is_srtp_profile(r.transport);
    std::vector<crypto_line const*> usable;
    for (auto const& c : r.cryptos) {
      if (is_usable(c)) usable.push_back(&c);
    }
    if (x_srtp ? usable.empty() : sides_[xi].policy == security::srtp) {
      return fail(session_errc::no_acceptable_crypto);
    }
    xe.protocol = r.protocol;
    xe.direction = r.direction;
    xe.remote_rtp = reachable(r.rtp, x_local);
    xe.remote_rtcp = reachable(r.rtcp, x_local);
    if (x_srtp) {
      // RFC 4568 §5.1.2: answer the first line the relay can use (the offerer's preference),
      // same tag and suite, with the relay's own key; a continuing stream keeps its key.
      auto const& chosen = *usable.front();
      xe.inbound_key = to_key(chosen);
      if (!xe.outbound_key || xe.outbound_key->suite != chosen.suite ||
          xe.outbound_key->tag != static_cast<int>(chosen.tag)) {
        xe.outbound_key = sdes_key{chosen.suite, keys_(chosen.suite), static_cast<int>(chosen.tag)};
      }
    } else {
      xe.inbound_key.reset();
      xe.outbound_key.reset();
    }
    // RFC 5761 §5.1.3: the relay accepts multiplexing whenever it is offered; it needs one port
    // then, and a pair otherwise.
    xe.rtcp_mux = r.rtcp_mux;
    if (xe.rtcp_mux) {
      if (xe.rtcp_port) {
        spare.push_back({x, *xe.rtcp_port});
        xe.rtcp_port.reset();
      } else if (!xe.rtp_port) {
        auto const p = pool(x).acquire_single(now);
        if (!p) return fail(session_errc::ports_exhausted);
        xe.rtp_port = *p;
        taken.push_back({x, *p});
      }
    } else if (!xe.rtcp_port) {
      if (xe.rtp_port) spare.push_back({x, *xe.rtp_port});
      if (!take_pair(x, xe)) return fail(session_errc::ports_exhausted);
    }

    // The other end: a pair, so that its answer may decline multiplexing. Once it accepted
    // multiplexing it keeps its one port, and a=rtcp names that port (as RFC 8858 §4.2 asks of
    // a mux-only offer): should it decline now, its RTCP still reaches the relay there.
    auto& ye = s.ends[yi];
    bool const keep_single = ye.rtp_port && !ye.rtcp_port && r.rtcp_mux;
    if (!keep_single && !ye.rtcp_port) {
      if (ye.rtp_port) spare.push_back({y, *ye.rtp_port});
      if (!take_pair(y, ye)) return fail(session_errc::ports_exhausted);
    }
    auto const y_policy = sides_[yi].policy;
    bool const y_srtp = y_policy == security::srtp || (y_policy == security::as_offered && x_srtp);
    ye.protocol = profile(y_srtp, has_feedback(r.transport));
    std::vector<sdes_key> offered;
    if (y_srtp) {
      std::vector<std::string_view> suites;
      if (x_srtp) {
        for (auto const* c : usable) {
          if (std::find(suites.begin(), suites.end(), c->suite) == suites.end()) {
            suites.push_back(c->suite);
          }
        }
      } else {
        suites = {supported_suites[0], supported_suites[2]};
      }
      for (std::size_t k = 0; k < suites.size(); ++k) {
        sdes_key key{std::string(suites[k]), {}, static_cast<int>(k + 1)};
        // RFC 4568 §7.1.4: a re-offer may keep the keys; it does, so an unchanged offer stays
        // unchanged.
        for (auto const& old : ye.offered_keys) {
          if (old.tag == key.tag && old.suite == key.suite) key.key_params = old.key_params;
        }
        if (key.key_params.empty()) key.key_params = keys_(key.suite);
        offered.push_back(std::move(key));
      }
    }
    ye.offered_keys = std::move(offered);

    auto& p = plan.streams[i];
    p.enabled = true;
    p.rtp_port = *ye.rtp_port;
    p.rtcp_port = *ye.local_rtcp_port();
    p.rtcp_mux = r.rtcp_mux;
    p.protocol = ye.protocol;
    for (auto const& k : ye.offered_keys) p.cryptos.push_back(to_line(k));
  }

  if (auto ec = finish_write(y, plan, sdp, out)) return fail(ec);
  give_back(spare, now);
  streams_ = std::move(next);
  offerer_ = x;
  return {};
}

std::error_code media_session::answer(side from, session_description const& sdp, time_point now,
                                      session_description& out) {
  if (released_) return session_errc::session_released;
  if (!offerer_) return session_errc::no_offer_pending;
  if (*offerer_ == from) return session_errc::answer_from_offerer;
  last_now_ = now;
  std::vector<remote_stream> remote;
  if (auto ec = learn_remote(sdp, remote)) return ec;
  // RFC 3264 §6: the answer has exactly the offer's m= lines, in order.
  if (remote.size() != streams_.size()) return session_errc::media_count_mismatch;

  side const x = *offerer_;
  side const y = from;  // the answerer
  auto const xi = index(x), yi = index(y);
  auto const& y_local = sides_[yi].iface->advertised;
  auto next = streams_;
  std::vector<port_ref> spare;
  anchor_plan plan;
  plan.address = sides_[xi].iface->advertised;
  plan.streams.resize(remote.size());
  for (std::size_t i = 0; i < remote.size(); ++i) {
    auto const& r = remote[i];
    auto& s = next[i];
    auto& p = plan.streams[i];
    // RFC 3264 §6: a rejected stream is answered with port 0 in the offer's protocol.
    p.protocol = s.ends[xi].protocol;
    if (!s.active) continue;  // offered with port 0: rejected whatever the answer says
    if (r.media_type != s.media_type) return session_errc::media_type_mismatch;
    if (r.port == 0) {
      collect_ports(s.ends[0], side::a, spare);
      collect_ports(s.ends[1], side::b, spare);
      s = media_stream{};
      s.media_type = r.media_type;
      s.ends[xi].protocol = p.protocol;
      continue;
    }
    auto& ye = s.ends[yi];
    ye.direction = r.direction;
    ye.remote_rtp = reachable(r.rtp, y_local);
    ye.remote_rtcp = reachable(r.rtcp, y_local);
    // RFC 5761 §5.1.3: a=rtcp-mux in the answer accepts multiplexing. RFC 8035 forbids it when
    // the offer had none; an answerer that does so muxes anyway, so the relay follows it.
    ye.rtcp_mux = r.rtcp_mux;
    if (ye.rtcp_mux && ye.rtcp_port) {
      spare.push_back({y, *ye.rtcp_port});
      ye.rtcp_port.reset();
    }
    if (!ye.offered_keys.empty()) {
      // RFC 4568 §5.1.2: one line, naming an offered tag with that tag's suite.
      if (r.cryptos.empty()) return session_errc::no_acceptable_crypto;
      auto const& c = r.cryptos.front();
      auto const offered =
          std::find_if(ye.offered_keys.begin(), ye.offered_keys.end(),
                       [&](sdes_key const& k) { return k.tag == static_cast<int>(c.tag); });
      if (offered == ye.offered_keys.end()) return session_errc::unknown_crypto_tag;
      if (offered->suite != c.suite) return session_errc::crypto_suite_mismatch;
      ye.inbound_key = to_key(c);
      ye.outbound_key = *offered;
    } else {
      ye.inbound_key.reset();
      ye.outbound_key.reset();
    }

    auto const& xe = s.ends[xi];
    p.enabled = true;
    p.rtp_port = *xe.rtp_port;
    p.rtcp_port = xe.rtcp_port;
    p.rtcp_mux = xe.rtcp_mux;
    p.protocol = xe.protocol;
    if (xe.outbound_key) p.cryptos.push_back(to_line(*xe.outbound_key));
  }

  if (auto ec = finish_write(x, plan, sdp, out)) return ec;
  give_back(spare, now);
  streams_ = std::move(next);
  offerer_.reset();
  return {};
}

}  // namespace gatehouse::media
