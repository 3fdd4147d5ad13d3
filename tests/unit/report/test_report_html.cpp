// report.html of `mlptrain compare`, and the terminal table that shares its cells, built from
// synthetic compare.json objects in the shape compare_json (lib/src/compare/output.cpp) writes.
#include "mlp/compare.hpp"
#include "mlp/report_html.hpp"

#include "compare/summary_table.hpp"

#include "temp_dir.hpp"
#include "xml_check.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <vector>

using nlohmann::json;
using xml_check::Element;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

json stat(double mean, double std, int count) {
  return {{"mean", mean}, {"std", std}, {"median", mean}, {"min", mean - std}, {"max", mean + std}, {"count", count}};
}

// What the diagnostics report for a kind of function: dead units only where it has a flat
// region (ReLU), saturation only where it is bounded (sigmoid, tanh), slopes where it learns.
bool has_flat_region(const std::string& a) { return a.rfind("relu", 0) == 0; }
bool bounded(const std::string& a) { return a == "sigmoid" || a == "tanh"; }
bool learnable(const std::string& a) { return a.rfind("prelu", 0) == 0; }

// Epoch k (1-based) of a run whose loss starts at `scale` and falls by 0.3 per epoch.
json epoch(const std::string& activation, int k, double scale, const std::string& metric) {
  const double loss = scale * std::pow(0.3, k);
  json layers = json::array();
  for (int layer : {1, 3}) {
    layers.push_back({{"layer", layer},
                      {"dead_fraction", has_flat_region(activation) ? json(0.05 * k) : json(nullptr)},
                      {"saturated_fraction", bounded(activation) ? json(0.1 * k) : json(nullptr)},
                      {"mean_activation", 0.1 * layer}});
  }
  const std::vector<double> norms = {0.01 / k, 0.1 / k, 1.0 / k};
  json learned = json::array();
  if (learnable(activation)) learned.push_back({{"layer", 1}, {"mean", 0.25 - 0.01 * k}, {"min", 0.1}, {"max", 0.4}});
  return {{"epoch", k},
          {"train_loss", loss * 1.1},
          {"lr", 0.01},
          {"val_loss", loss},
          {metric, 1 - loss},
          {"activation_layers", layers},
          {"weight_grad_norm", norms},
          {"grad_ratio", norms.front() / norms.back()},
          {"learned", learned}};
}

json run(const std::string& activation, int seed, double lr, int epochs, const std::string& metric,
         const std::string& stop_reason = "completed", double scale = 1) {
  json e = json::array();
  for (int k = 1; k <= epochs; ++k) e.push_back(epoch(activation, k, scale * (1 + 0.1 * seed), metric));
  return {{"activation", activation},
          {"seed", seed},
          {"lr", lr},
          {"init", "kaiming_uniform"},
          {"stop_reason", stop_reason},
          {"message", ""},
          {"best_epoch", epochs},
          {"epochs", e},
          {"timing", {{"train_seconds", 0.5}, {"epoch_seconds", std::vector<double>(epochs, 0.1)}}}};
}

// A summary entry; `rank` 0 is the best activation by the metric.
json summary(const std::string& activation, int rank, double final_loss, const std::string& metric, int seeds) {
  json s = {{"activation", activation},
            {"name", activation.substr(0, activation.find('('))},
            {"lr", 0.01},
            {"init", "kaiming_uniform"},
            {"final_val_loss", stat(final_loss, 0.01, seeds)},
            {"best_val_loss", stat(final_loss * 0.9, 0.01, seeds)},
            {metric, stat(0.9 - 0.1 * rank, 0.02, seeds)},
            {"epochs_to_target", stat(3 + rank, 0.5, seeds)},
            {"dead_fraction", has_flat_region(activation) ? stat(0.2, 0.1, seeds) : json(nullptr)},
            {"saturated_fraction", bounded(activation) ? stat(0.4, 0.1, seeds) : json(nullptr)},
            {"grad_ratio", stat(std::vector<double>{0.01, 5, 0.5}[rank % 3], 0.001, seeds)},
            {"diverged", 0},
            {"timing", {{"seconds_per_epoch", stat(0.002, 0.0001, seeds)}}},
            {"vs_baseline", nullptr}};
  if (rank > 0) {
    s["vs_baseline"] = {{"wins", 1},
                        {"seeds", seeds},
                        {"difference", stat(-0.1 * rank, 0.01, seeds)},
                        {"interval95", {-0.1 * rank - 0.02, -0.1 * rank + 0.02}}};
  }
  return s;
}

