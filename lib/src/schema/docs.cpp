// The markdown reference generated from key declarations and family tables (docs/config.md).
#include "schema.hpp"

#include <algorithm>
#include <cctype>

namespace mlp::schema {
namespace {

// Table cells: a '|' would end the cell.
std::string cell(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string code(std::string_view text) { return text.empty() ? std::string() : "`" + cell(text) + "`"; }

// GitHub's anchor for a heading: "Learning-rate schedules" -> "learning-rate-schedules".
std::string anchor(std::string_view title) {
  std::string id;
  for (const char c : title) {
    if (c == ' ') {
      id += '-';
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') {
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return id;
}

std::string link(const Family& family, std::string_view text) {
  return "[" + std::string(text) + "](#" + anchor(family.title) + ")";
}

// "in [0, 1)", ">= 0", or nothing for an unbounded range.
std::string bounds(const Range& range) {
  if (std::isinf(range.lo) && std::isinf(range.hi)) return {};
  std::string text = range.describe();
  constexpr std::string_view kMustBe = "must be ";
  return text.starts_with(kMustBe) ? text.substr(kMustBe.size()) : text;
}

std::string choice_list(std::initializer_list<std::string_view> choices) {
  std::string text;
  for (const std::string_view choice : choices) text += (text.empty() ? "" : ", ") + code(choice);
  return text;
}

std::string type_name(const Key& key) {
  const std::string noun = key.family != nullptr ? std::string(key.family->noun) : "";
  std::string name;
  switch (key.type) {
    case Type::kBoolean:
      name = "boolean";
      break;
    case Type::kInteger:
      name = "integer";
      break;
    case Type::kNumber:
      name = "number";
      break;
    case Type::kString:
      name = "string";
      break;
    case Type::kCharacter:
      name = "character";
      break;
    case Type::kChoice:
      name = "string";
      break;
    case Type::kPath:
      name = "path";
      break;
    case Type::kStringList:
      name = "string or list of strings";
      break;
    case Type::kIntegerList:
      name = "list of integers";
      break;
    case Type::kNumberList:
      name = "list of numbers";
      break;
    case Type::kFamily:
      name = noun + " (name or object)";
      break;
    case Type::kFamilyList:
      name = "list of " + noun + "s";
      break;
    case Type::kCustom:
      name = key.custom_type;
      break;
  }
  return key.nullable ? name + " or null" : name;
}

std::string valid_values(const Key& key) {
  switch (key.type) {
    case Type::kInteger:
    case Type::kNumber:
      return bounds(key.range);
    case Type::kIntegerList:
    case Type::kNumberList:
      return bounds(key.range).empty() ? "" : "each " + bounds(key.range);
    case Type::kChoice:
      return choice_list(key.choices);
    case Type::kCharacter:
      return "one character; not a quote or a line break";
    case Type::kFamily:
      return (key.choices.size() == 0 ? "" : choice_list(key.choices) + " or ") + "any " +
             link(*key.family, key.family->noun);
    case Type::kFamilyList:
      return link(*key.family, key.family->title);
    case Type::kCustom:  // a custom key of a family's members (compare.baseline) links to them
      return key.family != nullptr ? link(*key.family, key.family->title) : "";
    default:
      return {};
  }
}

std::string param_type(const ParamSpec& spec) {
  switch (spec.kind) {
    case ParamKind::kInteger:
      return "integer";
    case ParamKind::kBoolean:
      return "boolean";
    case ParamKind::kChoice:
      return "string";
    case ParamKind::kNumberPair:
      return "pair of numbers";
    case ParamKind::kNumber:
      break;
  }
  return "number";
}

std::string param_row(std::string_view member, const ParamSpec& spec) {
  const ParamValues defaults = default_values({&spec, 1});
  const std::string valid =
      spec.kind == ParamKind::kChoice ? choice_list(spec.choices)
      : spec.kind == ParamKind::kBoolean
          ? ""
          : (spec.kind == ParamKind::kNumberPair && !bounds(spec.range).empty() ? "each " : "") + bounds(spec.range);
  return "| " + std::string(member) + " | " + code(spec.name) + " | " + param_type(spec) + " | " +
         code(format_value(spec, defaults.data())) + " | " + valid + " | " + cell(spec.description) + " |\n";
}

}  // namespace

std::string markdown_keys(std::span<const Key> keys, std::string_view prefix) {
  std::string text =
      "| Key | Type | Default | Valid values | Description |\n"
      "|---|---|---|---|---|\n";
  for (const Key& key : keys) {
    const std::string default_text = key.default_json.empty() ? "required" : code(key.default_json);
    text += "| " + code(std::string(prefix) + std::string(key.path)) + " | " + type_name(key) + " | " + default_text +
            " | " + valid_values(key) + " | " + cell(key.description) + " |\n";
  }
  return text;
}

std::string markdown_family(const Family& family) {
  const std::vector<Member> members = family.members();
  std::string text =
      "| Name | Aliases | Formula | PyTorch |\n"
      "|---|---|---|---|\n";
  for (const Member& member : members) {
    std::string aliases;
    for (const std::string_view alias : member.aliases) aliases += (aliases.empty() ? "" : ", ") + code(alias);
    text +=
        "| " + code(member.name) + " | " + aliases + " | " + code(member.formula) + " | " + code(member.torch) + " |\n";
  }
  std::string rows;
  for (const Member& member : members) {
    for (const ParamSpec& spec : member.params) rows += param_row(code(member.name), spec);
  }
  for (const ParamSpec& spec : family.common_specs()) rows += param_row("every " + std::string(family.noun), spec);
  if (rows.empty()) return text;
  std::string noun(family.noun);
  noun[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(noun[0])));
  return text + "\n| " + noun +
         " | Parameter | Type | Default | Valid values | Description |\n"
         "|---|---|---|---|---|---|\n" +
         rows;
}

}  // namespace mlp::schema
