// A minimal XML well-formedness checker for the tests of the HTML/SVG reports. parse() reads a
// document (an optional <!DOCTYPE ...>, comments, one root element) into a tree and throws
// std::runtime_error naming the byte offset of the first violation: unbalanced or mis-nested
// tags, unquoted or duplicate attributes, '<' in an attribute value, a bare '&', an unknown
// entity, or anything but comments and white space after the root.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xml_check {

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // values with entities decoded
  std::vector<Element> children;
  std::string text;  // character data directly inside, entities decoded

  const std::string* attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::string attribute_or(std::string_view key, std::string fallback = "") const {
    const std::string* v = attribute(key);
    return v ? *v : fallback;
  }
  // Every element of the subtree, this one first, depth first.
  void visit(const std::function<void(const Element&)>& f) const {
    f(*this);
    for (const Element& c : children) c.visit(f);
  }
  std::vector<const Element*> find_all(const std::function<bool(const Element&)>& match) const {
    std::vector<const Element*> found;
    visit([&](const Element& e) {
      if (match(e)) found.push_back(&e);
    });
    return found;
  }
  // The text of the subtree, in document order.
  std::string all_text() const {
    std::string t = text;
    for (const Element& c : children) t += c.all_text();
    return t;
  }
};

class Parser {
 public:
  explicit Parser(std::string_view doc) : doc_(doc) {}

  Element document() {
    skip_misc();
    if (starts("<!DOCTYPE")) {
      pos_ = doc_.find('>', pos_);
      if (pos_ == std::string_view::npos) fail("unterminated DOCTYPE");
      ++pos_;
    }
    skip_misc();
    Element root = element();
    skip_misc();
    if (pos_ != doc_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("offset " + std::to_string(pos_) + ": " + what);
  }
  bool starts(std::string_view s) const { return doc_.substr(pos_, s.size()) == s; }
  bool at_end() const { return pos_ >= doc_.size(); }
  char peek() const { return at_end() ? '\0' : doc_[pos_]; }
  static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  bool skip_space() {
    const std::size_t start = pos_;
    while (!at_end() && space(doc_[pos_])) ++pos_;
    return pos_ > start;
  }
  void comment() {
    const std::size_t end = doc_.find("-->", pos_ + 4);
    if (end == std::string_view::npos) fail("unterminated comment");
    pos_ = end + 3;
  }
  void skip_misc() {
    for (;;) {
      skip_space();
      if (!starts("<!--")) return;
      comment();
    }
  }
  static bool name_char(char c, bool first) {
    const auto u = static_cast<unsigned char>(c);
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
    return letter || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
  }
  std::string name() {
    const std::size_t start = pos_;
    if (at_end() || !name_char(peek(), true)) fail("expected a name");
    while (!at_end() && name_char(peek(), false)) ++pos_;
    return std::string(doc_.substr(start, pos_ - start));
  }
  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  // At '&': the five predefined entities and character references to XML characters.
  void entity(std::string& out) {
    const std::size_t end = doc_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) fail("bare '&'");
    const std::string_view ref = doc_.substr(pos_ + 1, end - pos_ - 1);
    static const std::pair<std::string_view, char> kNamed[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    for (const auto& [n, c] : kNamed) {
      if (ref == n) {
        out += c;
        pos_ = end + 1;
        return;
      }
    }
    if (ref.size() < 2 || ref[0] != '#') fail("unknown entity &" + std::string(ref) + ";");
    const bool hex = ref[1] == 'x';
    const std::string digits(ref.substr(hex ? 2 : 1));
    if (digits.empty() ||
        digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos) {
      fail("bad character reference");
    }
    const unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
    const bool valid = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                       (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!valid) fail("character reference to a non-XML character");
    append_utf8(out, static_cast<std::uint32_t>(cp));
    pos_ = end + 1;
  }
  void attributes(Element& e) {
    for (;;) {
      const bool spaced = skip_space();
      if (starts("/>") || starts(">")) return;
      if (!spaced) fail("attributes must be separated by white space");
      const std::string key = name();
      skip_space();
      if (peek() != '=') fail("attribute " + key + " without a value");
      ++pos_;
      skip_space();
      const char quote = peek();
      if (quote != '"' && quote != '\'') fail("unquoted value of attribute " + key);
      ++pos_;
      std::string value;
      while (!at_end() && peek() != quote) {
        if (peek() == '<') fail("'<' in the value of attribute " + key);
        if (peek() == '&') {
          entity(value);
        } else {
          value += doc_[pos_++];
        }
      }
      if (at_end()) fail("unterminated value of attribute " + key);
      ++pos_;
      if (e.attribute(key)) fail("duplicate attribute " + key);
      e.attributes.emplace_back(key, value);
    }
  }
  Element element() {
    if (peek() != '<') fail("expected an element");
    ++pos_;
    Element e;
    e.name = name();
    attributes(e);
    if (starts("/>")) {
      pos_ += 2;
      return e;
    }
    ++pos_;  // '>'
    content(e);
    return e;
  }
  void content(Element& e) {
    for (;;) {
      if (at_end()) fail("<" + e.name + "> is not closed");
      if (starts("</")) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != e.name) fail("</" + closing + "> closes <" + e.name + ">");
        skip_space();
        if (peek() != '>') fail("expected '>'");
        ++pos_;
        return;
      }
      if (starts("<!--")) {
        comment();
      } else if (starts("<!") || starts("<?")) {
        fail("unexpected markup declaration");
      } else if (peek() == '<') {
        e.children.push_back(element());
      } else if (peek() == '&') {
        entity(e.text);
      } else {
        if (starts("]]>")) fail("']]>' in text");
        e.text += doc_[pos_++];
      }
    }
  }

  std::string_view doc_;
  std::size_t pos_ = 0;
};

inline Element parse(std::string_view document) { return Parser(document).document(); }

}  // namespace xml_check