// A comparison of `activations` (best first), `seeds` seeds each, every run `epochs` long.
json comparison(const std::vector<std::string>& activations, int seeds, int epochs, bool regression = false) {
  const std::string metric = regression ? "val_r2" : "val_accuracy";
  json c = {{"format", "mlptrain-compare"},
            {"version", 1},
            {"mlptrain_version", "0.1.0"},
            {"config_file", "configs/iris.json"},
            {"task", regression ? "regression" : "classification"},
            {"metric", metric},
            {"activations", activations},
            {"seeds", json::array()},
            {"lr_grid", {0.01}},
            {"baseline", activations.front()},
            {"loss_target", 0.05}};
  for (int s = 0; s < seeds; ++s) c["seeds"].push_back(s);
  c["summary"] = json::array();
  c["runs"] = json::array();
  const std::vector<double> final_losses = {0.3, 0.2, 0.4, 0.5, 0.6};
  for (std::size_t a = 0; a < activations.size(); ++a) {
    c["summary"].push_back(summary(activations[a], static_cast<int>(a), final_losses[a % 5], metric, seeds));
    for (int s = 0; s < seeds; ++s) c["runs"].push_back(run(activations[a], s, 0.01, epochs, metric));
  }
  return c;
}

Element parse_report(const json& compare) {
  const std::string html = mlp::compare_report_html(compare);
  REQUIRE(html.rfind("<!DOCTYPE html>", 0) == 0);
  try {
    return xml_check::parse(html);
  } catch (const std::exception& e) {
    FAIL("report.html is not well-formed: " << e.what());
  }
  return {};
}

const Element* chart(const Element& page, const std::string& id) {
  const auto found =
      page.find_all([&](const Element& e) { return e.name == "svg" && e.attribute_or("data-chart") == id; });
  return found.size() == 1 ? found.front() : nullptr;
}

std::vector<const Element*> series(const Element& svg) {
  return svg.find_all([](const Element& e) { return e.name == "g" && e.attribute_or("class") == "series"; });
}

std::vector<std::string> series_keys(const Element& svg, const std::string& attribute = "data-activation") {
  std::vector<std::string> keys;
  for (const Element* s : series(svg)) keys.push_back(s->attribute_or(attribute, "(none)"));
  return keys;
}

std::size_t count(const Element& root, const std::string& name) {
  return root.find_all([&](const Element& e) { return e.name == name; }).size();
}

// Polylines drawn for data (the axes are one too).
std::size_t data_lines(const Element& svg) {
  std::size_t n = 0;
  for (const Element* s : series(svg)) n += count(*s, "polyline");
  return n;
}

std::vector<const Element*> table_rows(const Element& page) {
  return page.find_all([](const Element& e) { return e.name == "tr" && e.attribute("data-activation"); });
}

const std::vector<std::string> kPerActivationCharts = {
    "val_loss", "train_loss", "val_accuracy", "grad_ratio", "dead_fraction", "saturated_fraction", "mean_activation"};

}  // namespace

