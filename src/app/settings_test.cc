#include "app/settings.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

TEST(SettingsLocale, DefaultsToUsEnglish) {
  auto s = parse_settings("[business]\nname = \"Harbour Tools Ltd\"\n", "squeaky.toml", ".");
  ASSERT_TRUE(s) << s.status().message();
  EXPECT_EQ(s->business.locale, "en-US");
}

TEST(SettingsLocale, TakesABcp47Tag) {
  for (const char* tag : {"en-GB", "de-DE", "fr", "zh-Hant-TW", "es-419"}) {
    auto s = parse_settings(std::string("[business]\nlocale = \"") + tag + "\"\n", "squeaky.toml", ".");
    ASSERT_TRUE(s) << tag << ": " << s.status().message();
    EXPECT_EQ(s->business.locale, tag);
  }
}

TEST(SettingsLocale, RefusesWhatIsNotATagNamingTheLine) {
  for (const char* tag : {"english", "en_GB", "e", "en-", "en--GB", "en-GB-toolongsubtag", ""}) {
    auto s = parse_settings(std::string("[business]\nname = \"X\"\nlocale = \"") + tag + "\"\n", "squeaky.toml", ".");
    ASSERT_FALSE(s) << tag;
    EXPECT_EQ(s.status().message(),
              std::string("squeaky.toml:3: key 'locale': '") + tag + "' is not a locale tag like en-US or de-DE");
  }
}

}  // namespace
}  // namespace squeaky
