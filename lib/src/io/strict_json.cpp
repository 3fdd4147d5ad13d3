#include "strict_json.hpp"

#include "json_scan.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <set>
#include <vector>

namespace mlp {
namespace {

using detail::line_column_at;
using detail::number_overflow_at;
using detail::too_deep_at;

// nlohmann's parser reports where it stopped; for the two mistakes people carry over from
// JavaScript and JSON5 (comments, trailing commas), say so plainly and point at the culprit.
[[noreturn]] void throw_syntax_error(std::string_view text, const std::string& source, std::string_view what,
                                     const nlohmann::json::parse_error& error) {
  // error.byte is the 1-based count of bytes read; the last one is where parsing failed.
  std::size_t at = error.byte == 0 ? 0 : error.byte - 1;
  std::string message;
  if (at < text.size() && text[at] == '/') {
    message = "comments are not allowed (a " + std::string(what) + " is plain JSON, so any JSON tool can read it)";
  } else if (at < text.size() && (text[at] == '}' || text[at] == ']')) {
    const std::size_t previous = text.find_last_not_of(" \t\r\n", at == 0 ? 0 : at - 1);
    if (at > 0 && previous != std::string_view::npos && text[previous] == ',') {
      message = std::string("trailing comma before '") + text[at] + "' (JSON allows none)";
      at = previous;
    }
  }
  if (message.empty()) {
    const std::string detail = error.what();
    const std::size_t syntax = detail.find("syntax error");
    message = printable(syntax == std::string::npos ? detail : detail.substr(syntax));
  }
  throw InputError(source + ":" + line_column_at(text, at) + ": " + message);
}

// Follows the parse to name the JSON path of a key given twice in one object (nlohmann would
// silently keep the last value).
template <class Json>
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& source) : source_(&source) {}

  bool operator()(int /*depth*/, typename Json::parse_event_t event, Json& parsed) {
    using Event = typename Json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        frames_.push_back({.object = event == Event::object_start, .keys = {}, .key = {}, .index = 0});
        break;
      case Event::key:
        frames_.back().key = parsed.template get<std::string>();
        if (!frames_.back().keys.insert(frames_.back().key).second) {
          // printable(): a key may hold a line break or a control character; the message stays one line.
          throw InputError(*source_ + ": " + printable(path()) +
                           ": duplicate key (only one value can count; remove the other)");
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

template <class Json>
Json read_json(std::string_view text, const std::string& source, std::string_view what) {
  if (const std::size_t at = too_deep_at(text, kMaxJsonDepth); at != std::string_view::npos) {
    throw InputError(source + ":" + line_column_at(text, at) + ": nesting deeper than " +
                     std::to_string(kMaxJsonDepth) + " levels of arrays and objects");
  }
  try {
    return Json::parse(text, DuplicateKeyCheck<Json>(source));
  } catch (const nlohmann::json::parse_error& error) {
    throw_syntax_error(text, source, what, error);
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond a double's range (1e400); nlohmann gives no position for it.
    const std::size_t at = number_overflow_at(text);
    if (at == std::string_view::npos) throw InputError(source + ": a number is beyond the range of a double");
    const std::size_t end = text.find_first_of(",]} \t\r\n", at);
    throw InputError(source + ":" + line_column_at(text, at) + ": the number " +
                     printable(text.substr(at, end == std::string_view::npos ? end : end - at)) +
                     " is beyond the range of a double");
  }
}

template nlohmann::json read_json(std::string_view, const std::string&, std::string_view);
template nlohmann::ordered_json read_json(std::string_view, const std::string&, std::string_view);

nlohmann::json parse_json_or_string(std::string_view text) {
  if (too_deep_at(text, kMaxJsonDepth) != std::string_view::npos) return std::string(text);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(std::string(text)) : value;
}

}  // namespace mlp