TEST_CASE("report.html: well-formed, one series per activation in every chart, one table row each") {
  const std::vector<std::string> activations = {"relu", "sigmoid", "leaky_relu(negative_slope=0.01)"};
  const Element page = parse_report(comparison(activations, 2, 5));
  CHECK(page.name == "html");
  // Dead units exist where a function has a flat region (relu), saturation for bounded functions: the others have
  // no line there, and the note below the chart names them.
  const std::map<std::string, std::vector<std::string>> defined_for = {{"dead_fraction", {"relu"}},
                                                                       {"saturated_fraction", {"sigmoid"}}};
  for (const std::string& id : kPerActivationCharts) {
    CAPTURE(id);
    const Element* svg = chart(page, id);
    REQUIRE(svg != nullptr);
    CHECK(series_keys(*svg) == (defined_for.contains(id) ? defined_for.at(id) : activations));
  }
  // Two seeds: each activation has a thin line per seed under its median line, and no band.
  const Element& loss = *chart(page, "val_loss");
  for (const Element* s : series(loss)) {
    CHECK(count(*s, "polyline") == 1);
    CHECK(count(*s, "polygon") == 0);
  }
  const auto seeds = loss.find_all([](const Element& e) { return e.attribute_or("class") == "series seed"; });
  CHECK(seeds.size() == 2 * activations.size());
  CHECK(seeds.at(1)->children.at(0).all_text() == "relu, seed 1");  // the <title>, as compare.json has it
  for (const Element* s : seeds) CHECK(count(*s, "polyline") == 1);
  for (const Element* s : series(*chart(page, "dead_fraction"))) CHECK(count(*s, "polyline") == 1);
  const auto notes = page.find_all([](const Element& e) { return e.attribute_or("class") == "note"; });
  const auto noted = [&](const std::string& text) {
    return std::any_of(notes.begin(), notes.end(), [&](const Element* n) { return n->all_text() == text; });
  };
  CHECK(noted("No line for sigmoid and leaky_relu(negative_slope=0.01): no flat region."));
  CHECK(noted("No line for relu and leaky_relu(negative_slope=0.01): not bounded."));
  CHECK(count(*series(*chart(page, "saturated_fraction"))[0], "polyline") == 1);
  // No activation learns a parameter: no slope chart.
  CHECK(chart(page, "learned") == nullptr);

  // Gradient norms: one small chart per activation, one line per linear layer.
  const auto multiples = page.find_all([](const Element& e) { return e.attribute_or("class") == "small"; });
  REQUIRE(multiples.size() == activations.size());
  for (std::size_t a = 0; a < activations.size(); ++a) {
    CHECK(multiples[a]->attribute_or("data-activation") == activations[a]);
    CHECK(series_keys(multiples[a]->children.at(0), "data-layer") == std::vector<std::string>{"1", "2", "3"});
  }

  const auto rows = table_rows(page);
  REQUIRE(rows.size() == activations.size());
  for (std::size_t a = 0; a < activations.size(); ++a)
    CHECK(rows[a]->attribute_or("data-activation") == activations[a]);
}

TEST_CASE("report.html: the best value of each column is highlighted") {
  const Element page = parse_report(comparison({"relu", "tanh", "elu"}, 3, 4));
  const auto headers = page.find_all([](const Element& e) { return e.name == "th"; });
  std::vector<std::string> names;
  for (const Element* h : headers) names.push_back(h->all_text());
  CHECK(names == std::vector<std::string>{"activation", "val_acc", "median [min, max]", "final_loss", "best_loss",
                                          "epochs_to_target", "ms/epoch", "dead%", "saturated%", "grad_ratio",
                                          "vs relu"});
  const auto rows = table_rows(page);
  REQUIRE(rows.size() == 3);
  auto best = [&](std::size_t row, std::size_t column) {
    return rows[row]->children.at(column).attribute_or("class").find("best") != std::string::npos;
  };
  // Accuracy: row 0 (0.9 > 0.8 > 0.7). Final loss: row 1 (0.2 < 0.3 < 0.4). grad_ratio: the
  // ratio closest to 1 (0.01, 5, 0.5: row 2). ms/epoch: a three-way tie, all marked.
  CHECK((best(0, 1) && !best(1, 1) && !best(2, 1)));
  CHECK((!best(0, 3) && best(1, 3) && !best(2, 3)));
  CHECK((!best(0, 9) && !best(1, 9) && best(2, 9)));
  CHECK((best(0, 6) && best(1, 6) && best(2, 6)));
  CHECK(rows[0]->children.at(1).all_text() == "0.900±0.020");
  CHECK(rows[0]->children.at(10).all_text() == "(baseline)");
  CHECK(rows[1]->children.at(10).all_text() == "1/3, -0.1000 [-0.1200, -0.0800]");
}

TEST_CASE("report.html: text is escaped") {
  const std::string odd = "odd<&>\"'(x=1)";
  const std::string path = "runs/a&b<c>.json";
  json c = comparison({odd, "relu"}, 1, 3);
  c["config_file"] = path;
  const std::string html = mlp::compare_report_html(c);
  CHECK(html.find(odd) == std::string::npos);
  CHECK(html.find(path) == std::string::npos);
  const Element page = parse_report(c);
  CHECK(page.all_text().find(path) != std::string::npos);
  CHECK(series_keys(*chart(page, "val_loss")) == std::vector<std::string>{odd, "relu"});
  CHECK(table_rows(page).at(0)->attribute_or("data-activation") == odd);

  c["config_file"] = "bad\xff\x01utf8";  // invalid UTF-8 and a control character: replaced
  const Element replaced = parse_report(c);
  CHECK(replaced.all_text().find("bad\xEF\xBF\xBD\xEF\xBF\xBDutf8") != std::string::npos);
}

