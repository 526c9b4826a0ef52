#include "gateway/web/assets.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ctg::gateway::web {

// Defined in the generated web_assets_data.cc.
extern const Asset kWebAssets[];
extern const size_t kWebAssetCount;

std::string AssetEtag(const Asset& asset) {
  // FNV-1a of the content: the assets change only with the binary.
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < asset.size; ++i)
    h = (h ^ asset.data[i]) * 1099511628211ull;
  return absl::StrCat("\"", absl::Hex(h, absl::kZeroPad16), "\"");
}

const Asset* FindAsset(absl::string_view path) {
  for (size_t i = 0; i < kWebAssetCount; ++i) {
    if (path == kWebAssets[i].path) return &kWebAssets[i];
  }
  return nullptr;
}

const char* MimeType(absl::string_view path) {
  if (absl::EndsWith(path, ".html")) return "text/html; charset=utf-8";
  // Not text/javascript: cpp-httplib compresses every text/* answer
  // (brotli at its slowest setting), which costs more than it saves on
  // loopback or a LAN, and compressed HTTPS answers invite BREACH.
  if (absl::EndsWith(path, ".js"))
    return "application/javascript; charset=utf-8";
  if (absl::EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(path, ".svg")) return "image/svg+xml";
  if (absl::EndsWith(path, ".png")) return "image/png";
  if (absl::EndsWith(path, ".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace ctg::gateway::web
