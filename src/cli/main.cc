// squeaky's command line: a thin face over app. It parses flags, opens the store, calls one use
// case and renders the result. Exit codes (docs/cli.md): 0 done; 1 the input or the journal has
// problems (listed); 2 the command line is wrong; 3 a named thing does not exist; 4 the database
// or a file could not be used.
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/collect.h"
#include "app/database.h"
#include "app/demo.h"
#include "app/generate.h"
#include "app/import.h"
#include "app/reports.h"
#include "app/users.h"
#include "app/verify.h"
#include "collect_commands.h"
#include "common.h"
#include "outbox_commands.h"
#include "render.h"
#include "server/server.h"
#include "user_commands.h"

namespace squeaky::cli {
namespace {

struct Options {
  std::string db;
  std::string config;
  std::string as_of;
  bool json = false;
  bool csv = false;
  bool by_customer = false;
  bool dry_run = false;
  std::string kind;
  std::string file;
  std::string customer_id;
  std::string dir;
  GenerateOptions generate;
  std::string listen = "127.0.0.1:8080";
  std::string plans;
  bool secure_cookies = false;
  bool no_schedule = false;
  std::string owner;  // init --owner
};

int cmd_init(const Options& o, const Clock& clock) {
  std::string password;
  if (!o.owner.empty()) {  // the first owner of the web app, with a password read like user add's
    auto read = read_password();
    if (!read) return usage_error(read.status());
    password = std::move(*read);
    if (Status s = check_password(password); !s.is_ok()) return usage_error(s);
  }
  auto store = open_store(o.db, clock, OpenMode::kCreateIfMissing);
  if (!store) return fail(store.status());
  std::cout << "database ready: " << database_display_name(o.db) << " (schema version " << database_schema_version()
            << ")\n";
  if (o.owner.empty()) return 0;
  if (Status s = add_user(**store, o.owner, Role::kOwner, password, clock.now(), PasswordCost::kInteractive, "cli");
      !s.is_ok()) {
    return fail(s);
  }
  std::cout << "added owner " << o.owner << "\n";
  return 0;
}

void print_progress(const std::string& file, size_t done, size_t total, size_t rows) {
  std::fprintf(stderr, "\r%s: %3zu%% (%zu rows)", file.c_str(), total ? done * 100 / total : 100, rows);
  if (done == total) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

int cmd_import(const Options& o, const Clock& clock) {
  const auto kind = parse_record_kind(o.kind);
  if (!kind) {
    std::cerr << "squeaky: import: '" << o.kind << "' is not one of customers, invoices, payments, credits\n";
    return kExitUsage;
  }
  // A file that cannot be read must not leave a new, empty database behind.
  if (::access(o.file.c_str(), R_OK) != 0) {
    return fail(Status::io_error("cannot read " + o.file + ": " + std::strerror(errno)));
  }
  auto store = open_store(o.db, clock, OpenMode::kCreateIfMissing);
  if (!store) return fail(store.status());
  ImportOptions options;
  options.dry_run = o.dry_run;
  std::error_code ec;
  if (!o.json && ::isatty(STDERR_FILENO) && std::filesystem::file_size(o.file, ec) > (8u << 20)) {
    options.progress = [&o](size_t done, size_t total, size_t rows) { print_progress(o.file, done, total, rows); };
  }
  auto report = import_csv(**store, *kind, o.file, options);
  if (!report) return fail(report.status());
  if (o.json) {
    std::cout << import_json(*report);
  } else {
    for (const std::string& e : report->errors) std::cerr << e << "\n";
    (report->errors.empty() ? std::cout : std::cerr) << import_text(*report, o.dry_run);
  }
  return report->errors.empty() ? 0 : kExitProblems;
}

int cmd_aging(const Options& o, const Clock& clock) {
  if (o.json && o.csv) {
    std::cerr << "squeaky: aging: choose one of --json and --csv\n";
    return kExitUsage;
  }
  auto as_of = as_of_date(o.as_of, clock);
  if (!as_of) return usage_error(as_of.status());
  auto store = open_store(o.db, clock, OpenMode::kMustExist);
  if (!store) return fail(store.status());
  auto summary = aging_summary(**store, *as_of);
  if (!summary) return fail(summary.status());
  std::cout << (o.json  ? aging_json(*summary, o.by_customer)
                : o.csv ? aging_csv(*summary, o.by_customer)
                        : aging_text(*summary, o.by_customer));
  return 0;
}

int cmd_customer_show(const Options& o, const Clock& clock) {
  auto as_of = as_of_date(o.as_of, clock);
  if (!as_of) return usage_error(as_of.status());
  auto store = open_store(o.db, clock, OpenMode::kMustExist);
  if (!store) return fail(store.status());
  auto settings = settings_for(o.db, o.config);
  if (!settings) return fail(settings.status());
  auto statement = statement_of_account(**store, o.customer_id, *as_of, settings->rates);
  if (!statement) return fail(statement.status());
  if (!*statement) return fail(Status::not_found("no customer '" + o.customer_id + "'"));
  std::cout << (o.json ? statement_json(**statement) : statement_text(**statement));
  return 0;
}

int cmd_verify(const Options& o, const Clock& clock) {
  auto store = open_store(o.db, clock, OpenMode::kMustExist);
  if (!store) return fail(store.status());
  auto check = check_journal(**store);
  if (!check) return fail(check.status());
  std::cout << (o.json ? journal_check_json(*check) : journal_check_text(*check));
  return check->intact() ? 0 : kExitProblems;
}

int cmd_repack(const Options& o, const Clock& clock) {
  auto store = open_store(o.db, clock, OpenMode::kMustExist);
  if (!store) return fail(store.status());
  auto written = (*store)->rewrite_ledger_copies();
  if (!written) return fail(written.status());
  std::cout << "packed records written again from the ledger's tables for " << *written << " customer"
            << (*written == 1 ? "" : "s") << "\n";
  return 0;
}

int cmd_gen(const Options& o, const Clock& clock) {
  auto as_of = as_of_date(o.as_of, clock);
  if (!as_of) return usage_error(as_of.status());
  GenerateOptions g = o.generate;
  g.as_of = *as_of;
  auto counts = generate_ledger_csv(g, o.dir);
  if (!counts) return fail(counts.status());
  std::cout << "wrote " << counts->customers << " customers, " << counts->invoices << " invoices, " << counts->payments
            << " payments and " << counts->credits << " credits to " << o.dir << "\n";
  return 0;
}

int cmd_demo(const Options& o, const Clock& clock) {
  auto as_of = as_of_date(o.as_of, clock);
  if (!as_of) return usage_error(as_of.status());
  DemoOptions options;
  options.dir = o.dir.empty() ? "demo" : o.dir;
  options.as_of = *as_of;
  std::cout << "squeaky demo: building a small business with " << options.customers << " customers, as of "
            << as_of->to_string() << ", and running its collection plan over the last " << options.history_days
            << " days\n\n";
  auto demo = build_demo(options, default_plan_set(), clock);
  if (!demo) return fail(demo.status());
  for (const ImportReport& r : demo->imports) std::cout << "imported " << import_text(r, false);
  auto store = open_store(demo->db, clock, OpenMode::kMustExist);
  if (!store) return fail(store.status());
  auto summary = aging_summary(**store, *as_of);
  if (!summary) return fail(summary.status());
  std::cout << "\n" << aging_text(*summary, false) << "\n" << largest_overdue_text(*summary, 10);
  std::cout << "\n" << demo_history_text(*demo);
  auto settings = settings_for(demo->db, "");
  if (!settings) return fail(settings.status());
  auto calls = worklist(**store, *as_of, clock.now(), settings->compliance);
  if (!calls) return fail(calls.status());
  if (calls->size() > 5) calls->resize(5);
  std::cout << "\n" << worklist_text(*as_of, *calls);
  const std::string db = demo->db;
  std::cout << "\nThe ledger is in " << db << ". Try:\n"
            << "  squeaky --db " << db << " worklist --as-of " << as_of->to_string() << "\n"
            << "  squeaky --db " << db << " run --dry-run --days 14 --as-of " << as_of->plus_days(1).to_string() << "\n"
            << "  squeaky --db " << db << " aging --as-of " << as_of->to_string() << " --by-customer\n"
            << "  squeaky --db " << db << " customer show C0001 --as-of " << as_of->to_string() << "\n"
            << "  squeaky --db " << db << " outbox --status sent\n"
            << "  squeaky --db " << db << " verify\n";
  return 0;
}

// Serves the API until SIGTERM or SIGINT, then stops accepting, lets the requests under way
// finish, and closes the store.
int cmd_serve(const Options& o, const Clock& clock) {
  const size_t colon = o.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const std::string digits = o.listen.substr(colon + 1);
    port = digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos
               ? -1
               : std::stoi(digits);
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return usage_error(Status::invalid("--listen '" + o.listen + "' is not HOST:PORT (like 127.0.0.1:8080)"));
  }
  ServerOptions options;
  options.host = o.listen.substr(0, colon);
  options.port = port;
  options.db = o.db;
  options.secure_cookies = o.secure_cookies;
  options.scheduled_work = !o.no_schedule;
  auto settings = settings_for(o.db, o.config);
  if (!settings) return fail(settings.status());
  options.settings = std::move(*settings);
  auto plans = load_plans(o.plans);
  if (!plans) return fail(plans.status());
  options.plans = std::move(*plans);

  // The signals are taken by one thread with sigtimedwait; every other thread (the server's workers
  // included) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto server = Server::open(options, clock);
  if (!server) return fail(server.status());
  std::cerr << "squeaky: serving " << database_display_name(o.db) << " on http://" << o.listen.substr(0, colon) << ":"
            << (*server)->port() << "/ (stop with Ctrl-C or SIGTERM)" << std::endl;
  // The waiter takes the signal and asks the server to stop, again and again until it has: a
  // signal that comes before the server is listening must not be lost.
  std::atomic<bool> finished = false;
  std::thread waiter([&stop_signals, &server, &finished] {
    const timespec tick{0, 50'000'000};
    bool stopping = false;
    while (!finished) {
      if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) stopping = true;
      if (stopping) (*server)->stop();
    }
  });
  const Status served = (*server)->run();
  finished = true;
  waiter.join();
  server->reset();
  if (!served.is_ok()) return fail(served);
  std::cerr << "squeaky: stopped" << std::endl;
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"squeaky: a collections engine for small businesses", "squeaky"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "squeaky 0.1.0");
  Options o;
  const char* env_db = std::getenv("SQUEAKY_DB");
  o.db = env_db != nullptr && *env_db != '\0' ? env_db : "squeaky.db";
  app.add_option("--db", o.db,
                 "the SQLite database file (default ./squeaky.db, or $SQUEAKY_DB), or a PostgreSQL URL "
                 "postgresql://USER@HOST:PORT/DATABASE");
  const char* env_config = std::getenv("SQUEAKY_CONFIG");
  o.config = env_config != nullptr ? env_config : "";
  app.add_option(
      "--config", o.config,
      "the settings file (default $SQUEAKY_CONFIG, else squeaky.toml beside the database when there is one)");