TEST_CASE("report.html: NaN, infinity and null never reach a coordinate or a cell") {
  json c = comparison({"relu", "tanh"}, 2, 5);
  json& epochs = c["runs"][0]["epochs"];
  epochs[1]["val_loss"] = kNaN;
  epochs[2]["val_loss"] = kInf;
  epochs[3]["val_loss"] = nullptr;
  epochs[1]["weight_grad_norm"][0] = -kInf;
  epochs[2]["weight_grad_norm"][1] = 0.0;  // cannot be placed on a log axis
  epochs[0]["grad_ratio"] = kNaN;
  epochs[0]["activation_layers"][0]["mean_activation"] = 1e308;
  c["runs"][1]["epochs"][2]["val_loss"] = nullptr;  // epoch 3: no seed has a value
  c["runs"][1]["epochs"][4]["train_loss"] = kInf;
  c["summary"][0]["final_val_loss"]["mean"] = kNaN;
  c["summary"][1]["grad_ratio"] = nullptr;
  const Element page = parse_report(c);

  const std::vector<std::string> numeric = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "points", "viewBox"};
  int values = 0;
  page.visit([&](const Element& e) {
    for (const std::string& key : numeric) {
      const std::string* v = e.attribute(key);
      if (!v) continue;
      std::string token;
      for (char ch : *v + " ") {
        if (ch != ' ' && ch != ',') {
          token += ch;
          continue;
        }
        if (token.empty()) continue;
        char* end = nullptr;
        const double x = std::strtod(token.c_str(), &end);
        CHECK_MESSAGE((*end == '\0' && std::isfinite(x)), e.name << " " << key << "=\"" << *v << "\"");
        ++values;
        token.clear();
      }
    }
  });
  CHECK(values > 500);
  for (const Element* td : page.find_all([](const Element& e) { return e.name == "td"; })) {
    const std::string t = td->all_text();
    CHECK_MESSAGE((t.find("nan") == std::string::npos && t.find("inf") == std::string::npos), t);
  }
  // relu's median needs both seeds: only epochs 1 and 5 have both, two points standing alone. Its
  // first seed has values at epochs 1 and 5 only (two dots), its second all but epoch 3 (two lines).
  const Element& loss = *chart(page, "val_loss");
  const Element& relu = *series(loss).at(0);
  CHECK(count(relu, "polyline") == 0);
  CHECK(count(relu, "circle") == 2);
  const auto seeds = loss.find_all([](const Element& e) { return e.attribute_or("class") == "series seed"; });
  REQUIRE(seeds.size() == 4);
  CHECK(count(*seeds[0], "circle") == 2);
  CHECK(count(*seeds[1], "polyline") == 2);
}

TEST_CASE("report.html: deterministic, and NaN reads like the null it is written as") {
  json c = comparison({"relu", "sigmoid", "prelu(num_parameters=1, init=0.25)"}, 3, 6);
  c["runs"][0]["epochs"][2]["val_loss"] = kNaN;
  const std::string first = mlp::compare_report_html(c);
  CHECK(mlp::compare_report_html(c) == first);
  CHECK(mlp::compare_report_html(json::parse(c.dump())) == first);
}

TEST_CASE("report.html: degenerate comparisons still give a page") {
  SUBCASE("nothing at all") {
    for (const json& c : {json::object(), json(nullptr), json::array(), json("text")}) {
      const Element page = parse_report(c);
      CHECK(table_rows(page).empty());
      CHECK(chart(page, "val_loss") == nullptr);
    }
  }
  SUBCASE("activations without runs or summary") {
    json c = comparison({"relu", "tanh"}, 2, 3);
    c["runs"] = json::array();
    c["summary"] = json::array();
    const Element page = parse_report(c);
    CHECK(table_rows(page).empty());
    const Element* svg = chart(page, "val_loss");
    REQUIRE(svg != nullptr);
    CHECK(series_keys(*svg) == std::vector<std::string>{"relu", "tanh"});
    CHECK(data_lines(*svg) == 0);
    CHECK(svg->all_text().find("no data") != std::string::npos);
  }
  SUBCASE("a single activation whose only run diverged in its first epoch") {
    json c = comparison({"sigmoid"}, 1, 1);
    c["runs"][0]["stop_reason"] = "diverged";
    c["runs"][0]["epochs"][0]["val_loss"] = kNaN;
    c["runs"][0]["epochs"][0]["val_accuracy"] = nullptr;
    c["summary"][0]["diverged"] = 1;
    for (const char* key : {"final_val_loss", "best_val_loss", "val_accuracy", "epochs_to_target"}) {
      c["summary"][0][key] = nullptr;
    }
    const Element page = parse_report(c);
    CHECK(data_lines(*chart(page, "val_loss")) == 0);
    // One finite training loss: a dot, not a line.
    const Element& train = *series(*chart(page, "train_loss")).at(0);
    CHECK(count(train, "polyline") == 0);
    CHECK(count(train, "circle") == 1);
    const auto rows = table_rows(page);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]->children.at(0).all_text() == "sigmoid (1 diverged)");
    CHECK(rows[0]->children.at(1).all_text() == "-");
    CHECK(page.all_text().find("every run diverged") != std::string::npos);
  }
}

