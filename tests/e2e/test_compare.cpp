// End to end through the real binary: compare's terminal table and compare.csv are two layouts
// of one summary table, so they must show the same numbers.
#include "cli_runner.hpp"
#include "csv_record.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

using namespace mlp::test;

namespace {

using Row = std::vector<std::string>;

// compare.csv's records.
std::vector<Row> parse_csv(const std::string& text) {
  std::vector<Row> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) rows.push_back(mlp::test::csv_record(line));
  return rows;
}

// The terminal table's cells, down to its notes ("* marks each column's best."): columns are
// separated by two spaces or more, cells hold at most one.
std::vector<Row> parse_table(const std::string& text) {
  std::vector<Row> rows;
  std::istringstream in(text);
  const std::regex gap(" {2,}");
  for (std::string line; std::getline(in, line) && !line.starts_with("* marks");) {
    rows.emplace_back(std::sregex_token_iterator(line.begin(), line.end(), gap, -1), std::sregex_token_iterator());
  }
  return rows;
}

// A number as printed for people ("0.9889", "1.2e-05", "-0.0333 *") agrees with the CSV's raw value
// times `scale` to within half a unit of its last printed digit.
void check_same_number(std::string shown, const std::string& raw, double scale = 1) {
  CAPTURE(shown);
  CAPTURE(raw);
  if (shown.ends_with(" *")) shown.resize(shown.size() - 2);
  REQUIRE(!raw.empty());
  const std::size_t e = shown.find_first_of("eE");
  const std::string mantissa = shown.substr(0, e);
  const std::size_t point = mantissa.find('.');
  const int decimals = point == std::string::npos ? 0 : static_cast<int>(mantissa.size() - point - 1);
  const int exponent = e == std::string::npos ? 0 : std::atoi(shown.c_str() + e + 1);
  const double half_unit = 0.5 * std::pow(10.0, exponent - decimals);
  CHECK(std::abs(std::strtod(shown.c_str(), nullptr) - std::strtod(raw.c_str(), nullptr) * scale) <=
        half_unit * (1 + 1e-9));
}

// "mean±std", "(mean±std)eN", "mean±std (k/n)", "never" or "-" against <key>_mean, <key>_std and
// <key>_count.
void check_mean_std(std::string shown, const std::map<std::string, std::string>& csv, const std::string& key,
                    double scale) {
  if (shown == "-" || shown == "never") {
    CHECK(csv.at(key + "_mean").empty());
    return;
  }
  if (shown.ends_with(" *")) shown.resize(shown.size() - 2);
  std::smatch m;
  if (std::regex_search(shown, m, std::regex(R"( \((\d+)/\d+\)$)"))) {
    CHECK(m[1] == csv.at(key + "_count"));
    shown = m.prefix();
  }
  std::string exponent;
  if (std::regex_match(shown, m, std::regex(R"(\((.*)\)(e.*))"))) {
    exponent = m[2];
    shown = m[1];
  }
  const std::size_t pm = shown.find("±");
  check_same_number(shown.substr(0, pm) + exponent, csv.at(key + "_mean"), scale);
  if (pm != std::string::npos) check_same_number(shown.substr(pm + 2) + exponent, csv.at(key + "_std"), scale);
}

