// How the command line shows squeaky's reports: text for people, CSV for programs, and the JSON
// of json/render.h (shared with the server).
// Pure string building; thread-safe.
#pragma once

#include <string>

#include "app/collect.h"
#include "app/demo.h"
#include "app/import.h"
#include "app/outbox.h"
#include "app/reports.h"
#include "app/verify.h"
#include "json/render.h"

namespace squeaky::cli {

std::string aging_text(const AgingSummary& summary, bool by_customer);
std::string aging_csv(const AgingSummary& summary, bool by_customer);

std::string statement_text(const StatementOfAccount& statement);

std::string import_text(const ImportReport& report, bool dry_run);

std::string journal_check_text(const JournalCheck& check);

std::string run_text(const RunReport& report);
std::string forecast_text(const std::vector<RunReport>& days);
std::string worklist_text(Date as_of, const std::vector<WorkItem>& items);

std::string outbox_text(const std::vector<OutboxItem>& items);
std::string send_text(const SendReport& report);
std::string letters_text(const LetterBatch& batch);

// What the demo's runs did: steps taken and calls logged.
std::string demo_history_text(const DemoReport& demo);

std::string largest_overdue_text(const AgingSummary& summary, size_t count);

}  // namespace squeaky::cli
