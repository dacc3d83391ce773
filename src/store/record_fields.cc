#include "store/record_fields.h"

#include <cassert>
#include <charconv>

namespace squeaky {
namespace {

std::string joined_contacts(const Customer& c, ContactChannel channel, bool mobile) {
  std::string out;
  for (const Contact& contact : c.contacts) {
    if (contact.channel != channel || (contact.type == ContactType::kMobile) != mobile) continue;
    if (!out.empty()) out += ';';
    out += contact.value;
  }
  return out;
}

}  // namespace

std::vector<RecordField> record_fields(const Customer& c) {
  return {
      {"address_line1", c.address.line1},
      {"address_line2", c.address.line2},
      {"city", c.address.city},
      {"contact_name", c.contact_name},
      {"country", c.country},
      {"credit_limit", c.credit_limit.to_string()},
      {"currency", c.currency.code()},
      {"email", joined_contacts(c, ContactChannel::kEmail, false)},
      {"id", c.id},
      {"kind", std::string(to_string(c.kind))},
      {"language", c.language},
      {"mobile", joined_contacts(c, ContactChannel::kPhone, true)},
      {"name", c.name},
      {"phone", joined_contacts(c, ContactChannel::kPhone, false)},
      {"plan", c.plan},
      {"postal_code", c.address.postal_code},
      {"region", c.region},
      {"segment", c.segment},
      {"timezone", c.timezone},
  };
}

std::vector<RecordField> record_fields(const Invoice& i) {
  std::vector<RecordField> fields = {
      {"amount", i.amount.to_string()},         {"currency", i.amount.currency().code()},
      {"customer_id", i.customer_id},           {"description", i.description},
      {"due_date", i.due_date.to_string()},     {"id", i.id},
      {"issue_date", i.issue_date.to_string()}, {"reference", i.reference},
  };
  // Only a fee says what it is, so that the entries of ordinary invoices read as they always did.
  if (i.kind != InvoiceKind::kInvoice) fields.push_back({"kind", std::string(to_string(i.kind))});
  return fields;
}

std::vector<RecordField> record_fields(const Payment& p) {
  return {
      {"amount", p.amount.to_string()},
      {"currency", p.amount.currency().code()},
      {"customer_id", p.customer_id},
      {"date", p.date.to_string()},
      {"id", p.id},
      {"invoice_id", p.invoice_id},
      {"method", p.method},
      {"reference", p.reference},
  };
}

std::vector<RecordField> record_fields(const Credit& c) {
  return {
      {"amount", c.amount.to_string()},
      {"currency", c.amount.currency().code()},
      {"customer_id", c.customer_id},
      {"date", c.date.to_string()},
      {"id", c.id},
      {"invoice_id", c.invoice_id},
      {"kind", std::string(to_string(c.kind))},
      {"reason", c.reason},
  };
}

std::string created_payload(const std::vector<RecordField>& fields) {
  CanonicalJson json;
  for (const auto& [name, value] : fields) json.add(name, value);
  return json.str();
}

std::string updated_payload(const std::vector<RecordField>& before, const std::vector<RecordField>& after) {
  assert(before.size() == after.size());
  CanonicalJson changes;
  bool any = false;
  std::string id;
  for (size_t i = 0; i < after.size(); ++i) {
    assert(before[i].first == after[i].first);
    if (after[i].first == "id") id = after[i].second;
    if (before[i].second == after[i].second) continue;
    std::string pair = "[";
    append_json_string(pair, before[i].second);
    pair += ',';
    append_json_string(pair, after[i].second);
    pair += ']';
    changes.add_raw(after[i].first, pair);
    any = true;
  }
  if (!any) return {};
  return CanonicalJson().add_raw("changes", changes.str()).add("id", id).str();
}

std::optional<std::string> moved_from_customer(std::string_view payload) {
  // Canonical JSON escapes every quote inside a string, so this key with its bracket cannot occur
  // inside a value.
  constexpr std::string_view kKey = R"("customer_id":[")";
  if (!payload.starts_with(R"({"changes":{)")) return std::nullopt;
  const size_t at = payload.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string id;
  for (size_t i = at + kKey.size(); i < payload.size(); ++i) {
    const char c = payload[i];
    if (c == '"') return id;
    if (c != '\\') {
      id += c;
      continue;
    }
    if (++i == payload.size()) break;
    switch (payload[i]) {
      case 'n': id += '\n'; break;
      case 'r': id += '\r'; break;
      case 't': id += '\t'; break;
      case 'u': {  // \u00XX: the control characters append_json_string writes
        unsigned code = 0;
        if (i + 4 >= payload.size() ||
            std::from_chars(payload.data() + i + 1, payload.data() + i + 5, code, 16).ptr != payload.data() + i + 5) {
          return std::nullopt;
        }
        id += static_cast<char>(code);
        i += 4;
        break;
      }
      default: id += payload[i];  // a quote or a backslash
    }
  }
  return std::nullopt;
}

}  // namespace squeaky
