// ctg-synth: writes deterministic synthetic statistical bases in the
// statistics CSV format (docs/statistics-csv-format.md).
//
//   ctg-synth --mode demo [--seed N] [--periods 2022,2023 | --period P] --out
//   DIR ctg-synth --mode national [--communes N] [--seed N] [--period P] --out
//   DIR ctg-synth --check FILE --period P
//
// Writes DIR/statistics-<period>.csv for each period and DIR/territories.csv
// (code, level, name, parent commune, allocataires of the first period), and
// prints one line per file with its rows and digest. --check imports FILE
// with the streaming importer (64 KiB reads), as the gateway would, and
// prints the digest or the errors (exit status 1); it measures parse and
// validation speed.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "statbase/csv_export.h"
#include "statbase/csv_import.h"
#include "tools/ctg-synth/synth.h"

namespace {

constexpr const char* kUsage =
    "usage: ctg-synth --mode demo|national --out DIR [--seed N]\n"
    "                 [--periods P1,P2,... | --period P] [--communes N]\n"
    "       ctg-synth --check FILE --period P\n"
    "  --mode demo      Le Bouscat (33069, 12 IRIS, QPV QN03302M) and Eysines\n"
    "                   (33162); default periods 2022,2023\n"
    "  --mode national  N communes (default 35000) over 101 departments;\n"
    "                   default period 2023\n"
    "  --seed N         default 42; the same seed gives the same bytes\n"
    "  --out DIR        an existing directory; writes statistics-<P>.csv and\n"
    "                   territories.csv\n"
    "  --check FILE     validate FILE for period P with the importer; print\n"
    "                   rows, rows/s and digest, or the errors\n";

int Check(const std::string& path, const std::string& period) {
  absl::StatusOr<ctg::statbase::CsvImporter> importer =
      ctg::statbase::CsvImporter::Create({.period = period, .file_name = path});
  if (!importer.ok()) {
    std::fprintf(stderr, "ctg-synth: %s\n",
                 std::string(importer.status().message()).c_str());
    return 2;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::fprintf(stderr, "ctg-synth: cannot read %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  const absl::Time start = absl::Now();
  std::vector<char> buf(64 * 1024);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    importer->Feed(absl::string_view(buf.data(), n));
  }
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) {
    std::fprintf(stderr, "ctg-synth: error reading %s\n", path.c_str());
    return 1;
  }
  const absl::Time fed = absl::Now();
  absl::StatusOr<ctg::statbase::Base> base = importer->Finish();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double finish_seconds = absl::ToDoubleSeconds(absl::Now() - fed);
  if (!base.ok()) {
    std::fprintf(stderr, "%s\n", std::string(base.status().message()).c_str());
    return 1;
  }
  std::printf(
      "%s: valid, %lld rows, %zu territories, %.2f s (whole-base checks and "
      "digest %.2f s), %.0f rows/s, %.1f MB/s, base %.1f MiB, %s\n",
      path.c_str(), static_cast<long long>(importer->rows()),
      base->territory_count(), seconds, finish_seconds,
      static_cast<double>(importer->rows()) / seconds,
      static_cast<double>(importer->bytes()) / 1e6 / seconds,
      static_cast<double>(base->memory_bytes()) / (1024.0 * 1024.0),
      base->digest().c_str());
  return 0;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "ctg-synth: %s\n%s", message.c_str(), kUsage);
  return 2;
}

