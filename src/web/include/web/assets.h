// The web app's files (HTML, JavaScript, CSS), compiled into the binary by the build.
#pragma once

#include <string_view>
#include <vector>

namespace squeaky {

struct WebAsset {
  std::string_view path;   // URL path: "/index.html", "/assets/index-3f2a.js"
  std::string_view bytes;  // the file's content
};

// Every file of the built web app, sorted by path.
const std::vector<WebAsset>& web_assets();

// The file served at `path`: the asset itself, or index.html for "/" and for paths that name no
// file and no API route (the app routes in the browser). Null when there is nothing to serve.
const WebAsset* find_web_asset(std::string_view path);

// The Content-Type to send with an asset, from its file name.
std::string_view web_content_type(std::string_view path);

// Built files carry a hash of their content in their name (assets/...): they may be cached for
// good. index.html must be asked for again so a new build is picked up.
bool web_asset_is_immutable(std::string_view path);

}  // namespace squeaky
