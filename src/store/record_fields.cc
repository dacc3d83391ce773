#include "store/record_fields.h"

#include <cassert>

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

}  // namespace squeaky
