// The collection commands: run, worklist, log-call, promise, payment-plan, dispute, resolve,
// hold, flag.
#include "collect_commands.h"

#include <fmt/format.h>

#include <iostream>

#include "app/collect.h"
#include "common.h"
#include "render.h"

namespace squeaky::cli {
namespace {

// Parses "AMOUNT" in the currency of the customer; the currency is found when the command runs.
Result<Money> amount_for(Store& store, const std::string& customer_id, const std::string& text) {
  auto ledger = store.customer_ledger(customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return Status::not_found("no customer '" + customer_id + "'");
  auto m = Money::parse(text, (*ledger)->customer.currency);
  if (!m) return Status::invalid("--amount '" + text + "' " + m.status().message());
  return m;
}

Result<Date> date_flag(const std::string& flag, const std::string& text) {
  auto d = Date::parse(text);
  if (!d) return Status::invalid(flag + " '" + text + "' " + d.status().message());
  return d;
}

}  // namespace

void CollectCommands::add_to(CLI::App& app) {
  const auto common = [this](CLI::App* cmd, bool with_plans) {
    cmd->add_option("--as-of", as_of_, "the day, YYYY-MM-DD (default: today, UTC)");
    if (with_plans)
      cmd->add_option("--plans", plans_, "the plan file (default $SQUEAKY_PLANS, else the shipped plans)");
  };
  const auto by = [this](CLI::App* cmd) { cmd->add_option("--user", user_, "who records this (default $USER)"); };

  run_ = app.add_subcommand("run", "run the day's collection plan: letters, emails, calls, placements");
  common(run_, true);
  run_->add_flag("--json", json_, "print JSON");
  run_->add_flag("--dry-run", dry_run_, "forecast the next --days days without writing anything");
  run_->add_option("--days", days_, "with --dry-run: how many days (default 1)")->check(CLI::Range(1, 366));
  run_->add_option("--shard", shard_,
                   "K/N: run only part K of N parts of the customers, for N machines that split the day");

  worklist_ = app.add_subcommand("worklist", "today's calls, ranked by expected value");
  common(worklist_, false);
  worklist_->add_flag("--json", json_, "print JSON");

  log_call_ = app.add_subcommand("log-call", "record the outcome of a call");
  log_call_->add_option("customer", customer_, "the customer's id")->required();
  log_call_
      ->add_option(
          "--outcome", outcome_,
          "promise | paid | dispute | hardship | wrong-number | no-answer | left-message | refused | no-connection")
      ->required();
  log_call_->add_option("--amount", amount_, "promise: the amount promised (paid: defaults to what is overdue)");
  log_call_->add_option("--date", date_, "promise: the day promised (paid: defaults to today)");
  log_call_->add_option("--invoice", invoice_, "dispute: the invoice disputed");
  log_call_->add_option("--note", note_, "what was said");
  common(log_call_, true);
  by(log_call_);

  promise_ = app.add_subcommand("promise", "record a promise to pay");
  promise_->add_option("customer", customer_, "the customer's id")->required();
  promise_->add_option("--amount", amount_, "the amount promised")->required();
  promise_->add_option("--date", date_, "the day it will be paid")->required();
  common(promise_, false);
  by(promise_);

  payment_plan_ = app.add_subcommand("payment-plan", "record a payment plan (replaces an active one)");
  payment_plan_->add_option("customer", customer_, "the customer's id")->required();
  payment_plan_->add_option("--instalment", instalments_, "DATE=AMOUNT, once per instalment")->required();
  common(payment_plan_, false);
  by(payment_plan_);

  dispute_ = app.add_subcommand("dispute", "record that the debtor disputes an invoice");
  dispute_->add_option("invoice", invoice_, "the invoice's id")->required();
  dispute_->add_option("--reason", note_, "why the debtor disputes it")->required();
  common(dispute_, false);
  by(dispute_);

  resolve_ = app.add_subcommand("resolve", "resolve the open dispute on an invoice");
  resolve_->add_option("invoice", invoice_, "the invoice's id")->required();
  resolve_->add_option("--note", note_, "how it was resolved");
  common(resolve_, false);
  by(resolve_);

  hold_ = app.add_subcommand("hold", "hold back escalation for a customer until a day, or for a hardship pause");
  hold_->add_option("customer", customer_, "the customer's id")->required();
  hold_->add_option("--until", date_, "the last day of the hold");
  hold_->add_flag("--hardship", hardship_, "a hardship pause of the plan's hardship_pause_days, then a softer track");
  hold_->add_option("--reason", note_, "why");
  common(hold_, true);
  by(hold_);

  flag_ = app.add_subcommand("flag", "stop all contact: bankruptcy, deceased, cease-communication");
  flag_->add_option("customer", customer_, "the customer's id")->required();
  flag_->add_option("flag", flag_name_, "bankruptcy | deceased | cease-communication")->required();
  flag_->add_option("--note", note_, "a note");
  flag_->add_flag("--clear", clear_, "clear the flag instead");
  common(flag_, false);
  by(flag_);

  optout_ = app.add_subcommand("optout", "record that the debtor asked not to be contacted through a channel");
  optout_->add_option("customer", customer_, "the customer's id")->required();
  optout_->add_option("--channel", channel_, "email | phone | letter")->required();
  optout_->add_option("--contact", contact_, "only this address or number (default: the whole channel)");
  optout_->add_option("--note", note_, "how the request came");
  common(optout_, false);
  by(optout_);
}

std::optional<int> CollectCommands::run(const std::string& db, const std::string& config, const Clock& clock) {
  for (CLI::App* cmd :
       {run_, worklist_, log_call_, promise_, payment_plan_, dispute_, resolve_, hold_, flag_, optout_}) {
    if (cmd->parsed()) return dispatch(cmd, db, config, clock);
  }
  return std::nullopt;
}

int CollectCommands::dispatch(CLI::App* cmd, const std::string& db, const std::string& config, const Clock& clock) {
  auto as_of = as_of_date(as_of_, clock);
  if (!as_of) return usage_error(as_of.status());
  auto plans = load_plans(plans_);
  if (!plans) return fail(plans.status());
  auto settings = settings_for(db, config);
  if (!settings) return fail(settings.status());
  auto opened = open_store(db, clock, OpenMode::kMustExist);
  if (!opened) return fail(opened.status());
  Store& store = **opened;
  const std::string actor = user_actor(user_);

  if (cmd == run_) {
    if (dry_run_ && !shard_.empty()) return usage_error(Status::invalid("--shard does not go with --dry-run"));
    if (dry_run_) {
      auto days = forecast(store, *plans, *as_of, days_, settings->compliance);
      if (!days) return fail(days.status());
      std::cout << (json_ ? forecast_json(*days) : forecast_text(*days));
      return 0;
    }
    if (days_ != 1) return usage_error(Status::invalid("--days goes with --dry-run"));
    Shard shard;
    if (!shard_.empty()) {
      auto parsed = Shard::parse(shard_);
      if (!parsed) return usage_error(Status::invalid("--shard '" + shard_ + "' " + parsed.status().message()));
      shard = *parsed;
    }
    auto report =
        run_day(store, *plans, *as_of, settings->compliance, RunOptions{settings->review_messages, "", shard});
    if (!report) return fail(report.status());
    std::cout << (json_ ? run_json(*report) : run_text(*report));
    return 0;
  }
  if (cmd == worklist_) {
    auto items = worklist(store, *as_of, clock.now(), settings->compliance);
    if (!items) return fail(items.status());
    std::cout << (json_ ? worklist_json(*as_of, *items) : worklist_text(*as_of, *items));
    return 0;
  }
  Status done;
  std::string said;
  if (cmd == log_call_) {
    auto outcome = parse_call_outcome(outcome_);
    if (!outcome) return usage_error(Status::invalid("--outcome '" + outcome_ + "' is not a call outcome"));
    CallLog call{customer_, *outcome, *as_of, std::nullopt, std::nullopt, invoice_, note_};
    if (!amount_.empty()) {
      auto amount = amount_for(store, customer_, amount_);
      if (!amount) return fail(amount.status());
      call.amount = *amount;
    }
    if (!date_.empty()) {
      auto d = date_flag("--date", date_);
      if (!d) return usage_error(d.status());
      call.date = *d;
    }
    done = log_call(store, *plans, call, actor);
    said = "logged the call to " + customer_ + ": " + outcome_;
  } else if (cmd == promise_) {
    auto amount = amount_for(store, customer_, amount_);
    if (!amount) return fail(amount.status());
    auto d = date_flag("--date", date_);
    if (!d) return usage_error(d.status());
    done = record_promise(store, customer_, *amount, *as_of, *d, actor);
    said = "recorded " + customer_ + "'s promise to pay " + amount->to_grouped_string() + " " +
           amount->currency().code() + " by " + d->to_string();
  } else if (cmd == payment_plan_) {
    std::vector<Instalment> instalments;
    for (const std::string& spec : instalments_) {
      const size_t eq = spec.find('=');
      if (eq == std::string::npos) {
        return usage_error(Status::invalid("--instalment '" + spec + "' is not DATE=AMOUNT"));
      }
      auto d = date_flag("--instalment", spec.substr(0, eq));
      if (!d) return usage_error(d.status());
      auto amount = amount_for(store, customer_, spec.substr(eq + 1));
      if (!amount) return fail(amount.status());
      instalments.push_back({*d, *amount});
    }
    done = record_payment_plan(store, customer_, *as_of, instalments, actor);
    said = "recorded a payment plan of " + std::to_string(instalments.size()) + " instalments for " + customer_;
  } else if (cmd == dispute_) {
    done = open_dispute(store, invoice_, *as_of, note_, actor);
    said = "invoice " + invoice_ + " is disputed from " + as_of->to_string();
  } else if (cmd == resolve_) {
    done = resolve_dispute(store, invoice_, *as_of, note_, actor);
    said = "the dispute on invoice " + invoice_ + " is resolved";
  } else if (cmd == hold_) {
    std::optional<Date> until;
    if (!date_.empty()) {
      auto d = date_flag("--until", date_);
      if (!d) return usage_error(d.status());
      until = *d;
    }
    done = add_hold(store, *plans, customer_, *as_of, until, hardship_, note_, actor);
    said = std::string(hardship_ ? "hardship pause" : "hold") + " recorded for " + customer_;
  } else if (cmd == flag_) {
    auto flag = parse_stop_flag(flag_name_);
    if (!flag) {
      return usage_error(Status::invalid("'" + flag_name_ + "' is not bankruptcy, deceased or cease-communication"));
    }
    done = clear_ ? clear_flag(store, customer_, *flag, *as_of, actor)
                  : set_flag(store, customer_, *flag, *as_of, note_, actor);
    said = customer_ + (clear_ ? ": cleared " : ": flagged ") + flag_name_;
  } else if (cmd == optout_) {
    if (channel_ != "email" && channel_ != "phone" && channel_ != "letter") {
      return usage_error(Status::invalid("--channel '" + channel_ + "' is not email, phone or letter"));
    }
    done = record_opt_out(store, customer_, channel_, contact_, *as_of, note_, actor);
    said = customer_ + ": opted out of " + (contact_.empty() ? channel_ : channel_ + " " + contact_);
  }
  if (!done.is_ok()) return fail(done);
  std::cout << said << "\n";
  return 0;
}

}  // namespace squeaky::cli
