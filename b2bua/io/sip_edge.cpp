#include "b2bua/io/sip_edge.hpp"

#include "b2bua/log.hpp"

namespace gatehouse::b2bua::io {

sip_edge::sip_edge(asio::io_context& io, sip_front& front, sip::io::transport_options options)
    : io_(io), front_(front), timer_(io) {
  transports_ = std::make_unique<sip::io::transport_set>(io_, std::move(options), *this);
}

void sip_edge::on_datagram(std::string_view bytes, sip::peer const& from) {
  front_.on_datagram(bytes, from, sip::clock::now());
  flush();
}

void sip_edge::on_stream_message(sip::message& msg, sip::peer const& from) {
  front_.on_stream_message(msg, from, sip::clock::now());
  flush();
}

std::string sip_edge::on_stream_error(sip::parse_error const& error, sip::message const& partial,
                                      sip::peer const& from) {
  log::debug("sip", "closing ", sip::via_token(from.proto), " connection from ", from.ip, ":",
             from.port, ": ", error.describe());
  return front_.on_stream_error(error, partial, from);
}

void sip_edge::on_send_failed(sip::peer const& to, std::error_code ec) {
  log::debug("sip", "cannot send to ", sip::via_token(to.proto), " ", to.ip, ":", to.port, ": ",
             ec.message());
  front_.on_send_failed(to);
}

void sip_edge::flush() {
  for (auto& w : front_.take_wire()) transports_->send(w.to, std::move(w.bytes));
  arm();
}

void sip_edge::arm() {
  // Re-arm only for an earlier deadline: most messages push the next deadline later (a new
  // transaction's timers), and re-arming each time costs a timerfd syscall per message. A timer
  // that fires early finds nothing due and arms again for what is.
  auto const next = front_.next_deadline();
  if (!next || (armed_for_ && *armed_for_ <= *next)) return;
  armed_for_ = next;
  timer_.expires_at(*next);
  timer_.async_wait([this, at = *next](std::error_code ec) {
    if (ec || armed_for_ != at) return;
    armed_for_.reset();
    front_.on_timer(sip::clock::now());
    flush();
  });
}

void sip_edge::close() {
  timer_.cancel();
  armed_for_.reset();
  transports_->close();
}

}  // namespace gatehouse::b2bua::io
