// mlptrain predict and evaluate: a saved model applied to a CSV file.
#include "commands.hpp"
#include "console.hpp"

#include "mlp/csv.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/metrics.hpp"
#include "mlp/model_file.hpp"
#include "mlp/predict.hpp"
#include "mlp/records.hpp"
#include "mlp/text.hpp"
#include "mlp/thread_pool.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace mlp::app {
namespace {

// --missing (checked by the command line): impute or error.
MissingPolicy missing_policy(const std::string& missing) {
  return missing == "error" ? MissingPolicy::kError : MissingPolicy::kImpute;
}

// The threads a command runs on (`--threads`, or the CPUs this process may use), logged.
int threads_for(const char* command, int given) {
  const CpuCount threads = resolve_threads(given);
  spdlog::debug("{}: {} thread{} ({})", command, threads.count, threads.count == 1 ? "" : "s", threads.source);
  return threads.count;
}

// What reading `input` decided, for the user.
void report_input(const ModelInput& input, const std::string& path) {
  log_read_parts(path, input.parts);
  for (const std::string& note : input.notes) spdlog::info("{}", note);
  for (const std::string& warning : input.warnings) spdlog::warn("{}", warning);
}

}  // namespace

int run_predict(const PredictOptions& options) {
  Model model = load_model(options.model, memory_limit_or_default(options.memory_limit));
  const DataSchema& schema = model.schema;
  const std::optional<std::string> id_column =
      options.id_column.empty() ? std::nullopt : std::optional<std::string>(options.id_column);
  const int threads = threads_for("predict", options.threads);
  ThreadPool pool(threads);
  model.network.set_thread_pool(&pool);
  // Under --missing impute the model decides what an empty cell becomes (format 3 fills it in as
  // training did; an older model has no fill values, and an empty cell is an error).
  const ModelInput input = load_model_input(
      options.input, schema, false, CsvOptions{options.delimiter, missing_policy(options.missing)}, id_column, threads);
  report_input(input, options.input);
  const Matrix predicted = predict(model, input.data);
  const bool classification = schema.task == Task::kClassification;

  // Columns: [id,] [prediction (the class label),] then numbers: prob_<class> per class, or the
  // predicted value per target (regression: "prediction", or prediction_<target> for several).
  std::vector<std::string> number_columns;
  if (classification) {
    for (const std::string& label : schema.classes) number_columns.push_back("prob_" + label);
  } else if (schema.target_names.size() == 1) {
    number_columns.push_back("prediction");
  } else {
    for (const std::string& target : schema.target_names) number_columns.push_back("prediction_" + target);
  }
  // A single sigmoid output is P(class 1); show both classes' probabilities.
  Matrix numbers = predicted;
  if (classification && predicted.rows() == 1) {
    numbers.resize(2, predicted.cols());
    numbers.row(0) = (1 - predicted.row(0).array()).matrix();
    numbers.row(1) = predicted.row(0);
  }
  auto predicted_label = [&](Index j) {
    Index best = 0;
    numbers.col(j).maxCoeff(&best);
    return schema.classes[static_cast<std::size_t>(best)];
  };

  std::string out;
  if (options.format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (Index j = 0; j < numbers.cols(); ++j) {
      nlohmann::json row = nlohmann::json::object();
      if (id_column) row[*id_column] = input.ids[static_cast<std::size_t>(j)];
      if (classification) row["prediction"] = predicted_label(j);
      for (std::size_t k = 0; k < number_columns.size(); ++k) {
        row[number_columns[k]] = static_cast<double>(numbers(static_cast<Index>(k), j));
      }
      rows.push_back(std::move(row));
    }
    out = rows.dump(2) + "\n";
  } else {
    std::vector<std::string> header;
    if (id_column) header.push_back(*id_column);
    if (classification) header.push_back("prediction");
    header.insert(header.end(), number_columns.begin(), number_columns.end());
    for (std::size_t k = 0; k < header.size(); ++k) out += (k ? "," : "") + csv_field(header[k], ',');
    out += "\n";
    for (Index j = 0; j < numbers.cols(); ++j) {
      std::string line;
      if (id_column) line += csv_field(input.ids[static_cast<std::size_t>(j)], ',') + ",";
      if (classification) line += csv_field(predicted_label(j), ',') + ",";
      for (Index k = 0; k < numbers.rows(); ++k) line += (k ? "," : "") + format_number(numbers(k, j));
      out += line + "\n";
    }
  }
  write_file_or_stdout(options.output, out);
  if (options.output != "-") spdlog::info("wrote {} predictions to {}", numbers.cols(), options.output);
  return 0;
}

int run_evaluate(const EvaluateOptions& options) {
  Model model = load_model(options.model, memory_limit_or_default(options.memory_limit));
  const int threads = threads_for("evaluate", options.threads);
  ThreadPool pool(threads);
  model.network.set_thread_pool(&pool);
  const ModelInput input = load_model_input(
      options.data, model.schema, true, CsvOptions{options.delimiter, missing_policy(options.missing)}, {}, threads);
  report_input(input, options.data);
  const Evaluation evaluation = evaluate_model(model, input.data);
  if (options.format == "json") {
    std::printf("%s\n", evaluation_json(evaluation, model.schema).dump(2).c_str());
  } else {
    std::printf("%s", evaluation_text(evaluation, model.schema).c_str());
  }
  return 0;
}

}  // namespace mlp::app
