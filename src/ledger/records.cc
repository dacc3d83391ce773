#include "ledger/records.h"

#include "core/names.h"

namespace squeaky {
namespace {

constexpr NameTable<CustomerKind, 2> kKinds{
    {{"business", CustomerKind::kBusiness}, {"consumer", CustomerKind::kConsumer}}};
constexpr NameTable<ContactChannel, 2> kChannels{
    {{"email", ContactChannel::kEmail}, {"phone", ContactChannel::kPhone}}};
constexpr NameTable<ContactType, 3> kTypes{
    {{"work", ContactType::kWork}, {"mobile", ContactType::kMobile}, {"home", ContactType::kHome}}};
constexpr NameTable<CreditKind, 2> kCreditKinds{
    {{"credit", CreditKind::kCreditNote}, {"deduction", CreditKind::kDeduction}}};
constexpr NameTable<InvoiceKind, 2> kInvoiceKinds{{{"invoice", InvoiceKind::kInvoice}, {"fee", InvoiceKind::kFee}}};

}  // namespace

bool CustomerLedger::disputed_on(std::string_view invoice_id, Date day) const {
  for (const Dispute& d : disputes) {
    if (d.invoice_id == invoice_id && d.open_on(day)) return true;
  }
  return false;
}

std::string_view to_string(CustomerKind kind) { return name_of(kKinds, kind); }
std::string_view to_string(ContactChannel channel) { return name_of(kChannels, channel); }
std::string_view to_string(ContactType type) { return name_of(kTypes, type); }
std::string_view to_string(CreditKind kind) { return name_of(kCreditKinds, kind); }
std::optional<CustomerKind> parse_customer_kind(std::string_view text) { return value_named(kKinds, text); }
std::optional<ContactChannel> parse_contact_channel(std::string_view text) { return value_named(kChannels, text); }
std::optional<ContactType> parse_contact_type(std::string_view text) { return value_named(kTypes, text); }
std::optional<CreditKind> parse_credit_kind(std::string_view text) { return value_named(kCreditKinds, text); }
std::string_view to_string(InvoiceKind kind) { return name_of(kInvoiceKinds, kind); }
std::optional<InvoiceKind> parse_invoice_kind(std::string_view text) { return value_named(kInvoiceKinds, text); }

}  // namespace squeaky
