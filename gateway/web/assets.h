// The web console's static files (web/site/ and the vendored libraries of
// web/vendor/dist/), embedded in the binary at build time
// (cmake/EmbedWebAssets.cmake): nothing is fetched or read from disk at run
// time. Thread-safe (constant data).
#ifndef CTG_GATEWAY_WEB_ASSETS_H_
#define CTG_GATEWAY_WEB_ASSETS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace ctg::gateway::web {

struct Asset {
  const char* path;  // "/app.js"
  const unsigned char* data;
  size_t size;
};

// The asset served at `path`, or null.
const Asset* FindAsset(absl::string_view path);

// A strong validator of the asset's content (for If-None-Match).
std::string AssetEtag(const Asset& asset);

// The Content-Type of a path, by its extension.
const char* MimeType(absl::string_view path);

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_ASSETS_H_
