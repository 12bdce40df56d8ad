#include "media/port_pool.hpp"

namespace gatehouse::media {

port_pool::port_pool(std::uint16_t first, std::uint16_t last, std::chrono::milliseconds quarantine)
    : first_(std::uint16_t(first + (first & 1))), quarantine_(quarantine) {
  if (last >= first_) state_.assign(std::size_t(last - first_) + 1, port_state::free);
  free_ = state_.size();
}

void port_pool::wake(time_point now) {
  while (!resting_.empty() && resting_.front().first <= now) {
    auto const port = resting_.front().second;
    resting_.pop_front();
    if (at(port) == port_state::resting) {
      at(port) = port_state::free;
      ++free_;
    }
  }
}

void port_pool::rest(std::uint16_t port, time_point now) {
  if (!in_range(port) || at(port) != port_state::taken) return;  // a caller's double release
  if (quarantine_.count() == 0) {
    at(port) = port_state::free;
    ++free_;
    return;
  }
  at(port) = port_state::resting;
  resting_.emplace_back(now + quarantine_, port);
}

std::optional<std::uint16_t> port_pool::acquire_pair(time_point now) {
  wake(now);
  std::size_t const n = state_.size() & ~std::size_t(1);
  if (free_ < 2 || n == 0) return std::nullopt;
  // Round robin over even offsets, so a released pair is the last to be handed out again.
  for (std::size_t k = 0; k < n; k += 2) {
    std::size_t const i = (cursor_ + k) % n;
    if (state_[i] == port_state::free && state_[i + 1] == port_state::free) {
      state_[i] = state_[i + 1] = port_state::taken;
      free_ -= 2;
      cursor_ = (i + 2) % n;
      return std::uint16_t(first_ + i);
    }
  }
  return std::nullopt;
}

std::optional<std::uint16_t> port_pool::acquire_single(time_point now) {
  wake(now);
  if (free_ == 0) return std::nullopt;
  std::size_t const n = state_.size();
  // First choice: a free port whose pair neighbour is not free (it cannot make a pair anyway).
  std::optional<std::size_t> fallback;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t const i = (cursor_ + k) % n;
    if (state_[i] != port_state::free) continue;
    std::size_t const sibling = i ^ 1;
    if (sibling >= n || state_[sibling] != port_state::free) {
      fallback = i;
      break;
    }
    if (!fallback) fallback = i;
  }
  if (!fallback) return std::nullopt;
  state_[*fallback] = port_state::taken;
  --free_;
  return std::uint16_t(first_ + *fallback);
}

void port_pool::release_pair(std::uint16_t rtp_port, time_point now) {
  rest(rtp_port, now);
  rest(std::uint16_t(rtp_port + 1), now);
}

void port_pool::release_single(std::uint16_t port, time_point now) {
  rest(port, now);
}

std::size_t port_pool::free_ports(time_point now) {
  wake(now);
  return free_;
}

}  // namespace gatehouse::media
