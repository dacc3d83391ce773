#include "analytics/measures.h"

#include <gtest/gtest.h>

#include <vector>

namespace squeaky {
namespace {

TEST(DsoSimple, TheWorkedExample) {
  // 4.6M owed after 9M of credit sales in a 90-day quarter: 46.0 days.
  EXPECT_EQ(dso_simple_tenths(4'600'000'00, 9'000'000'00, 90), 460);
  EXPECT_EQ(format_tenths(460), "46.0");
}

TEST(DsoSimple, RoundsHalfUpToATenth) {
  // 1 / 3 x 30 = 10.0; 1 / 7 x 30 = 4.2857 -> 4.3; 1 / 8 x 30 = 3.75 -> 3.8 (the half goes up).
  EXPECT_EQ(dso_simple_tenths(100, 300, 30), 100);
  EXPECT_EQ(dso_simple_tenths(100, 700, 30), 43);
  EXPECT_EQ(dso_simple_tenths(100, 800, 30), 38);
}

TEST(DsoSimple, NoSalesSaysNothing) {
  EXPECT_EQ(dso_simple_tenths(5000, 0, 90), std::nullopt);
  EXPECT_EQ(dso_simple_tenths(5000, -10, 90), std::nullopt);
  EXPECT_EQ(dso_simple_tenths(0, 5000, 90), 0);
  EXPECT_EQ(dso_simple_tenths(-100, 5000, 90), 0);  // a credit balance owes nothing
}

TEST(DsoSimple, LargeAmountsDoNotOverflow) {
  // 90 trillion units owed against 1 unit of sales: the product needs more than 64 bits.
  EXPECT_EQ(dso_simple_tenths(9'000'000'000'000'000, 9'000'000'000'000'000, 365), 3650);
  EXPECT_EQ(dso_simple_tenths(900'000'000'000'000, 1'000'000'000'000'000, 365), 3285);
}

TEST(DsoCountBack, TheWorkedExample) {
  // 212k owed; months of 100k, 80k and 70k, newest first: 30 + 30 + 32/70 x 30 = 73.7 days.
  const std::vector<PeriodSales> months = {{100'000, 30}, {80'000, 30}, {70'000, 30}};
  EXPECT_EQ(dso_count_back_tenths(212'000, months), 737);
}

TEST(DsoCountBack, CoveredByTheNewestPeriod) {
  const std::vector<PeriodSales> months = {{100'000, 31}, {80'000, 30}};
  EXPECT_EQ(dso_count_back_tenths(50'000, months), 155);   // 15.5 days
  EXPECT_EQ(dso_count_back_tenths(100'000, months), 310);  // exactly the month
}

TEST(DsoCountBack, MoreOwedThanThePeriodsSold) {
  const std::vector<PeriodSales> months = {{100'000, 30}, {0, 31}, {80'000, 30}};
  EXPECT_EQ(dso_count_back_tenths(500'000, months), 910);  // every day counted, no more
  EXPECT_EQ(dso_count_back_tenths(0, months), 0);
}

TEST(FormatTenths, OnePlace) {
  EXPECT_EQ(format_tenths(0), "0.0");
  EXPECT_EQ(format_tenths(7), "0.7");
  EXPECT_EQ(format_tenths(1234), "123.4");
  EXPECT_EQ(format_tenths(-15), "-1.5");
}

}  // namespace
}  // namespace squeaky
