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

namespace squeaky {
namespace {

TEST(SettingsServer, DefaultsAndValues) {
  auto defaults = parse_settings("", "squeaky.toml", ".");
  ASSERT_TRUE(defaults) << defaults.status().message();
  EXPECT_FALSE(defaults->review_messages);
  EXPECT_EQ(defaults->server.run_at_minute, 6 * 60);
  EXPECT_EQ(defaults->server.timezone, "UTC");
  EXPECT_EQ(defaults->server.send_every_minutes, 15);
  auto s = parse_settings(
      "[outbox]\nreview = true\n[server]\nrun_at = \"07:30\"\ntimezone = \"Europe/London\"\nsend_every_minutes = 0\n",
      "squeaky.toml", ".");
  ASSERT_TRUE(s) << s.status().message();
  EXPECT_TRUE(s->review_messages);
  EXPECT_EQ(s->server.run_at_minute, 7 * 60 + 30);
  EXPECT_EQ(s->server.timezone, "Europe/London");
  EXPECT_EQ(s->server.send_every_minutes, 0);
}

TEST(SettingsServer, ErrorsNameTheLineAndKey) {
  auto s = parse_settings(
      "[outbox]\nreview = \"yes\"\n[server]\nrun_at = \"24:00\"\ntimezone = \"Mars/Olympus\"\n"
      "send_every_minutes = -1\nwhen = 3\n",
      "squeaky.toml", ".");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.status().message(),
            "squeaky.toml:2: key 'review': expected true or false\n"
            "squeaky.toml:4: key 'run_at': '24:00' is not a time the day has; use 00:00\n"
            "squeaky.toml:5: key 'timezone': 'Mars/Olympus' is not an IANA time zone\n"
            "squeaky.toml:6: key 'send_every_minutes': expected a whole number from 0 to 1440\n"
            "squeaky.toml:7: unknown key 'when' in [server]");
}

}  // namespace
}  // namespace squeaky
