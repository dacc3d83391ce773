#include "web/assets.h"

#include <algorithm>

namespace squeaky {

const WebAsset* find_web_asset(std::string_view path) {
  const auto& assets = web_assets();
  const auto find = [&](std::string_view p) -> const WebAsset* {
    auto it = std::lower_bound(assets.begin(), assets.end(), p,
                               [](const WebAsset& a, std::string_view key) { return a.path < key; });
    return it != assets.end() && it->path == p ? &*it : nullptr;
  };
  if (path.starts_with("/api/")) return nullptr;
  if (const WebAsset* asset = find(path)) return asset;
  if (path.starts_with("/assets/")) return nullptr;  // a missing build file is a 404, not the app
  return find("/index.html");
}

std::string_view web_content_type(std::string_view path) {
  const auto ends = [&](std::string_view suffix) { return path.ends_with(suffix); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

bool web_asset_is_immutable(std::string_view path) { return path.starts_with("/assets/"); }

}  // namespace squeaky
