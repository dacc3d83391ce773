#include "io/ledger_csv.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

struct Parsed {
  std::vector<RowError> errors;
  std::optional<Invoice> invoice;
  std::optional<Customer> customer;
};

CsvRecord record_of(std::string_view line, size_t number, std::string& storage) {
  storage = std::string(line);
  CsvReader reader(storage);
  CsvRecord r;
  EXPECT_TRUE(reader.next(r));
  r.line = number;
  return r;
}

Parsed parse(RecordKind kind, std::string_view header_line, std::string_view row_line) {
  std::string h_storage;
  std::string r_storage;
  auto header = LedgerCsvHeader::read(kind, record_of(header_line, 1, h_storage));
  EXPECT_TRUE(header) << header.status().message();
  const CsvRecord row = record_of(row_line, 2, r_storage);
  Parsed p;
  if (kind == RecordKind::kInvoices) p.invoice = parse_invoice_row(*header, row, p.errors);
  if (kind == RecordKind::kCustomers) p.customer = parse_customer_row(*header, row, p.errors);
  return p;
}

std::vector<std::string> messages(const Parsed& p) {
  std::vector<std::string> out;
  for (const RowError& e : p.errors) out.push_back(std::to_string(e.line) + ": " + e.message);
  return out;
}

constexpr std::string_view kInvoiceHeader = "amount,currency,id,customer_id,issue_date,due_date,note";

TEST(LedgerCsvTest, ColumnsMayComeInAnyOrderAndUnknownOnesAreIgnored) {
  const Parsed p = parse(RecordKind::kInvoices, kInvoiceHeader, "1234.50,USD,INV-1,C1,2026-01-01,2026-01-31,hi");
  ASSERT_TRUE(p.invoice) << testing::PrintToString(messages(p));
  EXPECT_EQ(p.invoice->id, "INV-1");
  EXPECT_EQ(p.invoice->amount.minor_units(), 123450);
  EXPECT_EQ(p.invoice->due_date.to_string(), "2026-01-31");
  std::string storage;
  auto header = LedgerCsvHeader::read(RecordKind::kInvoices, record_of(kInvoiceHeader, 1, storage));
  EXPECT_EQ(header->ignored_columns(), std::vector<std::string>{"note"});
}

TEST(LedgerCsvTest, ReportsEveryBadFieldOfARow) {
  const Parsed p = parse(RecordKind::kInvoices, kInvoiceHeader, "12.345,USD,INV-1,,2026-02-30,2026-01-31,");
  EXPECT_FALSE(p.invoice);
  EXPECT_EQ(messages(p), (std::vector<std::string>{
                             "2: column 'customer_id' is empty",
                             "2: column 'issue_date': '2026-02-30' is not a date",
                             "2: column 'amount': '12.345' has 3 decimal places; USD allows 2",
                         }));
}

TEST(LedgerCsvTest, RejectsNegativeZeroAndDueBeforeIssue) {
  EXPECT_EQ(messages(parse(RecordKind::kInvoices, kInvoiceHeader, "-5.00,USD,I,C1,2026-01-01,2026-01-31,")),
            std::vector<std::string>{"2: column 'amount': '-5.00' is negative"});
  EXPECT_EQ(messages(parse(RecordKind::kInvoices, kInvoiceHeader, "0,USD,I,C1,2026-01-01,2026-01-31,")),
            std::vector<std::string>{"2: column 'amount': '0' is zero; an amount must be more than zero"});
  EXPECT_EQ(messages(parse(RecordKind::kInvoices, kInvoiceHeader, "5,USD,I,C1,2026-02-01,2026-01-31,")),
            std::vector<std::string>{"2: column 'due_date': '2026-01-31' is before issue_date 2026-02-01"});
  EXPECT_EQ(messages(parse(RecordKind::kInvoices, kInvoiceHeader, "5,usd,I,C1,2026-01-01,2026-01-31,")),
            std::vector<std::string>{"2: column 'currency': 'usd' is not an ISO 4217 currency code"});
  EXPECT_EQ(messages(parse(RecordKind::kInvoices, kInvoiceHeader, "5,USD,I,C1")),
            std::vector<std::string>{"2: has 4 fields; the header has 7"});
}