TEST_CASE("report.html: regression reports R²") {
  const Element page = parse_report(comparison({"tanh", "relu"}, 2, 4, true));
  CHECK(chart(page, "val_accuracy") == nullptr);
  const Element* r2 = chart(page, "val_r2");
  REQUIRE(r2 != nullptr);
  CHECK(series_keys(*r2) == std::vector<std::string>{"tanh", "relu"});
  CHECK(r2->all_text().find("Validation R²") != std::string::npos);
  CHECK(page.find_all([](const Element& e) { return e.name == "th" && e.all_text() == "val_r2"; }).size() == 1);
}

TEST_CASE("report.html: the learned slope of a learnable activation, with its min-max band") {
  const std::string prelu = "prelu(num_parameters=1, init=0.25)";
  const Element page = parse_report(comparison({"relu", prelu, "tanh"}, 2, 5));
  const Element* slope = chart(page, "learned");
  REQUIRE(slope != nullptr);
  CHECK(series_keys(*slope) == std::vector<std::string>{prelu});
  CHECK(count(*series(*slope).at(0), "polyline") == 1);
  CHECK(count(*series(*slope).at(0), "polygon") == 1);
}

TEST_CASE("report.html: a loss spanning more than a decade gets a log axis") {
  json c = comparison({"relu", "tanh"}, 1, 5);  // losses fall by 0.3 per epoch: 0.3 to 0.0024
  CHECK(chart(parse_report(c), "val_loss")->attribute_or("data-scale") == "log");
  CHECK(chart(parse_report(c), "val_accuracy")->attribute_or("data-scale") == "linear");
  CHECK(chart(parse_report(c), "grad_ratio")->attribute_or("data-scale") == "log");
  for (json& run : c["runs"]) {
    for (json& e : run["epochs"]) e["val_loss"] = 0.5 + 0.01 * e["epoch"].get<int>();
  }
  CHECK(chart(parse_report(c), "val_loss")->attribute_or("data-scale") == "linear");
}

TEST_CASE("report.html: curves use each activation's reported learning rate only") {
  json c = comparison({"relu", "tanh"}, 2, 5);
  c["lr_grid"] = {0.1, 0.01};
  for (const std::string a : {"relu", "tanh"}) {
    for (int s = 0; s < 2; ++s) c["runs"].push_back(run(a, s, 0.1, 9, "val_accuracy", "early_stopped", 100));
  }
  const Element page = parse_report(c);
  // 5 epochs at lr 0.01, not 9 at 0.1: the x axis ends at epoch 5, the loss stays below 1.
  for (const Element* s : series(*chart(page, "val_loss"))) {
    const std::string points =
        s->find_all([](const Element& e) { return e.name == "polyline"; }).at(0)->attribute_or("points");
    CHECK(std::count(points.begin(), points.end(), ',') == 5);
  }
  CHECK(page.all_text().find("relu: lr 0.01, 2 runs (2 completed)") != std::string::npos);
  CHECK(page.find_all([](const Element& e) { return e.name == "th" && e.all_text() == "lr"; }).size() == 1);
}

