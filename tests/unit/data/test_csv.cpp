#include "mlp/csv.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <system_error>
#include <vector>

using namespace mlp;
using mlp::test::TempDir;
using namespace std::string_literals;

namespace {

struct Records {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::int64_t> lines;
};

Records read_all(const std::filesystem::path& path, char delimiter = ',') {
  CsvReader reader(path, delimiter);
  Records out{reader.header(), {}, {}};
  while (reader.next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < reader.size(); ++i) row.emplace_back(reader.field(i));
    out.rows.push_back(row);
    out.lines.push_back(reader.line());
  }
  return out;
}

using Row = std::vector<std::string>;

}  // namespace

TEST_CASE("csv: header, fields and line numbers") {
  TempDir dir;
  const auto path = dir.write("a.csv", "x,y,label\n1,2,a\n3, 4 ,b\n");
  const Records r = read_all(path);
  CHECK(r.header == Row{"x", "y", "label"});
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0] == Row{"1", "2", "a"});
  CHECK(r.rows[1] == Row{"3", "4", "b"});  // blanks around unquoted fields are dropped
  CHECK(r.lines == std::vector<std::int64_t>{2, 3});
}

TEST_CASE("csv: RFC 4180 quoting") {
  TempDir dir;
  const auto path = dir.write("q.csv",
                              "name,text\n"
                              "\"a,b\",\"say \"\"hi\"\"\"\n"
                              "\"two\nlines\",\" kept \"\n"
                              "\"\",x\n"
                              "after,\"three\r\nline\nfield\"\n"
                              "last,row\n");
  const Records r = read_all(path);
  REQUIRE(r.rows.size() == 5);
  CHECK(r.rows[0] == Row{"a,b", "say \"hi\""});
  CHECK(r.rows[1] == Row{"two\nlines", " kept "});
  CHECK(r.rows[2] == Row{"", "x"});
  CHECK(r.rows[3] == Row{"after", "three\r\nline\nfield"});
  CHECK(r.rows[4] == Row{"last", "row"});
  // Line breaks inside quotes count: record 2 spans lines 3-4, record 4 spans lines 6-8.
  CHECK(r.lines == std::vector<std::int64_t>{2, 3, 5, 6, 9});
}

TEST_CASE("csv: fields written by csv_field read back as written") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field(" kept ") == "\" kept \"");  // CsvReader drops blanks around an unquoted field
  CHECK(csv_field("a;b", ';') == "\"a;b\"");
  CHECK(csv_field("a;b") == "a;b");
  const Row fields = {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", " kept ", ""};
  std::string line;
  for (const std::string& field : fields) line += (line.empty() ? "" : ",") + csv_field(field);
  TempDir dir;
  const Records r = read_all(dir.write("w.csv", "a,b,c,d,e,f,g\n" + line + "\n"));
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0] == fields);
}

TEST_CASE("csv: random records read back as written, wherever their fields fall in a scan block") {
  // Unquoted fields are found 64 bytes at a time: fields of 0-3 bytes (many per block), longer
  // than a block, blank-padded, quoted (with delimiters, quotes, line breaks), LF and CRLF, in
  // random mixes, so that every kind starts and ends at every offset of a block.
  std::mt19937 rng(5);
  const auto below = [&rng](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const auto random_field = [&]() -> std::string {
    switch (below(6)) {
      case 0:
        return "";
      case 1:
      case 2:
        return std::string(static_cast<std::size_t>(1 + below(3)), static_cast<char>('0' + below(10)));
      case 3:
        return std::string(static_cast<std::size_t>(60 + below(80)), 'x');
      case 4:
        return std::string(" a\"b,c\n d ").substr(static_cast<std::size_t>(below(4)));
      default:
        return "-" + std::to_string(below(100000)) + "." + std::to_string(below(100));
    }
  };
  constexpr int kColumns = 5;
  std::string text = "a,b,c,d,e\n";
  std::vector<Row> written;
  std::vector<std::int64_t> lines;
  std::int64_t line = 2;
  for (int i = 0; i < 4000; ++i) {
    Row row;
    std::string record;
    for (int c = 0; c < kColumns; ++c) {
      row.push_back(random_field());
      record += (c ? "," : "") + csv_field(row.back());
    }
    text += record + (below(3) ? "\n" : "\r\n");
    written.push_back(row);
    lines.push_back(line);
    line += 1 + static_cast<std::int64_t>(std::count(record.begin(), record.end(), '\n'));
  }
  TempDir dir;
  const Records r = read_all(dir.write("random.csv", text));
  CHECK(r.rows == written);
  CHECK(r.lines == lines);
}

TEST_CASE("csv: CRLF, byte order mark, blank lines, no final line break") {
  TempDir dir;
  const auto path = dir.write("w.csv", "\xEF\xBB\xBFx,y\r\n1,2\r\n\r\n\n3,\r\n4,5");
  const Records r = read_all(path);
  CHECK(r.header == Row{"x", "y"});
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows[0] == Row{"1", "2"});
  CHECK(r.rows[1] == Row{"3", ""});
  CHECK(r.rows[2] == Row{"4", "5"});
  CHECK(r.lines == std::vector<std::int64_t>{2, 5, 6});
}

