// The JSON shapes of squeaky's results, shared by the command line (--json) and the HTTP API, so
// that both print the same bytes for the same data. These shapes are contracts other tools rely on
// (docs/cli.md, docs/api.md); change them only additively. Amounts are exact decimal strings in
// the currency's minor digits, dates YYYY-MM-DD. Pure string building; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "app/collect.h"
#include "app/import.h"
#include "app/outbox.h"
#include "app/reports.h"
#include "app/verify.h"
#include "policy/plan.h"
#include "store/users.h"

namespace squeaky {

std::string aging_json(const AgingSummary& summary, bool by_customer);
std::string statement_json(const StatementOfAccount& statement);
std::string import_json(const ImportReport& report);
std::string journal_check_json(const JournalCheck& check);
std::string run_json(const RunReport& report);
std::string forecast_json(const std::vector<RunReport>& days);
std::string worklist_json(Date as_of, const std::vector<WorkItem>& items);
std::string outbox_json(const std::vector<OutboxItem>& items);
std::string send_json(const SendReport& report);
std::string letters_json(const LetterBatch& batch);
// The owner's dashboard (docs/measures.md): per currency the aging with "overdue", the sales and
// collections and the DSO ("46.0", or null without sales); the day's actions, open calls and the
// outbox items waiting.
std::string dashboard_json(const Dashboard& dashboard);
// The plans in force, each step with its channels and when it fires, in words.
std::string plans_json(const PlanSet& plans);
// Users without their password hashes: [{"name","role","disabled","created"}].
std::string users_json(const std::vector<User>& users);
// API tokens without their hashes: [{"name","role","user","created","revoked"}].
std::string api_tokens_json(const std::vector<ApiToken>& tokens);

}  // namespace squeaky
