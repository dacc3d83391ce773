// The one translation unit of app that reads JSON (the journal's payloads).
#include "app/verify.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "store/journal.h"
#include "store/record_fields.h"

namespace squeaky {
namespace {

// The journal's last word on every customer, invoice, payment and credit. Each record's fields are
// packed into one string (for each field: its number, the value's length, the value), so that
// ten million records take a few GB rather than the tens a map of strings per record would.
class Replay {
 public:
  // The record kinds replayed, in the order their leftovers are listed.
  static constexpr std::array<std::string_view, 4> kKinds = {"credit", "customer", "invoice", "payment"};
  static std::optional<size_t> kind_of(std::string_view record) {
    const auto it = std::find(kKinds.begin(), kKinds.end(), record);
    return it == kKinds.end() ? std::nullopt : std::optional<size_t>(it - kKinds.begin());
  }

  // The record's packed fields, or null when no entry created it.
  std::string* find(size_t kind, const std::string& id) {
    const auto it = records_[kind].find(id);
    return it == records_[kind].end() ? nullptr : &it->second;
  }
  // The record's packed fields, emptied.
  std::string& create(size_t kind, const std::string& id) {
    std::string& fields = records_[kind][id];
    fields.clear();
    return fields;
  }
  void erase(size_t kind, const std::string& id) { records_[kind].erase(id); }

  // The field's value ("" when the record has none).
  std::string_view get(std::string_view fields, std::string_view field) const {
    const auto number = numbers_.find(field);
    if (number == numbers_.end()) return {};
    for (size_t at = 0; at < fields.size();) {
      const uint32_t n = varint(fields, at);
      const size_t size = varint(fields, at);
      if (n == number->second) return fields.substr(at, size);
      at += size;
    }
    return {};
  }
  void set(std::string& fields, std::string_view field, std::string_view value) {
    const uint32_t number = number_of(field);
    std::string out;
    out.reserve(fields.size() + value.size() + 4);
    for (size_t at = 0; at < fields.size();) {  // every other field as it was
      const size_t from = at;
      const uint32_t n = varint(fields, at);
      const size_t size = varint(fields, at);
      at += size;
      if (n != number) out.append(fields, from, at - from);
    }
    put_varint(out, number);
    put_varint(out, value.size());
    out += value;
    fields = std::move(out);
  }

  // Every record left, as "<kind> <id>", by kind and id.
  std::vector<std::string> left() const {
    std::vector<std::string> out;
    for (size_t k = 0; k < kKinds.size(); ++k) {
      std::vector<std::string_view> ids;
      for (const auto& [id, fields] : records_[k]) ids.push_back(id);
      std::sort(ids.begin(), ids.end());
      for (const std::string_view id : ids) out.push_back(std::string(kKinds[k]) + " " + std::string(id));
    }
    return out;
  }

