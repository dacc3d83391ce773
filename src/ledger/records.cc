#include "ledger/records.h"

#include <array>
#include <utility>

namespace squeaky {
namespace {

template <typename E, size_t N>
std::optional<E> lookup(const std::array<std::pair<std::string_view, E>, N>& names, std::string_view text) {
  for (const auto& [name, value] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, E>, N>& names, E value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "?";
}

constexpr std::array<std::pair<std::string_view, CustomerKind>, 2> kKinds{
    {{"business", CustomerKind::kBusiness}, {"consumer", CustomerKind::kConsumer}}};
constexpr std::array<std::pair<std::string_view, ContactChannel>, 2> kChannels{
    {{"email", ContactChannel::kEmail}, {"phone", ContactChannel::kPhone}}};
constexpr std::array<std::pair<std::string_view, ContactType>, 3> kTypes{
    {{"work", ContactType::kWork}, {"mobile", ContactType::kMobile}, {"home", ContactType::kHome}}};
constexpr std::array<std::pair<std::string_view, CreditKind>, 2> kCreditKinds{
    {{"credit", CreditKind::kCreditNote}, {"deduction", CreditKind::kDeduction}}};

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
std::optional<CustomerKind> parse_customer_kind(std::string_view text) { return lookup(kKinds, text); }
std::optional<ContactChannel> parse_contact_channel(std::string_view text) { return lookup(kChannels, text); }
std::optional<ContactType> parse_contact_type(std::string_view text) { return lookup(kTypes, text); }
std::optional<CreditKind> parse_credit_kind(std::string_view text) { return lookup(kCreditKinds, text); }

}  // namespace squeaky