TEST_CASE("csv: other delimiters") {
  TempDir dir;
  SUBCASE("semicolon, with commas as decimal text") {
    const Records r = read_all(dir.write("s.csv", "a;b\n1,5;\"x;y\"\n"), ';');
    CHECK(r.header == Row{"a", "b"});
    CHECK(r.rows.at(0) == Row{"1,5", "x;y"});
  }
  SUBCASE("tab") {
    const Records r = read_all(dir.write("t.tsv", "a\tb c\n1\t2\n"), '\t');
    CHECK(r.header == Row{"a", "b c"});
    CHECK(r.rows.at(0) == Row{"1", "2"});
  }
  SUBCASE("a quote cannot be the delimiter") {
    CHECK_INPUT_ERROR(CsvReader(dir.write("d.csv", "a\n1\n"), '"'), (dir.path() / "d.csv").string() + ": ",
                      "delimiter");
  }
}

TEST_CASE("csv: records across read chunks") {
  // Several MiB of records with quoted fields, doubled quotes and line breaks, so that records
  // straddle the 1 MiB chunk boundaries in every way.
  TempDir dir;
  std::string text = "id,text,value\n";
  constexpr int kRows = 60000;
  for (int i = 0; i < kRows; ++i) {
    text += std::to_string(i) + ",\"a \"\"q\"\"" + (i % 7 == 0 ? "\n" : "") +
            std::string(static_cast<std::size_t>(i % 50), 'x') + "\"," + std::to_string(i * 0.25) + "\r\n";
  }
  REQUIRE(text.size() > 3 * CsvReader::kChunkBytes);
  const Records r = read_all(dir.write("big.csv", text));
  REQUIRE(r.rows.size() == kRows);
  std::int64_t line = 2;
  for (int i = 0; i < kRows; ++i) {
    const auto& row = r.rows[static_cast<std::size_t>(i)];
    REQUIRE(row.size() == 3);
    CHECK(row[0] == std::to_string(i));
    CHECK(row[1] ==
          "a \"q\"" + std::string(i % 7 == 0 ? "\n" : "") + std::string(static_cast<std::size_t>(i % 50), 'x'));
    CHECK(row[2] == std::to_string(i * 0.25));
    CHECK(r.lines[static_cast<std::size_t>(i)] == line);
    line += i % 7 == 0 ? 2 : 1;
  }
}

TEST_CASE("csv: file errors") {
  TempDir dir;
  const std::string base = dir.path().string();
  CHECK_INPUT_ERROR(CsvReader(dir.path() / "none.csv"), base + "/none.csv: ", "file not found");
  CHECK_INPUT_ERROR(CsvReader(dir.path()), base + ": ", "is a directory");
  CHECK_INPUT_ERROR(CsvReader(dir.write("e.csv", "")), base + "/e.csv: ", "the file is empty");
  CHECK_INPUT_ERROR(CsvReader(dir.write("b.csv", "\xEF\xBB\xBF\n\n")), base + "/b.csv: ", "the file is empty");
  // Reading /proc/self/mem from offset 0 fails with EIO: an unreadable input.
  CHECK_INPUT_ERROR(CsvReader("/proc/self/mem"), "/proc/self/mem: ", "read error");
}

TEST_CASE("csv: header errors name line and column") {
  TempDir dir;
  const std::string base = dir.path().string();
  CHECK_INPUT_ERROR(CsvReader(dir.write("d.csv", "\n\na,b,a\n1,2,3\n")),
                    base + "/d.csv:3:3: ", "duplicate column name \"a\" (also column 1)");
  CHECK_INPUT_ERROR(CsvReader(dir.write("n.csv", ",a,b\n0,1,2\n")), base + "/n.csv:1:1: ", "has no name");
  CHECK_INPUT_ERROR(CsvReader(dir.write("u.csv", "a,b\xE9\n1,2\n")), base + "/u.csv:1:2: ", "not valid UTF-8");
}

TEST_CASE("csv: malformed records") {
  TempDir dir;
  const std::string base = dir.path().string();
  auto read = [&](const std::string& name, const std::string& text) { read_all(dir.write(name, text)); };
  CHECK_INPUT_ERROR(read("q.csv", "a,b\n1,2\n3,\"open\nnever closed\n"),
                    base + "/q.csv:3:2: ", "unterminated quoted field");
  CHECK_INPUT_ERROR(read("z.csv", "a,b\n1,2\n3,4\n5,6\0\n"s), base + "/z.csv:4:2: ", "NUL byte");
  CHECK_INPUT_ERROR(read("zq.csv", "a,b\n\"x\ny\",\"1\0\"\n"s), base + "/zq.csv:2:2: ", "NUL byte");
  CHECK_INPUT_ERROR(read("c.csv", "a,b\r1,2\r"), base + "/c.csv:1:2: ", "carriage return without a line feed");
  CHECK_INPUT_ERROR(read("t.csv", "a,b\n1,\"2\"x\n"), base + "/t.csv:2:2: ", "after the closing quote");
}

