#include "config_json.hpp"

#include "mlp/error.hpp"

#include <algorithm>
#include <set>
#include <vector>

namespace mlp {
namespace {

// "3:15": 1-based line and column (in bytes) of text[index].
std::string position(std::string_view text, std::size_t index) {
  index = std::min(index, text.size());
  const std::string_view before = text.substr(0, index);
  const auto line = 1 + std::ranges::count(before, '\n');
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  return std::to_string(line) + ":" + std::to_string(index - line_start + 1);
}

// Index of the first bracket nested deeper than kMaxJsonDepth (outside strings), or npos.
std::size_t too_deep_at(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// nlohmann's parser reports where it stopped; for the two mistakes people carry over from
// JavaScript and JSON5 (comments, trailing commas), say so plainly and point at the culprit.
[[noreturn]] void throw_syntax_error(std::string_view text, const std::string& source,
                                     const nlohmann::json::parse_error& error) {
  // error.byte is the 1-based count of bytes read; the last one is where parsing failed.
  std::size_t at = error.byte == 0 ? 0 : error.byte - 1;
  std::string message;
  if (at < text.size() && text[at] == '/') {
    message = "comments are not allowed (a config is plain JSON, so any JSON tool can read it)";
  } else if (at < text.size() && (text[at] == '}' || text[at] == ']')) {
    const std::size_t previous = text.find_last_not_of(" \t\r\n", at == 0 ? 0 : at - 1);
    if (at > 0 && previous != std::string_view::npos && text[previous] == ',') {
      message = std::string("trailing comma before '") + text[at] + "' (JSON allows none)";
      at = previous;
    }
  }
  if (message.empty()) {
    const std::string what = error.what();
    const std::size_t syntax = what.find("syntax error");
    message = syntax == std::string::npos ? what : what.substr(syntax);
  }
  throw InputError(source + ":" + position(text, at) + ": " + message);
}

// Follows the parse to name the JSON path of a key given twice in one object (nlohmann would
// silently keep the last value).
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& source) : source_(&source) {}

  bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        frames_.push_back({.object = event == Event::object_start, .keys = {}, .key = {}, .index = 0});
        break;
      case Event::key:
        frames_.back().key = parsed.get<std::string>();
        if (!frames_.back().keys.insert(frames_.back().key).second) {
          throw InputError(*source_ + ": " + path() + ": duplicate key (only one value can count; remove the other)");
        }
        break;
      case Event::object_end:
      case Event::array_end:
        frames_.pop_back();
        count_element();
        break;
      case Event::value:
        count_element();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;    // the current key of an object
    std::size_t index;  // the current element of an array
  };

  void count_element() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
  }

  std::string path() const {
    std::string text;
    for (const Frame& frame : frames_) {
      if (frame.object) {
        text += (text.empty() ? "" : ".") + frame.key;
      } else {
        text += "[" + std::to_string(frame.index) + "]";
      }
    }
    return text;
  }

  const std::string* source_;
  std::vector<Frame> frames_;
};

}  // namespace

nlohmann::json read_json(std::string_view text, const std::string& source) {
  if (const std::size_t at = too_deep_at(text); at != std::string_view::npos) {
    throw InputError(source + ":" + position(text, at) + ": nesting deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels of arrays and objects");
  }
  try {
    return nlohmann::json::parse(text, DuplicateKeyCheck(source));
  } catch (const nlohmann::json::parse_error& error) {
    throw_syntax_error(text, source, error);
  } catch (const nlohmann::json::out_of_range& error) {
    // A number beyond a double's range (1e400); nlohmann gives no position for it.
    const std::string what = error.what();
    throw InputError(source + ": " + what.substr(what.find(']') + 2) + " (beyond the range of a double)");
  }
}

nlohmann::json parse_json_or_string(std::string_view text) {
  if (too_deep_at(text) != std::string_view::npos) return std::string(text);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(std::string(text)) : value;
}

}  // namespace mlp
