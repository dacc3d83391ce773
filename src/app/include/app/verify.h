// Verification: is the evidence intact, and does the ledger say what the evidence says?
//
// check_journal() walks the whole journal, recomputing every hash, and names the first entry that
// was altered, removed or reordered. When the chain is intact it also replays the journal's
// customer, invoice, payment and credit entries and compares the result with the ledger's tables,
// so a record edited in the database behind squeaky's back (an amount lowered, a due date moved,
// an invoice deleted or slipped in) is found and named, even though the chain itself is intact.
// Likewise every stored copy of a letter or email is hashed again and compared with the SHA-256
// the journal recorded when it went out, which proves the copy is the one that was sent.
// Not thread-safe with respect to `store`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace squeaky {

struct JournalCheck {
  int64_t entries = 0;    // entries read
  JournalHead head;       // the last entry that checked out
  std::string problem;    // empty when the whole chain is intact
  int64_t bad_entry = 0;  // the first entry that does not fit, when problem is set
  // When the chain is intact: records of the ledger that differ from what the journal says, one
  // sentence each, at most kMaxLedgerProblems of them; ledger_problem_count counts them all.
  std::vector<std::string> ledger_problems;
  int64_t ledger_problem_count = 0;
  int64_t records_checked = 0;   // customers, invoices, payments and credits compared
  int64_t messages_checked = 0;  // stored letters and emails whose SHA-256 was checked against the journal

  bool intact() const { return problem.empty() && ledger_problem_count == 0; }
};

inline constexpr size_t kMaxLedgerProblems = 20;

Result<JournalCheck> check_journal(Store& store);

}  // namespace squeaky
