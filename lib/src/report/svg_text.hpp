// Text for the SVG and HTML reports: escaping for XML and locale-independent numbers.
#pragma once

#include <string>
#include <string_view>

namespace mlp::svg {

// Text for XML content and quoted attribute values: & < > " ' escaped; invalid UTF-8 and the
// control characters XML 1.0 forbids replaced by U+FFFD, so any input gives well-formed XML.
std::string escape(std::string_view text);

// Locale-independent number text, as printf("%.*f") and printf("%.*g") in the C locale.
std::string fixed(double x, int decimals);
std::string general(double x, int precision);

}  // namespace mlp::svg