TEST_CASE("xml_check rejects what is not well-formed") {
  for (const char* bad : {"<a><b></a></b>", "<a>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a>&nbsp;</a>", "<a>a & b</a>",
                          "<a/><b/>", "<a x=\"<\"/>", "<a>&#0;</a>", "<a x=\"1\"y=\"2\"/>", "text"}) {
    CAPTURE(bad);
    CHECK_THROWS(xml_check::parse(bad));
  }
  const Element ok = xml_check::parse("<!DOCTYPE html><!-- c --><a x='1' y=\"&lt;&amp;\"><b/>t&#233;&#x41;</a>");
  CHECK(ok.attribute_or("y") == "<&");
  CHECK(ok.text ==
        "t\xC3\xA9"
        "A");
}

std::vector<std::string> table_lines(const std::string& table) {
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = table.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(table.substr(at, end - at));
  }
  return lines;
}

TEST_CASE("the terminal table shows the HTML table's cells, aligned, each column's best marked '*'") {
  const json c = comparison({"relu", "tanh", "elu"}, 3, 4);
  std::vector<std::string> lines = table_lines(mlp::compare_table(c, {.width = 0, .columns = {"all"}}));
  REQUIRE(lines.size() >= 4);
  lines.resize(4);  // the table; notes follow it
  CHECK(lines[0].rfind("activation", 0) == 0);
  CHECK(lines[0].find("median [min, max]") != std::string::npos);
  CHECK(lines[0].substr(lines[0].size() - 7) == "vs relu");
  CHECK(lines[1].rfind("relu ", 0) == 0);
  // The same bests as the HTML table: accuracy in row 0, final loss in row 1, the ms/epoch tie
  // in every row.
  CHECK(lines[1].find("0.900±0.020 *") != std::string::npos);
  CHECK(lines[2].find("0.900±0.020 *") == std::string::npos);
  CHECK(lines[2].find("1/3, -0.1000") != std::string::npos);
  CHECK(lines[1].find("(baseline)") != std::string::npos);
  // Aligned: every line as wide, in code points.
  auto width = [](const std::string& s) {
    return std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
  };
  for (const std::string& line : lines) CHECK(width(line) == width(lines[0]));
}

TEST_CASE("the terminal table fits the width: the least important default columns go, and the notes wrap") {
  json c = comparison({"relu", "tanh", "leaky_relu", "elu"}, 3, 4);
  c["loss_target"] = 0.0696504;
  const std::string wide = mlp::compare_table(c, {.width = 0, .columns = {}});
  const std::string narrow = mlp::compare_table(c, {.width = 60, .columns = {}});
  for (const std::string& line : table_lines(narrow)) {
    CHECK(std::count_if(line.begin(), line.end(), [](char ch) { return (ch & 0xC0) != 0x80; }) <= 60);
  }
  const std::string header = table_lines(narrow)[0];
  CHECK(header.rfind("activation", 0) == 0);
  CHECK(header.find("val_acc") != std::string::npos);  // the metric goes last
  CHECK(header.find("epochs_to_target") == std::string::npos);
  CHECK(table_lines(wide)[0].find("epochs_to_target") != std::string::npos);
  CHECK(table_lines(wide)[0].find("ms/epoch") == std::string::npos);  // not in the default set
  CHECK(narrow.find("Not shown: ") != std::string::npos);
  CHECK(narrow.find("epochs_to_target") != std::string::npos);  // named among those not shown
}

TEST_CASE("the terminal table shows the columns asked for, and says which are not in this comparison") {
  json c = comparison({"relu", "tanh"}, 3, 4);
  const std::vector<std::string> lines =
      table_lines(mlp::compare_table(c, {.width = 40, .columns = {"ms/epoch", "val_acc", "test_acc"}}));
  REQUIRE(lines.size() >= 3);
  // In the table's order, whatever the width (the user asked for them).
  CHECK(lines[0].find("val_acc") < lines[0].find("ms/epoch"));
  CHECK(lines[0].find("final_loss") == std::string::npos);
  bool absent_named = false;
  for (const std::string& line : lines) absent_named |= line == "Not in this comparison: test_acc";
  CHECK(absent_named);
}

TEST_CASE("the terminal table names an activation by its name alone unless two rows share it") {
  const json c = comparison({"leaky_relu(negative_slope=0.01)", "leaky_relu(negative_slope=0.2)", "tanh"}, 2, 3);
  const std::string table = mlp::compare_table(c, {.width = 0, .columns = {}});
  const std::vector<std::string> lines = table_lines(table);
  CHECK(lines[1].rfind("leaky_relu(negative_slope=0.01) ", 0) == 0);
  CHECK(lines[3].rfind("tanh ", 0) == 0);
  CHECK(table.find("tanh is") == std::string::npos);
}

