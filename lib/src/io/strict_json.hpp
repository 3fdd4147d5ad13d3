// Reading text as strict JSON, with messages that say where a mistake is: configs, model files
// and checkpoints alike.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace mlp {

// The deepest nesting of arrays and objects a config may have. nlohmann's parser recurses once
// per level, so deeper text is rejected by a flat scan before it is parsed (a hostile file must
// not overflow the stack); no real config comes near this.
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as strict JSON (RFC 8259): no comments, no trailing commas, no duplicate keys.
// Throws InputError naming `source`: "<source>:<line>:<column>: <what is wrong>" for syntax errors
// and too deep nesting, "<source>: <json.path>: duplicate key" for a key given twice in an object.
// `what` names the kind of document in advice ("a config is plain JSON, ..."). Json is
// nlohmann::json or nlohmann::ordered_json.
template <class Json>
Json read_json(std::string_view text, const std::string& source, std::string_view what);

// A --set value or a parameter written in text: its JSON value when it is JSON (0.1, true,
// [0.9, 0.99], null), else the text itself as a string (relu, data/x.csv). Text nested deeper
// than kMaxJsonDepth is taken as a string too (and then fails the type check).
nlohmann::json parse_json_or_string(std::string_view text);

}  // namespace mlp
