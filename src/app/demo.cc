#include "app/demo.h"

#include <filesystem>

#include <fstream>

#include "app/collect.h"
#include "app/database.h"
#include "app/outbox.h"
#include "channels/transport.h"

namespace squeaky {
namespace {

// A small deterministic hash (FNV-1a) of a customer and a day: the demo's dice.
uint64_t dice(std::string_view customer_id, Date day, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (char c : customer_id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h = (h ^ static_cast<uint64_t>(day.days().time_since_epoch().count())) * 1099511628211ULL;
  return h ^ (h >> 29);
}

// The collectors' day: every open call task gets an outcome.
Status work_calls(Store& store, const PlanSet& plans, Date day, uint64_t seed, DemoReport& report) {
  auto tasks = store.actions("", "open");
  if (!tasks) return tasks.status();
  for (const ActionRecord& task : *tasks) {
    const uint64_t roll = dice(task.customer_id, day, seed) % 100;
    CallLog call;
    call.customer_id = task.customer_id;
    call.on = day;
    if (roll < 30) {
      call.outcome = CallOutcome::kPromise;
      call.amount = task.amount;
      call.date = day.plus_days(static_cast<int64_t>(5 + roll % 10));
      call.note = "will pay by bank transfer";
    } else if (roll < 55) {
      call.outcome = CallOutcome::kNoAnswer;
    } else if (roll < 72) {
      call.outcome = CallOutcome::kLeftMessage;
      call.note = "asked to call back";
    } else if (roll < 84) {
      call.outcome = CallOutcome::kRefused;
      call.note = "says the owner deals with it";
    } else if (roll < 90) {
      call.outcome = CallOutcome::kWrongNumber;
    } else if (roll < 95) {
      call.outcome = CallOutcome::kDispute;
      // The oldest overdue invoice named in the task.
      const std::string& invoices = task.invoices;
      const size_t at = invoices.find("\"id\":\"");
      if (at == std::string::npos) continue;
      call.invoice_id = invoices.substr(at + 6, invoices.find('"', at + 6) - at - 6);
      call.note = "says the goods arrived damaged";
      auto disputed = store.open_dispute_on(call.invoice_id);
      if (!disputed) return disputed.status();
      if (*disputed) call.outcome = CallOutcome::kRefused;
    } else {
      call.outcome = CallOutcome::kHardship;
      call.note = "business lost its main client";
    }
    if (Status s = log_call(store, plans, call, "user demo-collector"); !s.is_ok()) return s;
    ++report.outcomes[std::string(to_string(call.outcome))];
  }
  return Status::ok();
}

// Sends what is due at `at` and prints the day's letters at the end of the day.
Status dispatch_day(Store& store, const Settings& settings, const TemplateSet& templates, const PlanSet& plans,
                    MailTransport& mail, Date day, DemoReport& report) {
  for (int hour : {9, 17}) {
    const Timestamp at(std::chrono::sys_seconds(day.days()) + std::chrono::hours{hour});
    auto sent = send_outbox(store, {settings, templates, plans, at, "user demo-clerk"}, mail, 0);
    if (!sent) return sent.status();
    report.emails_sent += sent->sent;
    report.emails_blocked += sent->blocked;
  }
  const Timestamp evening(std::chrono::sys_seconds(day.days()) + std::chrono::hours{17});
  auto printed = print_letters(store, {settings, templates, plans, evening, "user demo-clerk"}, day);
  if (!printed) return printed.status();
  report.letters_printed += printed->letters;
  report.letters_blocked += printed->blocked;
  return Status::ok();
}

}  // namespace

std::string_view demo_settings_toml() {
  return R"toml(# The demo business's settings (docs/settings.md).
[business]
name = "Harbour Tools Ltd"
address = ["12 Quay Street", "Portsmouth PO1 3AA", "United Kingdom"]
phone = "+44 23 9200 0000"
email = "accounts@harbourtools.example"
website = "harbourtools.example"
payment_instructions = "Bank transfer to Harbour Tools Ltd, sort code 12-34-56, account 12345678, quoting your account number."
signatory = "Dana Whitfield"
signatory_title = "Credit Controller"
paper = "a4"

[email]
transport = "file"
directory = "mail"
)toml";
}

Result<DemoReport> build_demo(const DemoOptions& options, const PlanSet& plans, const Clock& clock) {
  DemoReport report;
  GenerateOptions g;
  g.customers = options.customers;
  g.invoices = options.invoices;
  g.seed = options.seed;
  g.as_of = options.as_of;
  auto counts = generate_ledger_csv(g, options.dir);
  if (!counts) return counts.status();
  report.generated = *counts;
  report.db = (std::filesystem::path(options.dir) / "squeaky.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(report.db + suffix);
  auto store = open_database(report.db, clock, OpenMode::kCreateIfMissing);
  if (!store) return store.status();
  const auto settings_file = std::filesystem::path(options.dir) / "squeaky.toml";
  {
    std::ofstream out(settings_file, std::ios::trunc);
    out << demo_settings_toml();
    if (!out) return Status::io_error("cannot write " + settings_file.string());
  }
  for (const char* folder : {"mail", "letters"})
    std::filesystem::remove_all(std::filesystem::path(options.dir) / folder);
  auto settings = load_settings(settings_file.string(), true);
  if (!settings) return settings.status();
  auto templates = load_templates(std::nullopt);
  if (!templates) return templates.status();
  auto mail = make_transport(*settings);
  if (!mail) return mail.status();
  for (RecordKind kind : {RecordKind::kCustomers, RecordKind::kInvoices, RecordKind::kPayments, RecordKind::kCredits}) {
    const std::string file = (std::filesystem::path(options.dir) / (std::string(to_string(kind)) + ".csv")).string();
    auto imported = import_csv(**store, kind, file, {});
    if (!imported) return imported.status();
    if (!imported->errors.empty())
      return Status::invalid("the generated " + file + " was rejected: " + imported->errors[0]);
    report.imports.push_back(std::move(*imported));
  }
  for (Date day = options.as_of.plus_days(1 - options.history_days); day <= options.as_of; day = day.plus_days(1)) {
    // The collectors have not yet worked the last two days' calls: they are today's worklist.
    if (day < options.as_of.plus_days(-1)) {
      if (Status s = work_calls(**store, plans, day, options.seed, report); !s.is_ok()) return s;
    }
    auto run = run_day(**store, plans, day, settings->compliance);
    if (!run) return run.status();
    ++report.days_run;
    for (const CustomerDay& c : run->customers) {
      if (c.plan.action) ++report.steps[c.plan.action->step];
    }
    if (Status s = dispatch_day(**store, *settings, *templates, plans, **mail, day, report); !s.is_ok()) return s;
  }
  return report;
}

}  // namespace squeaky