TEST_CASE("--columns names: each column of either task, all or default, and nothing else") {
  const std::vector<std::string> names = mlp::table_column_names();
  for (const char* name : {"all", "default", "val_acc", "val_r2", "test_acc", "final_loss", "vs", "median", "dead%"}) {
    CHECK(std::ranges::count(names, name) == 1);
  }
  CHECK_NOTHROW(mlp::check_table_columns({"val_acc", "ms/epoch"}));
  CHECK_NOTHROW(mlp::check_table_columns({"all"}));
  CHECK(
      mlp::test::input_error([] {
        mlp::check_table_columns({"val_acc", "finalloss"});
      }).rfind("--columns: \"finalloss\" is not a column; give all, default, or some of all, default, activation", 0) ==
      0);
  CHECK(mlp::test::input_error([] {
          mlp::check_table_columns({"all", "val_acc"});
        }) == "--columns: all stands alone; give it, or a list of columns");
}

TEST_CASE("mean±std shows the std to two significant digits and the mean to the same place") {
  json c = comparison({"relu", "tanh"}, 3, 4);
  c["summary"][0]["final_val_loss"] = {{"count", 3},     {"mean", 0.036654}, {"std", 0.040031},
                                       {"median", 0.03}, {"min", 0.01},      {"max", 0.09}};
  c["summary"][1]["final_val_loss"] = {{"count", 3},    {"mean", 1.0986}, {"std", 0.0011713},
                                       {"median", 1.1}, {"min", 1.09},    {"max", 1.1}};
  c["summary"][0]["epochs_to_target"] = {{"count", 3},   {"mean", 26.0}, {"std", 16.6},
                                         {"median", 26}, {"min", 10},    {"max", 42}};
  const mlp::SummaryTable table = mlp::summary_table(c);
  for (std::size_t k = 0; k < table.columns.size(); ++k) {
    if (table.columns[k].header == "final_loss") {
      CHECK(table.rows[0].cells[k].text == "0.037±0.040");
      CHECK(table.rows[1].cells[k].text == "1.0986±0.0012");
    }
    if (table.columns[k].header == "epochs_to_target") CHECK(table.rows[0].cells[k].text == "26±17");
  }
}

TEST_CASE("'*' marks a best only among two values or more, and never a diagnostic") {
  json c = comparison({"relu", "tanh"}, 3, 4);
  c["summary"][1]["epochs_to_target"] = nullptr;  // tanh never reached the target
  const mlp::SummaryTable table = mlp::summary_table(c);
  for (std::size_t k = 0; k < table.columns.size(); ++k) {
    CAPTURE(table.columns[k].header);
    const std::string& header = table.columns[k].header;
    if (header == "epochs_to_target" || header == "dead%" || header == "saturated%") {
      for (const mlp::SummaryRow& row : table.rows) CHECK_FALSE(row.cells[k].best);
    }
    if (header == "final_loss") CHECK(table.rows[0].cells[k].best != table.rows[1].cells[k].best);
  }
}

TEST_CASE("epochs_to_target: 'never', '(k/n)' for some runs, '*' only among activations whose every run reached it") {
  json c = comparison({"relu", "tanh", "elu", "sigmoid"}, 3, 4);
  auto stat = [](double mean, double std, int count) {
    return json{{"count", count}, {"mean", mean}, {"std", std}, {"median", mean}, {"min", mean}, {"max", mean}};
  };
  c["summary"][0]["epochs_to_target"] = stat(5, 1, 3);
  c["summary"][1]["epochs_to_target"] = stat(3, 1, 2);  // faster, but one run never got there
  c["summary"][2]["epochs_to_target"] = stat(8, 2, 3);
  c["summary"][3]["epochs_to_target"] = nullptr;
  c["summary"][3]["grad_ratio"] = stat(2.9e-9, 1.6e-9, 3);
  const mlp::SummaryTable table = mlp::summary_table(c);
  std::map<std::string, std::vector<mlp::SummaryCell>> columns;
  for (std::size_t k = 0; k < table.columns.size(); ++k) {
    for (const mlp::SummaryRow& row : table.rows) columns[table.columns[k].header].push_back(row.cells[k]);
  }
  const auto& epochs = columns.at("epochs_to_target");
  CHECK(epochs[0].text == "5.0±1.0");
  CHECK(epochs[1].text == "3.0±1.0 (2/3)");
  CHECK(epochs[2].text == "8.0±2.0");
  CHECK(epochs[3].text == "never");
  CHECK((epochs[0].best && !epochs[1].best && !epochs[2].best && !epochs[3].best));
  // A tiny value keeps two significant digits of its std, with the exponent once.
  CHECK(columns.at("grad_ratio")[3].text == "(2.9±1.6)e-9");
}

