#include "audit/time_format.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ctg::audit {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Inverse of DaysFromCivil.
void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

void PutDigits(int64_t value, int width, char* out) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Reads `width` ASCII digits at text[pos]; false if any is not a digit.
bool GetDigits(absl::string_view text, size_t pos, int width, int64_t* value) {
  int64_t v = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

}  // namespace

void AppendRfc3339Micros(int64_t micros, std::string* out) {
  if (micros < kMinTimeMicros) micros = kMinTimeMicros;
  if (micros > kMaxTimeMicros) micros = kMaxTimeMicros;
  // Floor division so that times before 1970 format correctly.
  int64_t secs = micros / kMicrosPerSecond;
  int64_t frac = micros % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  int64_t days = secs / kSecondsPerDay;
  int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  int64_t y, m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[kRfc3339MicrosLength];
  PutDigits(y, 4, buf);
  buf[4] = '-';
  PutDigits(m, 2, buf + 5);
  buf[7] = '-';
  PutDigits(d, 2, buf + 8);
  buf[10] = 'T';
  PutDigits(sod / 3600, 2, buf + 11);
  buf[13] = ':';
  PutDigits(sod / 60 % 60, 2, buf + 14);
  buf[16] = ':';
  PutDigits(sod % 60, 2, buf + 17);
  buf[19] = '.';
  PutDigits(frac, 6, buf + 20);
  buf[26] = 'Z';
  out->append(buf, sizeof(buf));
}

std::string FormatRfc3339Micros(int64_t micros) {
  std::string out;
  AppendRfc3339Micros(micros, &out);
  return out;
}

absl::StatusOr<int64_t> ParseRfc3339Micros(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("timestamp \"", text.substr(0, 40), "\": ", why,
                     " (expected the form 2026-11-28T23:30:24.123456Z)"));
  };
  if (text.size() != kRfc3339MicrosLength) {
    return bad(absl::StrCat("length ", text.size(), ", expected ",
                            kRfc3339MicrosLength));
  }
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[26] != 'Z') {
    return bad("misplaced separator");
  }
  int64_t y, mo, d, h, mi, s, f;
  if (!GetDigits(text, 0, 4, &y) || !GetDigits(text, 5, 2, &mo) ||
      !GetDigits(text, 8, 2, &d) || !GetDigits(text, 11, 2, &h) ||
      !GetDigits(text, 14, 2, &mi) || !GetDigits(text, 17, 2, &s) ||
      !GetDigits(text, 20, 6, &f)) {
    return bad("non-digit where a digit is expected");
  }
  if (y < 1) return bad("year 0000");
  if (mo < 1 || mo > 12) return bad("month out of range");
  if (d < 1 || d > DaysInMonth(y, mo)) return bad("day out of range");
  if (h > 23) return bad("hour out of range");
  if (mi > 59) return bad("minute out of range");
  if (s > 59) return bad("second out of range (no leap seconds)");
  const int64_t secs =
      DaysFromCivil(y, mo, d) * kSecondsPerDay + h * 3600 + mi * 60 + s;
  return secs * kMicrosPerSecond + f;
}

}  // namespace ctg::audit