 private:
  uint32_t number_of(std::string_view field) {
    const auto it = numbers_.find(field);
    if (it != numbers_.end()) return it->second;
    const auto n = static_cast<uint32_t>(numbers_.size());
    numbers_.emplace(std::string(field), n);
    return n;
  }
  static void put_varint(std::string& out, uint64_t v) {
    for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7f) | 0x80);
    out += static_cast<char>(v);
  }
  static uint32_t varint(std::string_view in, size_t& at) {
    uint64_t v = 0;
    for (int shift = 0; at < in.size(); shift += 7) {
      const auto byte = static_cast<unsigned char>(in[at++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    return static_cast<uint32_t>(v);
  }

  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> numbers_;  // field names, numbered
  std::array<std::unordered_map<std::string, std::string>, kKinds.size()> records_;
};

void note(JournalCheck& check, std::string problem) {
  ++check.ledger_problem_count;
  if (check.ledger_problems.size() < kMaxLedgerProblems) check.ledger_problems.push_back(std::move(problem));
}

// Applies one ledger entry ("invoice.created", "invoice.updated", ...) to the replay.
void replay_entry(const JournalEntry& e, Replay& replay, JournalCheck& check) {
  const size_t dot = e.kind.find('.');
  if (dot == std::string::npos) return;
  const std::string record = e.kind.substr(0, dot);
  const std::string change = e.kind.substr(dot + 1);
  const std::optional<size_t> kind = Replay::kind_of(record);
  if (!kind) return;
  const auto payload = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || !payload.contains("id") || !payload["id"].is_string()) {
    note(check, "entry " + std::to_string(e.seq) + " (" + e.kind + ") has a payload squeaky cannot read");
    return;
  }
  const std::string id = payload["id"].get<std::string>();
  if (change == "created") {
    std::string& fields = replay.create(*kind, id);
    for (const auto& [key, value] : payload.items()) {
      if (value.is_string()) replay.set(fields, key, value.get<std::string>());
    }
  } else if (change == "updated" && payload.contains("changes") && payload["changes"].is_object()) {
    std::string* fields = replay.find(*kind, id);
    if (fields == nullptr) {
      note(check, "entry " + std::to_string(e.seq) + " updates " + record + " " + id + ", which no entry created");
      return;
    }
    for (const auto& [key, value] : payload["changes"].items()) {
      if (!value.is_array() || value.size() != 2 || !value[0].is_string() || !value[1].is_string()) continue;
      const std::string& old_value = value[0].get_ref<const std::string&>();
      if (const std::string_view had = replay.get(*fields, key); had != old_value) {
        note(check, "entry " + std::to_string(e.seq) + " changes " + record + " " + id + " " + key + " from '" +
                        old_value + "', but the journal had it as '" + std::string(had) + "'");
      }
      replay.set(*fields, key, value[1].get_ref<const std::string&>());
    }
  }
}

// Compares one record of the ledger with the replay, and crosses it off.
template <typename R>
void compare(const char* record, const R& r, const std::string& id, Replay& replay, JournalCheck& check) {
  ++check.records_checked;
  const size_t kind = *Replay::kind_of(record);
  const std::string* fields = replay.find(kind, id);
  if (fields == nullptr) {
    note(check, std::string(record) + " " + id + " is in the ledger but no journal entry created it");
    return;
  }
  for (const auto& [key, value] : record_fields(r)) {
    const std::string_view journaled = replay.get(*fields, key);
    if (journaled != value) {
      note(check, std::string(record) + " " + id + ": " + std::string(key) + " is '" + value + "' in the ledger but '" +
                      std::string(journaled) + "' in the journal");
    }
  }
  replay.erase(kind, id);
}

}  // namespace

Result<JournalCheck> check_journal(Store& store) {
  JournalCheck check;
  auto recorded_head = store.journal_head();
  if (!recorded_head) return recorded_head.status();
  Replay replay;
  // Outbox item -> the SHA-256 of its content as last journaled, and the entry that said so.
  std::map<int64_t, std::pair<std::string, int64_t>> sent_copies;
  Status s = store.for_each_journal_entry([&](const JournalEntry& e) -> Status {
    const int64_t expected = check.head.seq + 1;
    if (e.seq != expected) {
      check.bad_entry = expected;
      check.problem = "entry " + std::to_string(expected) + " is missing: the journal goes from entry " +
                      std::to_string(check.head.seq) + " to entry " + std::to_string(e.seq);
    } else if (e.prev_hash != check.head.hash) {
      check.bad_entry = e.seq;
      check.problem = "entry " + std::to_string(e.seq) + " does not follow entry " + std::to_string(check.head.seq) +
                      ": its previous-entry hash does not match, so entries before it were removed, reordered or "
                      "altered";
    } else if (journal_entry_hash(e) != e.hash) {
      check.bad_entry = e.seq;
      check.problem = "entry " + std::to_string(e.seq) + " (" + e.kind + " by " + e.actor +
                      ") was altered: its contents no longer match its hash";
    } else {
      ++check.entries;
      check.head = {e.seq, e.hash};
      replay_entry(e, replay, check);
      if (e.kind.starts_with("outbox.")) {
        const auto payload = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
        if (payload.is_object() && payload.contains("sha256") && payload["sha256"].is_string() &&
            payload.contains("action") && payload["action"].is_number_integer()) {
          sent_copies[payload["action"].get<int64_t>()] = {payload["sha256"].get<std::string>(), e.seq};
        }
      }
      return Status::ok();
    }
    return Status::corruption(check.problem);  // stop at the first problem
  });
  if (!s.is_ok() && s.code() != ErrorCode::kCorruption) return s;
  if (check.problem.empty() && (check.head.seq != recorded_head->seq || check.head.hash != recorded_head->hash)) {
    check.bad_entry = check.head.seq + 1;
    check.problem = check.head.seq < recorded_head->seq
                        ? "the journal ends at entry " + std::to_string(check.head.seq) + " but entry " +
                              std::to_string(recorded_head->seq) +
                              " was the last written: entries were removed from the end"
                        : "the journal's last entry " + std::to_string(check.head.seq) +
                              " does not match the last entry recorded at commit (" +
                              std::to_string(recorded_head->seq) + "): the journal or its head was altered";
  }
  if (!check.problem.empty()) {  // a broken chain is the finding; the replay would only echo it
    check.ledger_problems.clear();
    check.ledger_problem_count = 0;
    return check;
  }
  // The records as their own tables hold them; the packed copy the daily run reads is checked
  // against them.
  Status compared = store.check_customer_ledgers(
      [&](const CustomerLedger& ledger) {
        compare("customer", ledger.customer, ledger.customer.id, replay, check);
        for (const Invoice& i : ledger.invoices) compare("invoice", i, i.id, replay, check);
        for (const Payment& p : ledger.payments) compare("payment", p, p.id, replay, check);
        for (const Credit& c : ledger.credits) compare("credit", c, c.id, replay, check);
        return Status::ok();
      },
      [&](const std::string& customer_id) {
        note(check, "customer " + customer_id +
                        ": the packed copy of its records, which runs and reports read, does not match the records "
                        "('squeaky repack' writes it again from them)");
      });
  if (!compared.is_ok()) return compared;
  for (const std::string& record : replay.left())
    note(check, record + " is in the journal but missing from the ledger");
  auto stored = store.outbox("", "", /*with_content=*/true);
  if (!stored) return stored.status();
  for (const OutboxItem& item : *stored) {
    const auto journaled = sent_copies.find(item.action_id);
    if (item.content.empty()) {
      if (journaled != sent_copies.end()) {
        note(check, "outbox item " + std::to_string(item.action_id) + ": the stored copy is missing, but entry " +
                        std::to_string(journaled->second.second) + " recorded one");
      }
      continue;
    }
    ++check.messages_checked;
    const std::string actual = sha256_hex(item.content);
    if (journaled == sent_copies.end()) {
      note(check, "outbox item " + std::to_string(item.action_id) + " has a stored copy no journal entry records");
    } else if (journaled->second.first != actual) {
      note(check, "outbox item " + std::to_string(item.action_id) + ": the stored copy's SHA-256 is " + actual +
                      " but entry " + std::to_string(journaled->second.second) + " recorded " +
                      journaled->second.first + ": the copy is not the one that went out");
    }
  }
  return check;
}

}  // namespace squeaky
