// The receivables ledger's records: customers with their contacts, invoices, payments and credits.
//
// These are plain values with no behaviour beyond their own invariants; the rules that combine
// them (allocation, aging) live in allocation.h and aging.h. An empty optional string field (a
// reference, an invoice a payment names) means "not given". Values; thread-safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"

namespace squeaky {

enum class CustomerKind { kBusiness, kConsumer };
enum class ContactChannel { kEmail, kPhone };
enum class ContactType { kWork, kMobile, kHome };

std::string_view to_string(CustomerKind kind);       // "business", "consumer"
std::string_view to_string(ContactChannel channel);  // "email", "phone"
std::string_view to_string(ContactType type);        // "work", "mobile", "home"
std::optional<CustomerKind> parse_customer_kind(std::string_view text);
std::optional<ContactChannel> parse_contact_channel(std::string_view text);
std::optional<ContactType> parse_contact_type(std::string_view text);

// One way to reach a person: an email address or a phone number. `consent` records that the
// person agreed to be contacted this way (needed for texts and some consumer email); `opted_out`
// that they asked not to be, which the compliance rules honour above everything else.
struct Contact {
  ContactChannel channel = ContactChannel::kEmail;
  ContactType type = ContactType::kWork;
  std::string value;
  bool consent = false;
  bool opted_out = false;

  bool operator==(const Contact&) const = default;
};

struct PostalAddress {
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;

  bool operator==(const PostalAddress&) const = default;
};

struct Customer {
  std::string id;
  std::string name;
  CustomerKind kind = CustomerKind::kBusiness;
  std::string contact_name;
  std::vector<Contact> contacts;
  PostalAddress address;
  std::string country;   // ISO 3166-1 alpha-2, "US"
  std::string region;    // state or province, "CA"; may be empty
  std::string timezone;  // IANA name, "America/Los_Angeles"
  Currency currency;     // every invoice, payment and credit of the customer is in it
  Money credit_limit;    // in `currency`; zero means none set
  std::string language;  // BCP 47, "en"; empty means the business's default
  std::string plan;      // an explicit collection plan; empty means chosen by rules
  std::string segment;   // a risk segment the business assigns ("reliable", "slow"); may be empty

  bool operator==(const Customer&) const = default;
};

// What an invoice is for: the goods or services sold (the principal), or a contractual fee the
// collection plan charged. Fees are owed like any invoice but kept apart from the principal in
// every balance: aging buckets, the planner's triggers and amounts, the statement's totals.
enum class InvoiceKind { kInvoice, kFee };
std::string_view to_string(InvoiceKind kind);  // "invoice", "fee"
std::optional<InvoiceKind> parse_invoice_kind(std::string_view text);

struct Invoice {
  std::string id;  // the invoice number the customer sees
  std::string customer_id;
  Date issue_date;
  Date due_date;  // REQUIRES: due_date >= issue_date
  Money amount;   // REQUIRES: positive
  std::string reference;
  std::string description;
  InvoiceKind kind = InvoiceKind::kInvoice;

  bool operator==(const Invoice&) const = default;
};

struct Payment {
  std::string id;
  std::string customer_id;
  Date date;
  Money amount;  // REQUIRES: positive
  std::string method;
  std::string reference;
  std::string invoice_id;  // the debtor's instruction; empty when the payment names none

  bool operator==(const Payment&) const = default;
};

// A credit reduces what the customer owes without money arriving: a credit note the business
// issued, or a deduction the customer took from a payment (a short payment), each with a reason
// code.
enum class CreditKind { kCreditNote, kDeduction };
std::string_view to_string(CreditKind kind);  // "credit", "deduction"
std::optional<CreditKind> parse_credit_kind(std::string_view text);

struct Credit {
  std::string id;
  std::string customer_id;
  Date date;
  Money amount;  // REQUIRES: positive
  CreditKind kind = CreditKind::kCreditNote;
  std::string reason;
  std::string invoice_id;  // the invoice it is against; empty when none

  bool operator==(const Credit&) const = default;
};

// The debtor contests an invoice: from `opened_on` until `resolved_on` (if ever) the invoice
// leaves collection triggers and amounts, and money that does not name it goes elsewhere first.
struct Dispute {
  int64_t id = 0;
  std::string invoice_id;
  std::string customer_id;
  Date opened_on;
  std::optional<Date> resolved_on;
  std::string reason;
  std::string resolution;

  bool open_on(Date day) const { return opened_on <= day && (!resolved_on || day < *resolved_on); }
  bool operator==(const Dispute&) const = default;
};

// Everything the ledger holds for one customer.
struct CustomerLedger {
  Customer customer;
  std::vector<Invoice> invoices;
  std::vector<Payment> payments;
  std::vector<Credit> credits;
  std::vector<Dispute> disputes;

  // Whether `invoice_id` is under dispute on `day`.
  bool disputed_on(std::string_view invoice_id, Date day) const;
};

}  // namespace squeaky