// One table cell against the CSV fields of its row, by the table's header.
void check_cell(const std::string& header, const std::string& shown, const std::map<std::string, std::string>& csv) {
  CAPTURE(header);
  const std::map<std::string, std::pair<std::string, double>> stats = {{"val_acc", {"val_accuracy", 1}},
                                                                       {"test_acc", {"test_accuracy", 1}},
                                                                       {"final_loss", {"final_val_loss", 1}},
                                                                       {"best_loss", {"best_val_loss", 1}},
                                                                       {"epochs_to_target", {"epochs_to_target", 1}},
                                                                       {"ms/epoch", {"seconds_per_epoch", 1000}},
                                                                       {"dead%", {"dead_fraction", 100}},
                                                                       {"saturated%", {"saturated_fraction", 100}},
                                                                       {"grad_ratio", {"grad_ratio", 1}}};
  std::smatch m;
  if (header == "activation") {
    // The name alone when no other row has it (the notes below the table spell it out).
    const std::string spec = csv.at("activation"), name = spec.substr(0, spec.find('('));
    const std::string diverged = csv.at("diverged") == "0" ? "" : " (" + csv.at("diverged") + " diverged)";
    CHECK((shown == spec + diverged || shown == name + diverged));
  } else if (header == "lr") {
    check_same_number(shown, csv.at("lr"));
  } else if (stats.contains(header)) {
    check_mean_std(shown, csv, stats.at(header).first, stats.at(header).second);
  } else if (header == "median [min, max]") {
    REQUIRE(std::regex_match(shown, m, std::regex(R"((\S+) \[(\S+), (\S+)\])")));
    check_same_number(m[1], csv.at("val_accuracy_median"));
    check_same_number(m[2], csv.at("val_accuracy_min"));
    check_same_number(m[3], csv.at("val_accuracy_max"));
  } else if (header == "vs relu" && shown == "(baseline)") {
    CHECK(csv.at("wins_vs_baseline").empty());
  } else if (header == "vs relu") {
    REQUIRE(std::regex_match(shown, m, std::regex(R"((\d+)/(\d+), (\S+) \[(\S+), (\S+)\])")));
    CHECK(m[1] == csv.at("wins_vs_baseline"));
    CHECK(m[2] == csv.at("seeds_vs_baseline"));
    check_same_number(m[3], csv.at("mean_difference_vs_baseline"));
    check_same_number(m[4], csv.at("interval95_low_vs_baseline"));
    check_same_number(m[5], csv.at("interval95_high_vs_baseline"));
  } else {
    FAIL("a column of the terminal table that compare.csv does not have: " << header);
  }
}

}  // namespace

TEST_CASE("compare: the terminal table and compare.csv show the same numbers, and --format csv prints compare.csv") {
  TempDir dir;
  const std::vector<std::string> args = {"compare",
                                         "--config",
                                         "configs/iris.json",
                                         "--set",
                                         "train.epochs=6",
                                         "--set",
                                         "data.test=data/iris.csv",
                                         "--activations",
                                         "relu,tanh,prelu(num_parameters=1, init=0.25)",
                                         "--seeds",
                                         "3",
                                         "--lr-grid",
                                         "0.01,0.1",
                                         "--jobs",
                                         "2",
                                         "--columns",
                                         "all",
                                         "--quiet"};
  std::vector<std::string> table_args = args;
  table_args.insert(table_args.end(), {"--out", (dir / "table").string()});
  const CliResult run = run_mlptrain(table_args);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const std::vector<Row> table = parse_table(run.out);
  const std::vector<Row> csv = parse_csv(read_text(dir / "table" / "compare.csv"));
  REQUIRE(table.size() == 4);
  REQUIRE(csv.size() == table.size());
  CHECK(table[0].size() == 13);  // every column, with a grid, several seeds, a baseline and a test set
  for (std::size_t r = 1; r < table.size(); ++r) {
    REQUIRE(table[r].size() == table[0].size());
    REQUIRE(csv[r].size() == csv[0].size());
    std::map<std::string, std::string> fields;
    for (std::size_t k = 0; k < csv[0].size(); ++k) fields[csv[0][k]] = csv[r][k];
    for (std::size_t k = 0; k < table[0].size(); ++k) check_cell(table[0][k], table[r][k], fields);
  }

  std::vector<std::string> csv_args = args;
  csv_args.erase(std::find(csv_args.begin(), csv_args.end(), "--columns"),
                 std::find(csv_args.begin(), csv_args.end(), "--quiet"));
  csv_args.insert(csv_args.end(), {"--format", "csv", "--out", (dir / "csv").string()});
  const CliResult printed = run_mlptrain(csv_args);
  REQUIRE(printed.exit_code == 0);
  CHECK(printed.out == read_text(dir / "csv" / "compare.csv"));
}

TEST_CASE("compare: with COLUMNS=80 no line of the table and its notes is longer than 80 characters") {
  TempDir dir;
  setenv("COLUMNS", "80", 1);
  const CliResult run = run_mlptrain({"compare", "--config", "configs/iris.json", "--set", "train.epochs=4", "--seeds",
                                      "2", "--quiet", "--out", (dir / "out").string()});
  unsetenv("COLUMNS");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  INFO(run.out);
  const std::vector<std::string> lines = lines_of(run.out);
  REQUIRE(lines.size() > 8);  // seven activations, the header and notes
  for (const std::string& line : lines) {
    CHECK(std::count_if(line.begin(), line.end(), [](char c) { return (c & 0xC0) != 0x80; }) <= 80);
  }
  CHECK(run.out.find("leaky_relu is leaky_relu(negative_slope=0.01)") != std::string::npos);
  CHECK(run.out.find("Not shown: ") != std::string::npos);
}
