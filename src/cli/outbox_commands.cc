#include "outbox_commands.h"

#include <cstdlib>
#include <iostream>

#include "app/outbox.h"
#include "common.h"
#include "render.h"

namespace squeaky::cli {

void OutboxCommands::add_to(CLI::App& app) {
  const auto common = [this](CLI::App* cmd) {
    cmd->add_option("--plans", plans_, "the plan file (default $SQUEAKY_PLANS, else the shipped plans)");
    cmd->add_option("--user", user_, "who does this (default $USER)");
  };
  send_ = app.add_subcommand("send", "send the queued emails that are due (docs/outbox.md)");
  send_->add_option("--limit", limit_, "send at most this many (default: all)");
  send_->add_flag("--json", json_, "print JSON");
  common(send_);

  letters_ = app.add_subcommand("letters", "print the day's letters: one PDF to print and a mailing manifest");
  letters_->add_option("--date", date_, "the day, YYYY-MM-DD (default: today, UTC); earlier unprinted letters too");
  letters_->add_flag("--json", json_, "print JSON");
  common(letters_);

  outbox_ = app.add_subcommand("outbox", "letters and emails on their way");
  outbox_->add_option("--status", status_,
                      "only this status: queued, sending, sent, failed, rejected, unknown, blocked, cancelled");
  outbox_->add_option("--customer", customer_, "only this customer");
  outbox_->add_flag("--json", json_, "print JSON");
  retry_ = outbox_->add_subcommand("retry", "send a failed, rejected, blocked or unknown item again");
  cancel_ = outbox_->add_subcommand("cancel", "do not send a queued, failed or unknown item");
  confirm_ = outbox_->add_subcommand("confirm", "record that an item whose fate was unknown did go out");
  hold_ = outbox_->add_subcommand("hold", "keep a queued or failed item back until it is approved");
  approve_ = outbox_->add_subcommand("approve", "let a held item go out with the next send or print");
  for (CLI::App* cmd : {retry_, cancel_, confirm_, hold_, approve_}) {
    cmd->add_option("id", id_, "the item's id (its action's id)")->required();
    cmd->add_option("--user", user_, "who decides (default $USER)");
  }
}

std::optional<int> OutboxCommands::run(const std::string& db, const std::string& config, const Clock& clock) {
  if (!send_->parsed() && !letters_->parsed() && !outbox_->parsed()) return std::nullopt;
  auto settings = settings_for(db, config);
  if (!settings) return fail(settings.status());
  auto opened = open_store(db, clock, OpenMode::kMustExist);
  if (!opened) return fail(opened.status());
  Store& store = **opened;
  const std::string actor = user_actor(user_);

  if (outbox_->parsed()) {
    Status done;
    std::string said;
    if (retry_->parsed()) {
      done = retry_outbox_item(store, id_, actor);
      said = "outbox item " + std::to_string(id_) + " queued again";
    } else if (cancel_->parsed()) {
      done = cancel_outbox_item(store, id_, actor);
      said = "outbox item " + std::to_string(id_) + " cancelled";
    } else if (confirm_->parsed()) {
      done = confirm_outbox_item(store, id_, clock.now(), actor);
      said = "outbox item " + std::to_string(id_) + " confirmed sent";
    } else if (hold_->parsed()) {
      done = hold_outbox_item(store, id_, actor);
      said = "outbox item " + std::to_string(id_) + " held";
    } else if (approve_->parsed()) {
      done = approve_outbox_item(store, id_, actor);
      said = "outbox item " + std::to_string(id_) + " approved";
    } else {
      auto items = store.outbox(status_, customer_, false);
      if (!items) return fail(items.status());
      std::cout << (json_ ? outbox_json(*items) : outbox_text(*items));
      return 0;
    }
    if (!done.is_ok()) return fail(done);
    std::cout << said << "\n";
    return 0;
  }

  auto plans = load_plans(plans_);
  if (!plans) return fail(plans.status());
  auto templates = load_templates(
      settings->templates.empty() ? std::nullopt : std::optional<std::filesystem::path>(settings->templates));
  if (!templates) return fail(templates.status());
  DispatchLock lock;
  if (Status s = lock.take(db); !s.is_ok()) return fail(s);
  const Dispatcher dispatcher{*settings, *templates, *plans, clock.now(), actor};
  if (send_->parsed()) {
    auto transport = make_transport(*settings);
    if (!transport) return fail(transport.status());
    auto report = send_outbox(store, dispatcher, **transport, limit_);
    if (!report) return fail(report.status());
    std::cout << (json_ ? send_json(*report) : send_text(*report));
    return 0;
  }
  auto day = as_of_date(date_, clock);
  if (!day) return usage_error(day.status());
  auto batch = print_letters(store, dispatcher, *day);
  if (!batch) return fail(batch.status());
  std::cout << (json_ ? letters_json(*batch) : letters_text(*batch));
  return 0;
}

}  // namespace squeaky::cli