// The stroke colour of an activation's summary line in a chart.
std::string line_colour(const Element& svg, const std::string& activation) {
  for (const Element* s : series(svg)) {
    if (s->attribute_or("data-activation") == activation) {
      return s->find_all([](const Element& e) { return e.name == "polyline"; }).at(0)->attribute_or("stroke");
    }
  }
  return "";
}

TEST_CASE("report.html: an activation's colour follows its name, and legends follow the table") {
  const Element a = parse_report(comparison({"sigmoid", "relu"}, 2, 4));
  json c = comparison({"relu", "tanh", "elu", "sigmoid"}, 2, 4);
  std::swap(c["summary"][0], c["summary"][3]);  // the table: sigmoid, tanh, elu, relu
  const Element b = parse_report(c);
  CHECK(line_colour(*chart(a, "val_loss"), "sigmoid") == line_colour(*chart(b, "val_loss"), "sigmoid"));
  CHECK(line_colour(*chart(a, "val_loss"), "relu") == line_colour(*chart(b, "val_loss"), "relu"));
  CHECK(line_colour(*chart(b, "val_loss"), "relu") != line_colour(*chart(b, "val_loss"), "sigmoid"));
  CHECK(series_keys(*chart(b, "val_loss")) == std::vector<std::string>{"sigmoid", "tanh", "elu", "relu"});
}

TEST_CASE("report.html: the median line ends where the first seed stopped, fractions stay in [0, 1]") {
  json c = comparison({"relu", "tanh"}, 2, 6);
  c["runs"][1]["epochs"].erase(c["runs"][1]["epochs"].begin() + 4,
                               c["runs"][1]["epochs"].end());  // relu's second seed stopped after epoch 4
  const Element page = parse_report(c);
  const Element& loss = *chart(page, "val_loss");
  const std::string median =
      series(loss).at(0)->find_all([](const Element& e) { return e.name == "polyline"; }).at(0)->attribute_or("points");
  CHECK(std::count(median.begin(), median.end(), ',') == 4);  // epochs 1-4
  for (const std::string id : {"val_accuracy", "dead_fraction", "saturated_fraction"}) {
    CAPTURE(id);
    for (const Element* t : chart(page, id)->find_all(
             [](const Element& e) { return e.name == "text" && e.attribute_or("text-anchor") == "end"; })) {
      const double tick = std::stod(t->all_text());
      CHECK((tick >= 0 && tick <= 1));
    }
  }
}

TEST_CASE("report.html: the gradient-norm panels share their axes") {
  json c = comparison({"relu", "sigmoid", "tanh"}, 2, 5);
  for (const int r : {2, 3})
    c["runs"][r]["epochs"].erase(c["runs"][r]["epochs"].begin() + 3, c["runs"][r]["epochs"].end());
  const Element page = parse_report(c);  // sigmoid stopped after epoch 3
  const auto panels = page.find_all([](const Element& e) { return e.attribute_or("class") == "small"; });
  REQUIRE(panels.size() == 3);
  auto ticks = [](const Element& panel) {
    std::string labels;
    for (const Element* t : panel.find_all([](const Element& e) {
           return e.name == "text" && e.attribute_or("text-anchor") != "";  // the ticks of both axes
         })) {
      labels += t->all_text() + " ";
    }
    return labels;
  };
  CHECK(ticks(*panels[0]) == ticks(*panels[1]));
  CHECK(ticks(*panels[0]) == ticks(*panels[2]));
}

TEST_CASE("report.html: the usual seven activations each have a colour of their own") {
  const std::vector<std::string> seven = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "silu"};
  const Element page = parse_report(comparison(seven, 1, 3));
  std::vector<std::string> colours;
  for (const std::string& a : seven) colours.push_back(line_colour(*chart(page, "val_loss"), a));
  std::ranges::sort(colours);
  CHECK(std::ranges::adjacent_find(colours) == colours.end());
}
