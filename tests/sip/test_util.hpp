#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sip/parser.hpp"

namespace gatehouse::test {

/// The bytes of a file under tests/data.
inline std::string read_data(std::string const& relative) {
  std::ifstream in(std::filesystem::path(GATEHOUSE_TEST_DATA) / relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// One row of tests/data/rfc4475/MANIFEST.tsv.
struct torture_case {
  std::string file, section, title, parse, uas_reply;
  std::string bytes;
};

/// Every row of the RFC 4475 manifest with its message bytes.
inline std::vector<torture_case> torture_cases() {
  std::vector<torture_case> out;
  std::istringstream manifest(read_data("rfc4475/MANIFEST.tsv"));
  std::string line;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    torture_case c;
    std::getline(row, c.file, '\t');
    std::getline(row, c.section, '\t');
    std::getline(row, c.title, '\t');
    std::getline(row, c.parse, '\t');
    std::getline(row, c.uas_reply, '\t');
    c.bytes = read_data("rfc4475/" + c.file);
    out.push_back(std::move(c));
  }
  return out;
}

/// Parses a datagram that must be well-formed (the test stops when it is not).
inline sip::message parsed(std::string const& bytes) {
  sip::message m;
  auto const err = sip::parse_datagram(bytes, m);
  REQUIRE_MESSAGE(!err, err.describe(), "\n", bytes);
  return m;
}

/// The reply codes of a manifest's uas_reply column ("400", "501|405"; "-" is none).
inline std::set<int> manifest_codes(std::string const& field) {
  std::set<int> out;
  for (std::size_t pos = 0; pos < field.size();) {
    std::size_t const bar = field.find('|', pos);
    if (field.compare(pos, 1, "-") != 0) out.insert(std::stoi(field.substr(pos, bar - pos)));
    if (bar == std::string::npos) break;
    pos = bar + 1;
  }
  return out;
}

}  // namespace gatehouse::test