class File {
 public:
  explicit File(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {}
  ~File() {
    if (f_ != nullptr) std::fclose(f_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  bool ok() const { return f_ != nullptr && ok_; }
  void Write(absl::string_view s) {
    if (f_ != nullptr && std::fwrite(s.data(), 1, s.size(), f_) != s.size()) {
      ok_ = false;
    }
  }
  bool Close() {
    const bool closed = f_ != nullptr && std::fclose(f_) == 0;
    f_ = nullptr;
    return closed && ok_;
  }

 private:
  std::FILE* f_;
  bool ok_ = true;
};

}  // namespace

int main(int argc, char** argv) {
  std::string mode, out, check;
  std::vector<std::string> periods;
  uint64_t seed = ctg::synth::kDefaultSeed;
  int communes = ctg::synth::kDefaultNationalCommunes;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) return Fail(absl::StrCat(flag, " needs a value"));
    const absl::string_view value = argv[++i];
    if (flag == "--mode") {
      mode = std::string(value);
    } else if (flag == "--check") {
      check = std::string(value);
    } else if (flag == "--out") {
      out = std::string(value);
    } else if (flag == "--seed") {
      if (!absl::SimpleAtoi(value, &seed)) {
        return Fail(absl::StrCat("bad --seed \"", value, "\""));
      }
    } else if (flag == "--communes") {
      if (!absl::SimpleAtoi(value, &communes)) {
        return Fail(absl::StrCat("bad --communes \"", value, "\""));
      }
    } else if (flag == "--periods" || flag == "--period") {
      periods = absl::StrSplit(value, ',');
    } else {
      return Fail(absl::StrCat("unknown flag ", flag));
    }
  }
  if (!check.empty()) {
    if (periods.size() != 1) return Fail("--check needs one --period");
    return Check(check, periods[0]);
  }
  if (mode != "demo" && mode != "national") {
    return Fail("--mode must be demo or national");
  }
  if (out.empty()) return Fail("--out DIR is required");
  if (periods.empty()) {
    periods = mode == "demo" ? std::vector<std::string>{"2022", "2023"}
                             : std::vector<std::string>{"2023"};
  }

  std::error_code mkdir_error;
  std::filesystem::create_directories(out, mkdir_error);
  if (mkdir_error) {
    std::fprintf(stderr, "ctg-synth: cannot create %s: %s\n", out.c_str(),
                 mkdir_error.message().c_str());
    return 1;
  }
  bool first = true;
  for (const std::string& period : periods) {
    absl::StatusOr<ctg::statbase::Base> base =
        mode == "demo" ? ctg::synth::GenerateDemo(seed, period)
                       : ctg::synth::GenerateNational(seed, communes, period);
    if (!base.ok()) {
      std::fprintf(stderr, "ctg-synth: %s\n",
                   std::string(base.status().message()).c_str());
      return 1;
    }
    const std::string path = absl::StrCat(out, "/statistics-", period, ".csv");
    File file(path);
    ctg::statbase::WriteCanonicalCsv(
        *base, [&file](absl::string_view s) { file.Write(s); });
    if (!file.Close()) {
      std::fprintf(stderr, "ctg-synth: cannot write %s: %s\n", path.c_str(),
                   std::strerror(errno));
      return 1;
    }
    std::printf("%s: %lld rows, %zu territories, %s\n", path.c_str(),
                static_cast<long long>(base->row_count()),
                base->territory_count(), base->digest().c_str());

    if (first) {
      first = false;
      const std::string tpath = absl::StrCat(out, "/territories.csv");
      File tfile(tpath);
      tfile.Write("code,level,name,parent_commune,allocataires\n");
      const ctg::statbase::CellId alloc =
          *ctg::statbase::FindCell("allocataires", "", "");
      std::string line;
      for (ctg::statbase::TerritoryId id : base->sorted_territories()) {
        const ctg::statbase::Territory& t = base->territory(id);
        line.clear();
        ctg::statbase::AppendCsvField(t.code, &line);
        absl::StrAppend(&line, ",", ctg::statbase::TerritoryLevelName(t.level),
                        ",");
        ctg::statbase::AppendCsvField(t.name, &line);
        line.push_back(',');
        if (t.commune != ctg::statbase::kNoTerritory) {
          line.append(base->territory(t.commune).code);
        }
        absl::StrAppend(&line, ",", base->Value(id, alloc)->count, "\n");
        tfile.Write(line);
      }
      if (!tfile.Close()) {
        std::fprintf(stderr, "ctg-synth: cannot write %s: %s\n", tpath.c_str(),
                     std::strerror(errno));
        return 1;
      }
    }
  }
  return 0;
}
