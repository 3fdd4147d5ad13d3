#include "task.hpp"

#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlp::detail {
namespace {

// Task detection: a target column whose values are all integers with at most this many
// distinct values is taken as class labels (0/1 flags, digit codes, 1..5 ratings); a measured
// quantity has fractions or many distinct values. The note says which rule fired, so a count
// with few values (misread as classes) is easy to spot and override with the task setting.
constexpr std::size_t kMaxDetectedClasses = 20;

bool contains(const std::vector<int>& columns, int column) {
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

std::string list_columns(const std::vector<std::string>& header) {
  constexpr std::size_t kMaxListed = 50;
  std::string out;
  for (std::size_t i = 0; i < header.size() && i < kMaxListed; ++i) out += (i ? ", " : "") + quote_text(header[i]);
  if (header.size() > kMaxListed) out += ", ... (" + std::to_string(header.size() - kMaxListed) + " more)";
  return out;
}

// The classes in index order and each label's class: numbers sorted by value (labels with the
// same value, "1" and "1.0", are one class named by the first spelling seen), else all labels
// sorted as text (byte order).
struct Classes {
  std::vector<std::string> names;
  std::vector<Index> of_label;
};
Classes build_classes(const Labels& labels) {
  const std::size_t k = labels.texts.size();
  const bool numeric = std::all_of(labels.numbers.begin(), labels.numbers.end(), [](auto& v) { return v.has_value(); });
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (numeric) {
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::pair(*labels.numbers[a], a) < std::pair(*labels.numbers[b], b);
    });
  } else {
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return labels.texts[a] < labels.texts[b]; });
  }
  Classes classes;
  classes.of_label.resize(k);
  for (std::size_t rank = 0; rank < k; ++rank) {
    const std::size_t id = order[rank];
    const bool same_value = numeric && rank > 0 && *labels.numbers[id] == *labels.numbers[order[rank - 1]];
    if (!same_value) classes.names.push_back(labels.texts[id]);
    classes.of_label[id] = static_cast<Index>(classes.names.size()) - 1;
  }
  return classes;
}

// Classification from interned labels: the schema's classes and the class-index row.
Matrix classify(const Labels& labels, const CsvReader& reader, int column, DataSchema& schema) {
  Classes classes = build_classes(labels);
  if (classes.names.size() < 2) {
    throw reader.error(column_name(reader, static_cast<std::size_t>(column)) + ": only one class (" +
                       quote_text(classes.names.front()) + ") in the data; classification needs at least two");
  }
  Matrix targets(1, static_cast<Index>(labels.ids.size()));
  for (Index i = 0; i < targets.cols(); ++i) {
    targets(0, i) = static_cast<Scalar>(classes.of_label[labels.ids[static_cast<std::size_t>(i)]]);
  }
  schema.task = Task::kClassification;
  schema.classes = std::move(classes.names);
  return targets;
}

// The detection rule (see kMaxDetectedClasses) on interned labels; empty when it says
// classification, else the reason it is regression.
std::string detect(const Labels& labels, const std::string& column, std::vector<std::string>& notes) {
  const auto text = std::find_if(labels.numbers.begin(), labels.numbers.end(), [](auto& v) { return !v; });
  if (text != labels.numbers.end()) {
    notes.push_back("task: classification (detected: " + column + " holds labels that are not numbers, e.g. " +
                    quote_text(labels.texts[static_cast<std::size_t>(text - labels.numbers.begin())]) + ")");
    return {};
  }
  std::vector<double> values;
  for (const auto& v : labels.numbers) values.push_back(*v);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  const bool integers = std::all_of(values.begin(), values.end(), [](double v) { return v == std::floor(v); });
  if (!integers) return column + " holds numbers that are not all integers";
  if (values.size() > kMaxDetectedClasses) {
    return column + " holds " + std::to_string(values.size()) + " distinct integers, more than " +
           std::to_string(kMaxDetectedClasses);
  }
  notes.push_back("task: classification (detected: " + column + " holds " + std::to_string(values.size()) +
                  " distinct integers, and at most " + std::to_string(kMaxDetectedClasses) +
                  " are taken as class labels; set the task to \"regression\" to override)");
  return {};
}

}  // namespace

std::vector<int> find_columns(const CsvReader& reader, const std::vector<std::string>& names, const char* role) {
  const auto& header = reader.header();
  std::vector<int> columns;
  for (const auto& name : names) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      throw reader.error("no " + std::string(role) + " column " + quote_text(name) + "; the columns are " +
                         list_columns(header));
    }
    const auto column = static_cast<int>(it - header.begin());
    if (contains(columns, column)) throw reader.error(quote_text(name) + " is listed twice as a " + role + " column");
    columns.push_back(column);
  }
  return columns;
}

ColumnChoice choose_columns(const CsvReader& reader, const DataSettings& settings) {
  const auto& header = reader.header();
  ColumnChoice choice;
  choice.targets = settings.targets.empty() ? std::vector<int>{static_cast<int>(header.size()) - 1}
                                            : find_columns(reader, settings.targets, "target");
  const std::vector<int> excluded = find_columns(reader, settings.exclude, "excluded");
  if (!settings.features.empty()) {
    choice.features = find_columns(reader, settings.features, "feature");
    for (const int column : choice.features) {
      const std::string name = column_name(reader, static_cast<std::size_t>(column));
      if (contains(choice.targets, column)) throw reader.error(name + " is both a target and a feature");
      if (contains(excluded, column)) throw reader.error(name + " is both listed as a feature and excluded");
    }
  } else {
    for (int column = 0; column < static_cast<int>(header.size()); ++column) {
      if (!contains(choice.targets, column) && !contains(excluded, column)) choice.features.push_back(column);
    }
  }
  if (choice.features.empty()) throw reader.error("no feature columns are left besides the target and excluded ones");
  return choice;
}

TargetMode training_target_mode(const DataSettings& settings, const ColumnChoice& columns) {
  if (settings.task == Task::kClassification) {
    if (columns.targets.size() != 1) {
      throw InputError("classification takes exactly one target column, got " + std::to_string(columns.targets.size()));
    }
    return TargetMode::kLabels;
  }
  if (settings.task == Task::kRegression || columns.targets.size() > 1) return TargetMode::kNumbers;
  return TargetMode::kDetect;
}

Matrix resolve_targets(Table& table, TargetMode mode, const CsvReader& reader, int target_column, DataSchema& schema,
                       std::vector<std::string>& notes) {
  const std::string column = column_name(reader, static_cast<std::size_t>(target_column));
  std::string regression_reason;
  if (table.labels_switched_to_numbers) {
    regression_reason = column + " holds more than " + std::to_string(kMaxDetectLabels) + " distinct numbers";
  } else if (mode == TargetMode::kDetect) {
    regression_reason = detect(table.labels, column, notes);
    if (regression_reason.empty()) return classify(table.labels, reader, target_column, schema);
    Matrix targets(1, static_cast<Index>(table.labels.ids.size()));
    for (Index i = 0; i < targets.cols(); ++i) {
      targets(0, i) = static_cast<Scalar>(*table.labels.numbers[table.labels.ids[static_cast<std::size_t>(i)]]);
    }
    table.targets = std::move(targets);
  } else if (mode == TargetMode::kLabels) {
    return classify(table.labels, reader, target_column, schema);
  }
  if (!regression_reason.empty()) {
    notes.push_back("task: regression (detected: " + regression_reason +
                    "; set the task to \"classification\" to override)");
  }
  schema.task = Task::kRegression;
  return std::move(table.targets);
}

}  // namespace mlp::detail
