#include "app/schedule.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

Timestamp at(std::string_view text) { return *Timestamp::parse(text); }
Date day(std::string_view text) { return *Date::parse(text); }

ServerSettings in(const char* zone, int hour, int minute, int send_every = 0) {
  ServerSettings s;
  s.timezone = zone;
  s.run_at_minute = hour * 60 + minute;
  s.send_every_minutes = send_every;
  return s;
}

TEST(ScheduledWork, TheRunIsDueFromRunAtLocalTime) {
  const ServerSettings london = in("Europe/London", 6, 0);
  // 31 March 2026 is summer time in London: 06:00 BST is 05:00 UTC.
  auto before = scheduled_work(london, at("2026-03-31T04:59:59Z"), day("2026-03-30"), std::nullopt);
  EXPECT_FALSE(before.run);
  EXPECT_EQ(before.next, at("2026-03-31T05:00:00Z"));
  auto due = scheduled_work(london, at("2026-03-31T05:00:00Z"), day("2026-03-30"), std::nullopt);
  ASSERT_TRUE(due.run);
  EXPECT_EQ(*due.run, day("2026-03-31"));
  EXPECT_EQ(due.next, at("2026-04-01T05:00:00Z"));
  // In winter the same 06:00 is 06:00 UTC.
  EXPECT_FALSE(scheduled_work(london, at("2026-01-15T05:59:00Z"), day("2026-01-14"), std::nullopt).run);
  EXPECT_TRUE(scheduled_work(london, at("2026-01-15T06:00:00Z"), day("2026-01-14"), std::nullopt).run);
}

TEST(ScheduledWork, ADayRunIsNotRunAgain) {
  auto w = scheduled_work(in("Europe/London", 6, 0), at("2026-03-31T10:00:00Z"), day("2026-03-31"), std::nullopt);
  EXPECT_FALSE(w.run);
  EXPECT_EQ(w.next, at("2026-04-01T05:00:00Z"));
}

TEST(ScheduledWork, TheBusinessDayIsTheLocalDay) {
  // 03:00 UTC on 1 April is still 31 March, 20:00, in Los Angeles.
  auto w = scheduled_work(in("America/Los_Angeles", 6, 0), at("2026-04-01T03:00:00Z"), day("2026-03-30"), std::nullopt);
  ASSERT_TRUE(w.run);
  EXPECT_EQ(*w.run, day("2026-03-31"));
  // And 23:30 UTC on 31 March is already 1 April, 08:30, in Tokyo.
  auto tokyo = scheduled_work(in("Asia/Tokyo", 6, 0), at("2026-03-31T23:30:00Z"), day("2026-03-31"), std::nullopt);
  ASSERT_TRUE(tokyo.run);
  EXPECT_EQ(*tokyo.run, day("2026-04-01"));
}

TEST(ScheduledWork, MissedDaysAreNotReplayed) {
  auto w = scheduled_work(in("UTC", 6, 0), at("2026-03-31T12:00:00Z"), day("2026-03-25"), std::nullopt);
  ASSERT_TRUE(w.run);
  EXPECT_EQ(*w.run, day("2026-03-31"));
  auto first = scheduled_work(in("UTC", 6, 0), at("2026-03-31T12:00:00Z"), std::nullopt, std::nullopt);
  ASSERT_TRUE(first.run);
  EXPECT_EQ(*first.run, day("2026-03-31"));
}

TEST(ScheduledWork, DaylightSavingGapsAndRepeats) {
  // New York springs forward at 02:00 on 8 March 2026: 02:30 does not exist; the run is due at
  // 03:00 EDT, 07:00 UTC.
  const ServerSettings gap = in("America/New_York", 2, 30);
  EXPECT_FALSE(scheduled_work(gap, at("2026-03-08T06:59:59Z"), day("2026-03-07"), std::nullopt).run);
  EXPECT_EQ(scheduled_work(gap, at("2026-03-08T06:59:59Z"), day("2026-03-07"), std::nullopt).next,
            at("2026-03-08T07:00:00Z"));
  EXPECT_TRUE(scheduled_work(gap, at("2026-03-08T07:00:00Z"), day("2026-03-07"), std::nullopt).run);
  // It falls back at 02:00 on 1 November 2026: 01:30 happens twice; the first, 01:30 EDT, is 05:30 UTC.
  const ServerSettings twice = in("America/New_York", 1, 30);
  EXPECT_EQ(scheduled_work(twice, at("2026-11-01T05:00:00Z"), day("2026-10-31"), std::nullopt).next,
            at("2026-11-01T05:30:00Z"));
  EXPECT_TRUE(scheduled_work(twice, at("2026-11-01T05:30:00Z"), day("2026-10-31"), std::nullopt).run);
}

TEST(ScheduledWork, SendingEveryFewMinutes) {
  const ServerSettings s = in("UTC", 6, 0, 15);
  auto first = scheduled_work(s, at("2026-03-31T10:00:00Z"), day("2026-03-31"), std::nullopt);
  EXPECT_TRUE(first.send);
  EXPECT_EQ(first.next, at("2026-03-31T10:15:00Z"));
  auto soon = scheduled_work(s, at("2026-03-31T10:14:59Z"), day("2026-03-31"), at("2026-03-31T10:00:00Z"));
  EXPECT_FALSE(soon.send);
  EXPECT_EQ(soon.next, at("2026-03-31T10:15:00Z"));
  auto due = scheduled_work(s, at("2026-03-31T10:15:00Z"), day("2026-03-31"), at("2026-03-31T10:00:00Z"));
  EXPECT_TRUE(due.send);
  // The next run comes sooner than the next send.
  auto late = scheduled_work(s, at("2026-04-01T05:50:00Z"), day("2026-03-31"), at("2026-04-01T05:50:00Z"));
  EXPECT_FALSE(late.send);
  EXPECT_EQ(late.next, at("2026-04-01T06:00:00Z"));
  // Never, with 0.
  EXPECT_FALSE(scheduled_work(in("UTC", 6, 0, 0), at("2026-03-31T10:00:00Z"), day("2026-03-31"), std::nullopt).send);
}

}  // namespace
}  // namespace squeaky