  const auto add_as_of = [&o](CLI::App* cmd) {
    cmd->add_option("--as-of", o.as_of, "the date to report as of, YYYY-MM-DD (default: today, UTC)");
  };
  auto* init = app.add_subcommand("init", "create the database (or bring its schema up to date)");
  init->add_option("--owner", o.owner,
                   "also add the first owner of the web app (password on standard input or $SQUEAKY_PASSWORD)");
  auto* import = app.add_subcommand("import", "import customers, invoices, payments or credits from a CSV file");
  import->add_option("kind", o.kind, "customers | invoices | payments | credits")->required();
  import->add_option("file", o.file, "the CSV file (docs/formats.md)")->required();
  import->add_flag("--dry-run", o.dry_run, "check every row, write nothing");
  import->add_flag("--json", o.json, "print the result as JSON");
  auto* aging = app.add_subcommand("aging", "open receivables by days past due, per currency");
  add_as_of(aging);
  aging->add_flag("--by-customer", o.by_customer, "one row per customer as well as the totals");
  aging->add_flag("--json", o.json, "print JSON");
  aging->add_flag("--csv", o.csv, "print CSV");
  auto* customer = app.add_subcommand("customer", "one customer");
  customer->require_subcommand(1);
  auto* show = customer->add_subcommand("show", "the customer's statement of account");
  show->add_option("id", o.customer_id, "the customer's id")->required();
  add_as_of(show);
  show->add_flag("--json", o.json, "print JSON");
  auto* verify = app.add_subcommand("verify", "check that the journal was not altered, removed or reordered");
  verify->add_flag("--json", o.json, "print JSON");
  auto* repack = app.add_subcommand(
      "repack", "write every customer's packed records (what runs and reports read) again from the ledger's tables");
  auto* demo = app.add_subcommand("demo", "build a believable small business in DIR and show its aging");
  demo->add_option("dir", o.dir, "where to build it (default ./demo; rebuilt each time)");
  add_as_of(demo);
  auto* gen = app.add_subcommand("gen", "write a generated ledger as CSV files in the import formats");
  gen->add_option("--customers", o.generate.customers, "how many customers")->required()->check(CLI::PositiveNumber);
  gen->add_option("--invoices", o.generate.invoices, "how many invoices")->required()->check(CLI::NonNegativeNumber);
  gen->add_option("--seed", o.generate.seed, "the random seed (the same seed gives the same files)");
  gen->add_option("--history-days", o.generate.history_days, "how many days of history")->check(CLI::Range(1, 3650));
  add_as_of(gen);
  gen->add_option("dir", o.dir, "where to write the files")->required();