TEST(LedgerCsvTest, MissingRequiredColumnsAreNamed) {
  std::string storage;
  auto header = LedgerCsvHeader::read(RecordKind::kInvoices, record_of("id,customer_id,amount", 1, storage));
  ASSERT_FALSE(header);
  EXPECT_EQ(header.status().message(),
            "line 1: missing columns 'issue_date', 'due_date', 'currency' (invoices files need: "
            "id,customer_id,issue_date,due_date,amount,currency)");
}

constexpr std::string_view kCustomerHeader =
    "id,name,kind,email,phone,mobile,country,region,timezone,currency,credit_limit,language";

TEST(LedgerCsvTest, CustomersGetTheirContacts) {
  const Parsed p = parse(RecordKind::kCustomers, kCustomerHeader,
                         "C1,Ελένη Παπαδοπούλου,consumer,a@x.gr; b@y.gr,+30 210 555 1234,+30 69 5555 1234,GR,,"
                         "Europe/Athens,EUR,,el");
  ASSERT_TRUE(p.customer) << testing::PrintToString(messages(p));
  const Customer& c = *p.customer;
  EXPECT_EQ(c.kind, CustomerKind::kConsumer);
  ASSERT_EQ(c.contacts.size(), 4u);
  EXPECT_EQ(c.contacts[0].value, "a@x.gr");
  EXPECT_EQ(c.contacts[1].value, "b@y.gr");
  EXPECT_EQ(c.contacts[2].type, ContactType::kHome);  // a consumer's phone is a home phone
  EXPECT_EQ(c.contacts[3].type, ContactType::kMobile);
  EXPECT_TRUE(c.credit_limit.is_zero());
  EXPECT_EQ(c.credit_limit.currency().code(), "EUR");
}

TEST(LedgerCsvTest, CustomerFieldErrors) {
  const Parsed p =
      parse(RecordKind::kCustomers, kCustomerHeader, "C1,Acme,company,not-an-email,12,,usa,,Mars/Base,EUR,-1,en_US");
  EXPECT_EQ(messages(p), (std::vector<std::string>{
                             "2: column 'kind': 'company' is not business or consumer",
                             "2: column 'email': 'not-an-email' is not an email address",
                             "2: column 'phone': '12' is not a phone number",
                             "2: column 'country': 'usa' is not an ISO 3166 country code (two capital letters, as US)",
                             "2: column 'timezone': 'Mars/Base' is not an IANA time zone (as America/New_York)",
                             "2: column 'credit_limit': '-1' is negative",
                             "2: column 'language': 'en_US' is not a language tag (as en or fr-CA)",
                         }));
}

TEST(LedgerCsvTest, SeveralTimeZonesEachChecked) {
  const Parsed good = parse(RecordKind::kCustomers, kCustomerHeader,
                            "C1,Acme,business,,,,US,,America/New_York America/Los_Angeles,USD,,en");
  EXPECT_TRUE(messages(good).empty());
  const Parsed bad =
      parse(RecordKind::kCustomers, kCustomerHeader, "C1,Acme,business,,,,US,,America/New_York Mars/Base,USD,,en");
  EXPECT_EQ(messages(bad), (std::vector<std::string>{
                               "2: column 'timezone': 'Mars/Base' is not an IANA time zone (as America/New_York)",
                           }));
}

TEST(LedgerCsvTest, WritesFieldsThatReadBack) {
  std::string out;
  append_csv_field(out, "plain");
  out += ',';
  append_csv_field(out, "Smith, \"Bob\"\nJr");
  CsvReader reader(out);
  CsvRecord r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.fields[0], "plain");
  EXPECT_EQ(r.fields[1], "Smith, \"Bob\"\nJr");
}

}  // namespace
}  // namespace squeaky
