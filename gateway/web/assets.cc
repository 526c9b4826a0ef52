#include "gateway/web/assets.h"

#include "absl/strings/match.h"

namespace ctg::gateway::web {

// Defined in the generated web_assets_data.cc.
extern const Asset kWebAssets[];
extern const size_t kWebAssetCount;

const Asset* FindAsset(absl::string_view path) {
  for (size_t i = 0; i < kWebAssetCount; ++i) {
    if (path == kWebAssets[i].path) return &kWebAssets[i];
  }
  return nullptr;
}

const char* MimeType(absl::string_view path) {
  if (absl::EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (absl::EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(path, ".svg")) return "image/svg+xml";
  if (absl::EndsWith(path, ".png")) return "image/png";
  if (absl::EndsWith(path, ".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace ctg::gateway::web