  auto* serve = app.add_subcommand("serve", "serve the JSON API over HTTP (docs/api.md) until SIGTERM or Ctrl-C");
  serve->add_option("--listen", o.listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)");
  serve->add_flag("--secure-cookies", o.secure_cookies, "mark the session cookie Secure (behind a TLS proxy)");
  serve->add_flag("--no-schedule", o.no_schedule,
                  "do not run the day or send by itself (see [server] in squeaky.toml); leave it to cron");
  serve->add_option("--plans", o.plans, "the plan file (default $SQUEAKY_PLANS, else the shipped plans)");

  CollectCommands collection;
  collection.add_to(app);
  OutboxCommands outbox;
  outbox.add_to(app);
  UserCommands users;
  users.add_to(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 answers a missing or mistyped command with "A subcommand is required"; say which.
    for (CLI::App* parent : {customer, users.user_group(), users.token_group(), &app}) {
      if (dynamic_cast<const CLI::RequiredError*>(&e) == nullptr || (parent != &app && !parent->parsed()) ||
          !parent->get_subcommands().empty()) {
        continue;
      }
      std::string commands;
      for (const CLI::App* sub : parent->get_subcommands({}))
        commands += (commands.empty() ? "" : ", ") + sub->get_name();
      const std::string group = parent == &app ? "" : parent->get_name() + " ";
      const std::vector<std::string> words = parent->remaining();
      if (!words.empty() && !words.front().starts_with("-")) {
        std::cerr << "squeaky: '" << words.front() << "' is not a " << group << "command";
      } else {
        std::cerr << "squeaky: " << (parent == &app ? "" : parent->get_name() + ": ") << "name a command";
      }
      std::cerr << " (the " << group << "commands are " << commands << "; see squeaky " << group << "--help)\n";
      return kExitUsage;
    }
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  CommandLineClock clock;
  if (*init) return cmd_init(o, clock);
  if (*import) return cmd_import(o, clock);
  if (*aging) return cmd_aging(o, clock);
  if (*show) return cmd_customer_show(o, clock);
  if (*verify) return cmd_verify(o, clock);
  if (*repack) return cmd_repack(o, clock);
  if (*demo) return cmd_demo(o, clock);
  if (*gen) return cmd_gen(o, clock);
  if (*serve) return cmd_serve(o, clock);
  if (auto rc = collection.run(o.db, o.config, clock)) return *rc;
  if (auto rc = outbox.run(o.db, o.config, clock)) return *rc;
  if (auto rc = users.run(o.db, clock)) return *rc;
  return kExitUsage;
}

}  // namespace squeaky::cli

int main(int argc, char** argv) { return squeaky::cli::run(argc, argv); }
