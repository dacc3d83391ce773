// The one translation unit of app that reads JSON (the journal's payloads).
#include "app/verify.h"

#include <map>
#include <nlohmann/json.hpp>

#include "store/journal.h"
#include "store/record_fields.h"

namespace squeaky {
namespace {

using Fields = std::map<std::string, std::string, std::less<>>;
// Record kind ("invoice") -> id -> field -> value, as the journal says.
using Replay = std::map<std::string, std::map<std::string, Fields>, std::less<>>;

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
  if (record != "customer" && record != "invoice" && record != "payment" && record != "credit") return;
  const auto payload = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || !payload.contains("id") || !payload["id"].is_string()) {
    note(check, "entry " + std::to_string(e.seq) + " (" + e.kind + ") has a payload squeaky cannot read");
    return;
  }
  const std::string id = payload["id"].get<std::string>();
  auto& records = replay[record];
  if (change == "created") {
    Fields& fields = records[id];
    fields.clear();
    for (const auto& [key, value] : payload.items()) {
      if (value.is_string()) fields[key] = value.get<std::string>();
    }
  } else if (change == "updated" && payload.contains("changes") && payload["changes"].is_object()) {
    auto it = records.find(id);
    if (it == records.end()) {
      note(check, "entry " + std::to_string(e.seq) + " updates " + record + " " + id + ", which no entry created");
      return;
    }
    for (const auto& [key, value] : payload["changes"].items()) {
      if (!value.is_array() || value.size() != 2 || !value[0].is_string() || !value[1].is_string()) continue;
      if (it->second[key] != value[0].get<std::string>()) {
        note(check, "entry " + std::to_string(e.seq) + " changes " + record + " " + id + " " + key + " from '" +
                        value[0].get<std::string>() + "', but the journal had it as '" + it->second[key] + "'");
      }
      it->second[key] = value[1].get<std::string>();
    }
  }
}

// Compares one record of the ledger with the replay, and crosses it off.
template <typename R>
void compare(const char* record, const R& r, const std::string& id, Replay& replay, JournalCheck& check) {
  ++check.records_checked;
  auto& records = replay[record];
  auto it = records.find(id);
  if (it == records.end()) {
    note(check, std::string(record) + " " + id + " is in the ledger but no journal entry created it");
    return;
  }
  for (const auto& [key, value] : record_fields(r)) {
    const std::string& journaled = it->second[std::string(key)];
    if (journaled != value) {
      note(check, std::string(record) + " " + id + ": " + std::string(key) + " is '" + value + "' in the ledger but '" +
                      journaled + "' in the journal");
    }
  }
  records.erase(it);
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
                        ": the packed copy of its records, which runs and reports read, does not match the records");
      });
  if (!compared.is_ok()) return compared;
  for (const auto& [record, records] : replay) {
    for (const auto& [id, fields] : records) {
      note(check, record + " " + id + " is in the journal but missing from the ledger");
    }
  }
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