TEST_CASE("csv: overlong records give an error, not a hang") {
  TempDir dir;
  const std::string base = dir.path().string();
  SUBCASE("a 10 MB line") {
    const std::string line(10'000'000, '7');
    CHECK_INPUT_ERROR(read_all(dir.write("l.csv", "a\n" + line + "\n")),
                      base + "/l.csv:2:1: ", "a record longer than 8 MiB");
  }
  SUBCASE("an unterminated quote in a large file") {
    std::string text = "a,b\n1,\"oops\n";
    for (int i = 0; i < 1'000'000; ++i) text += "1234567,89\n";
    CHECK_INPUT_ERROR(read_all(dir.write("o.csv", text)), base + "/o.csv:2:2: ", "is a closing quote missing?");
  }
}

TEST_CASE("parse_number: from_chars syntax, strict") {
  auto parse = [](std::string_view text) {
    Scalar value = -123;
    const NumberStatus status = parse_number(text, value);
    return std::pair(status, value);
  };
  CHECK(parse("1.5") == std::pair(NumberStatus::kOk, Scalar(1.5)));
  CHECK(parse("-2e3") == std::pair(NumberStatus::kOk, Scalar(-2000)));
  CHECK(parse("+.25") == std::pair(NumberStatus::kOk, Scalar(0.25)));
  CHECK(parse(" 7 ") == std::pair(NumberStatus::kOk, Scalar(7)));
  CHECK(parse("1E-50") == std::pair(NumberStatus::kOk, Scalar(0)));  // underflow rounds to 0
  CHECK(parse("1e-40").second == Scalar(1e-40f));                    // a subnormal float
  CHECK(parse("").first == NumberStatus::kEmpty);
  CHECK(parse("  ").first == NumberStatus::kEmpty);
  for (const char* bad : {"abc", "1e", "1,5", "0x10", "1.5.2", "+-1", "++1", "1 2", "-"}) {
    INFO(bad);
    CHECK(parse(bad).first == NumberStatus::kInvalid);
  }
  for (const char* not_finite : {"nan", "NaN", "inf", "-Infinity"}) {
    INFO(not_finite);
    CHECK(parse(not_finite).first == NumberStatus::kNotFinite);
  }
  CHECK(parse("1e39").first == NumberStatus::kOverflow);
  CHECK(parse("-3.5e38").first == NumberStatus::kOverflow);
  CHECK(parse("3.4e38").first == NumberStatus::kOk);
  CHECK(number_error(NumberStatus::kInvalid, "abc") == "cannot parse \"abc\" as a number");
}

// parse_number reads plain decimals itself (Clinger's fast path) and gives the rest to from_chars:
// both must give the same value, bit for bit, on either side of the fast path's limits (digits
// exact in the type, 10^k exact in the type).
TEST_CASE("parse_number: plain decimals give from_chars' value exactly") {
  std::mt19937_64 rng(7);
  // m with 1 to 64 bits (either side of 2^24 and 2^53), k digits after the point (either side
  // of 10 and 22), the digits zero-padded: "0.00000012345" is m = 12345, k = 11.
  auto decimal = [&rng](int fraction) {
    const std::uint64_t m = rng() >> (rng() % 64);
    std::string digits = std::to_string(m);
    if (static_cast<int>(digits.size()) <= fraction) digits.insert(0, fraction + 1 - digits.size(), '0');
    if (fraction > 0) digits.insert(digits.size() - static_cast<std::size_t>(fraction), ".");
    return (rng() % 2 ? "-" : "") + digits;
  };
  auto check = [](const std::string& text, auto parsed) {
    decltype(parsed) expected{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
    REQUIRE(ec == std::errc{});
    REQUIRE(end == text.data() + text.size());
    INFO(text);
    REQUIRE(parse_number(text, parsed) == NumberStatus::kOk);
    CHECK(std::memcmp(&parsed, &expected, sizeof parsed) == 0);
  };
  for (int trial = 0; trial < 200'000; ++trial) {
    const std::string text = decimal(static_cast<int>(rng() % 26));
    check(text, Scalar{});
    check(text, double{});
  }
  for (const char* edge :
       {"16777216", "16777217", "16777218", "0.16777217", "-0", "-0.0", "0.0000000001", "1.00000000001",
        "9007199254740993", "9007199254740992.5", "1234567890123456789", "12345678901234567890", "0.3", "0.1",
        "3.4028235", "340282350000000000000000000000000000000"}) {
    check(edge, Scalar{});
    check(edge, double{});
  }
}
