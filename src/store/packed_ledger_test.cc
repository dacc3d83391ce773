// The packed records the store visits the whole ledger from: every field comes back exactly as it
// went in, grouped by customer in the order the records were added.
#include "packed_ledger.h"

#include <gtest/gtest.h>

#include <string>

namespace squeaky::sql {
namespace {

const Currency kUsd = *Currency::from_code("USD");
const Currency kJpy = *Currency::from_code("JPY");

Date day(const char* text) { return *Date::parse(text); }

TEST(CustomerIndexTest, FindsEveryIdAddedAcrossGrowthAndNothingElse) {
  CustomerIndex index;
  for (int i = 0; i < 5000; ++i) index.add("C" + std::to_string(i));
  ASSERT_EQ(index.size(), 5000u);
  for (uint32_t i = 0; i < 5000; ++i) {
    ASSERT_EQ(index.find("C" + std::to_string(i)), i);
    ASSERT_EQ(index.id(i), "C" + std::to_string(i));
  }
  EXPECT_EQ(index.find("C5000"), std::nullopt);
  EXPECT_EQ(index.find(""), std::nullopt);
  EXPECT_EQ(index.find("c1"), std::nullopt);
  EXPECT_EQ(CustomerIndex().find("C1"), std::nullopt);
}

TEST(PackedLedgerTest, EveryFieldComesBackExactly) {
  const std::string long_text(300, 'x');  // a length over one varint byte
  Invoice big{"INV-1",
              "C1",
              day("2024-02-29"),
              day("2026-12-31"),
              Money::from_minor(INT64_MAX, kUsd),
              long_text,
              "Dachrinne \xc3\xbc"
              "berholt",
              InvoiceKind::kFee};
  Invoice old{"INV-2", "C1", day("1900-01-01"), day("1900-01-02"), Money::from_minor(1, kUsd), "", ""};
  Payment refund{"PAY-1", "C1", day("2026-03-31"), Money::from_minor(-12345, kUsd), "wire", "REF 9", "INV-1"};
  Payment least{"PAY-2", "C1", day("2026-04-01"), Money::from_minor(INT64_MIN, kUsd), "", "", ""};
  Credit deduction{"CN-1",    "C1",   day("2026-01-15"), Money::from_minor(500, kUsd), CreditKind::kDeduction,
                   "damaged", "INV-2"};
  Invoice yen{"INV-3", "C0", day("2026-01-01"), day("2026-01-31"), Money::from_minor(1000, kJpy), "PO", "d"};

  PackedLedger packed;
  packed.add(1, big);
  packed.add(0, yen);
  packed.add(1, refund);
  packed.add(1, old);
  packed.add(1, least);
  packed.add(1, deduction);
  packed.group(3);

  CustomerLedger ledger;
  ledger.customer.id = "C1";
  packed.unpack(1, ledger);
  ASSERT_EQ(ledger.invoices.size(), 2u);
  EXPECT_EQ(ledger.invoices[0], big);  // in the order added
  EXPECT_EQ(ledger.invoices[1], old);
  ASSERT_EQ(ledger.payments.size(), 2u);
  EXPECT_EQ(ledger.payments[0], refund);
  EXPECT_EQ(ledger.payments[1], least);
  ASSERT_EQ(ledger.credits.size(), 1u);
  EXPECT_EQ(ledger.credits[0], deduction);

  // The same ledger value reused for the next customer holds only that customer's records.
  ledger.customer.id = "C0";
  packed.unpack(0, ledger);
  ASSERT_EQ(ledger.invoices.size(), 1u);
  EXPECT_EQ(ledger.invoices[0], yen);
  EXPECT_TRUE(ledger.payments.empty());
  EXPECT_TRUE(ledger.credits.empty());

  ledger.customer.id = "C2";
  packed.unpack(2, ledger);
  EXPECT_TRUE(ledger.invoices.empty());
  EXPECT_GT(packed.bytes(), 0u);
}

TEST(PackedLedgerTest, ManyCustomersKeepTheirOwnRecords) {
  PackedLedger packed;
  constexpr uint32_t kCustomers = 1000;
  for (int n = 0; n < 20000; ++n) {
    const uint32_t owner = static_cast<uint32_t>(n * 7919) % kCustomers;
    Invoice i{"INV-" + std::to_string(n),
              "C" + std::to_string(owner),
              day("2026-01-01"),
              day("2026-02-01"),
              Money::from_minor(n, kUsd),
              "",
              ""};
    packed.add(owner, i);
  }
  packed.group(kCustomers);
  CustomerLedger ledger;
  size_t seen = 0;
  for (uint32_t c = 0; c < kCustomers; ++c) {
    ledger.customer.id = "C" + std::to_string(c);
    packed.unpack(c, ledger);
    int64_t last = -1;
    for (const Invoice& i : ledger.invoices) {
      ASSERT_EQ(i.customer_id, ledger.customer.id);
      ASSERT_EQ(static_cast<uint32_t>(i.amount.minor_units() * 7919) % kCustomers, c);
      ASSERT_GT(i.amount.minor_units(), last);  // the order added
      last = i.amount.minor_units();
    }
    seen += ledger.invoices.size();
  }
  EXPECT_EQ(seen, 20000u);
}

// Records fill one 2 MiB block after another, and one larger than a block gets a block of its
// own: the grouping walks every block, so each record is found whichever block it landed in.
TEST(PackedLedgerTest, RecordsSpreadOverManyBlocksAndOneLargerThanABlockAreAllFound) {
  PackedLedger packed;
  const std::string page(1000, 'p');
  const std::string huge(3 << 20, 'h');  // 3 MiB: more than a block
  for (int n = 0; n < 6000; ++n) {
    Payment p{"PAY-" + std::to_string(n), "", day("2026-01-01"), Money::from_minor(n, kUsd), "wire",
              n == 4321 ? huge : page,    ""};
    packed.add(static_cast<uint32_t>(n % 3), p);
  }
  packed.group(3);
  EXPECT_GE(packed.bytes(), size_t{9} << 20);  // four blocks of 2 MiB at least, and the large one
  CustomerLedger ledger;
  for (uint32_t c = 0; c < 3; ++c) {
    ledger.customer.id = "C" + std::to_string(c);
    packed.unpack(c, ledger);
    ASSERT_EQ(ledger.payments.size(), 2000u);
    for (size_t k = 0; k < ledger.payments.size(); ++k) {
      const Payment& p = ledger.payments[k];
      const int n = static_cast<int>(k * 3 + c);
      ASSERT_EQ(p.id, "PAY-" + std::to_string(n));
      ASSERT_EQ(p.amount.minor_units(), n);
      ASSERT_EQ(p.reference, n == 4321 ? huge : page) << p.id;
      ASSERT_EQ(p.method, "wire");
    }
  }
}

// A customer's ledger with a record of each kind in three currencies, one unset, and texts long
// enough to take two length bytes.
CustomerLedger mixed_ledger() {
  const Currency kEur = *Currency::from_code("EUR");
  CustomerLedger ledger;
  ledger.customer.id = "C7";
  ledger.invoices = {
      {"INV-1", "C7", day("2024-02-29"), day("2026-12-31"), Money::from_minor(INT64_MAX, kUsd), std::string(200, 'r'),
       "M\xc3\xbcller", InvoiceKind::kFee},
      {"INV-2", "C7", day("1900-01-01"), day("1900-01-02"), Money::from_minor(1, kJpy), "", ""},
      {"INV-3", "C7", day("2026-01-01"), day("2026-01-31"), Money::from_minor(0, Currency{}), "", ""},
  };
  ledger.payments = {
      {"PAY-1", "C7", day("2026-03-31"), Money::from_minor(-12345, kEur), "wire", "REF 9", "INV-1"},
      {"PAY-2", "C7", day("2026-04-01"), Money::from_minor(INT64_MIN, kUsd), "", "", ""},
  };
  ledger.credits = {
      {"CN-1", "C7", day("2026-01-15"), Money::from_minor(500, kJpy), CreditKind::kDeduction, "damaged", "INV-2"}};
  return ledger;
}

TEST(CustomerCopyTest, EveryRecordAndCurrencyComesBackExactlyInTheOrderGiven) {
  const CustomerLedger ledger = mixed_ledger();
  std::string bytes;
  pack_records(ledger, bytes);
  CustomerLedger back;
  back.customer.id = "C7";
  back.invoices.resize(9);  // whatever it held before is replaced
  ASSERT_TRUE(unpack_records(bytes, back));
  EXPECT_EQ(back.invoices, ledger.invoices);
  EXPECT_EQ(back.payments, ledger.payments);
  EXPECT_EQ(back.credits, ledger.credits);

  CustomerLedger none;
  none.customer.id = "C8";
  pack_records(none, bytes);
  EXPECT_EQ(bytes, std::string("\x01\x00\x00\x00\x00", 5));  // format 1, no currency, no records
  ASSERT_TRUE(unpack_records(bytes, back));
  EXPECT_TRUE(back.invoices.empty() && back.payments.empty() && back.credits.empty());
}

// Copies come from the database, where anyone can edit them: every damaged form is refused
// rather than read past its end, and nothing short of the whole copy is taken for it.
TEST(CustomerCopyTest, DamagedCopiesAreRefusedWithoutReadingPastTheirEnd) {
  std::string bytes;
  pack_records(mixed_ledger(), bytes);
  CustomerLedger back;
  back.customer.id = "C7";
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(unpack_records(std::string_view(bytes).substr(0, n), back)) << "cut to " << n << " bytes";
  }
  EXPECT_FALSE(unpack_records(bytes + '\0', back));  // something after the records
  std::string format = bytes;
  format[0] = 2;  // a newer format
  EXPECT_FALSE(unpack_records(format, back));
  std::string currency = bytes;
  const size_t usd = currency.find("USD");
  ASSERT_NE(usd, std::string::npos);
  currency.replace(usd, 3, "XYZ");  // not a currency
  EXPECT_FALSE(unpack_records(currency, back));
  // A count far larger than the bytes that follow.
  EXPECT_FALSE(unpack_records(std::string("\x01\x00\xff\xff\xff\xff\x0f", 7), back));
  EXPECT_FALSE(unpack_records(std::string("\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 13), back));
}

}  // namespace
}  // namespace squeaky::sql
