// How the journal names the customer a record left.
#include "store/record_fields.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

TEST(MovedFromCustomerTest, AnUpdateThatChangedTheCustomerNamesTheOldOne) {
  EXPECT_EQ(moved_from_customer(R"({"changes":{"amount":["1.00","2.00"],"customer_id":["C1","C2"]},"id":"I1"})"), "C1");
  // Escaped characters come back as they were.
  EXPECT_EQ(moved_from_customer(R"({"changes":{"customer_id":["A\"B\\C\tD\u0001","C2"]},"id":"I1"})"),
            "A\"B\\C\tD\x01");
}

TEST(MovedFromCustomerTest, AnythingElseNamesNone) {
  EXPECT_EQ(moved_from_customer(R"({"changes":{"amount":["1.00","2.00"]},"id":"I1"})"), std::nullopt);
  // The key inside a value is escaped, so it is not taken for a change.
  EXPECT_EQ(moved_from_customer(R"({"changes":{"reference":["x","\"customer_id\":[\"C9\""]},"id":"I1"})"),
            std::nullopt);
  // A created record's payload.
  EXPECT_EQ(moved_from_customer(R"({"customer_id":"C1","id":"I1"})"), std::nullopt);
  EXPECT_EQ(moved_from_customer(R"({"changes":{"customer_id":["C1)"), std::nullopt);
}

}  // namespace
}  // namespace squeaky
