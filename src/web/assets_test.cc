#include "web/assets.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

TEST(WebAssets, TheBuiltAppIsCompiledIn) {
  const WebAsset* index = find_web_asset("/index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_NE(index->bytes.find("<div id=\"app\">"), std::string_view::npos);
  // Vite names the script and the stylesheet after their content, under /assets/.
  bool script = false;
  bool style = false;
  for (const WebAsset& a : web_assets()) {
    script |= a.path.starts_with("/assets/") && a.path.ends_with(".js") && !a.bytes.empty();
    style |= a.path.starts_with("/assets/") && a.path.ends_with(".css") && !a.bytes.empty();
    if (a.path.ends_with(".js")) {
      EXPECT_NE(index->bytes.find(a.path), std::string_view::npos) << a.path;
    }
  }
  EXPECT_TRUE(script);
  EXPECT_TRUE(style);
}

TEST(WebAssets, PagesOfTheAppAreIndexHtmlButApiAndMissingAssetsAreNot) {
  const WebAsset* index = find_web_asset("/index.html");
  EXPECT_EQ(find_web_asset("/"), index);
  EXPECT_EQ(find_web_asset("/worklist"), index);
  EXPECT_EQ(find_web_asset("/api/v1/nothing"), nullptr);
  EXPECT_EQ(find_web_asset("/assets/gone-1234.js"), nullptr);
}

TEST(WebAssets, ContentTypesAndCaching) {
  EXPECT_EQ(web_content_type("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(web_content_type("/assets/index-1a2b.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(web_content_type("/assets/index-1a2b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(web_content_type("/favicon.ico"), "application/octet-stream");
  EXPECT_TRUE(web_asset_is_immutable("/assets/index-1a2b.js"));
  EXPECT_FALSE(web_asset_is_immutable("/index.html"));
}

}  // namespace
}  // namespace squeaky
