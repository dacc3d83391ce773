// Scenario tests of the daily run: one customer walked day by day for 120 days on the shipped
// plans, asserting the exact steps on the exact days (docs/plans.md describes the rules).
#include "app/collect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "app/generate.h"
#include "app/import.h"
#include "ledger/aging.h"
#include "ledger/allocation.h"
#include "ledger_files.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;
using testing::status_of;

const Currency kUsd = *Currency::from_code("USD");
Date day(std::string_view text) { return *Date::parse(text); }
Money usd(std::string_view amount) { return *Money::parse(amount, kUsd); }

class CollectionScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("collect");
    auto store = testing::open_test_store((dir_ / "squeaky.db").string(), clock_, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(*store);
    Customer c;
    c.id = "C1";
    c.name = "Acme Roofing LLC";
    c.country = "US";
    c.region = "TX";
    c.timezone = "America/Chicago";
    c.currency = kUsd;
    c.credit_limit = Money::zero(kUsd);
    c.contacts = {{ContactChannel::kPhone, ContactType::kWork, "+1 512 555 0100"},
                  {ContactChannel::kEmail, ContactType::kWork, "ap@acme-roofing.example"}};
    c.address = {"400 Congress Ave", "", "Austin", "78701"};
    write([&](StoreTransaction& t) { return status_of(t.put_customer(c, "test")); });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void write(const std::function<Status(StoreTransaction&)>& work) {
    const Status s = in_transaction(*store_, work);
    ASSERT_TRUE(s.is_ok()) << s.message();
  }
  void invoice(std::string id, std::string_view issued, std::string_view due, std::string_view amount) {
    const Invoice i{std::move(id), "C1", day(issued), day(due), usd(amount), "", ""};
    write([&](StoreTransaction& t) { return status_of(t.put_invoice(i, "test")); });
  }
  void pay(std::string id, std::string_view on, std::string_view amount) {
    const Payment p{std::move(id), "C1", day(on), usd(amount), "", "", ""};
    write([&](StoreTransaction& t) { return status_of(t.put_payment(p, "test")); });
  }

  // Runs every day from `from` through `to` except the days in `skip`, calling `before` first on
  // each day (payments arrive, calls are logged), and returns what happened, one line each:
  // "2026-02-03 reminder email", "2026-03-22 skipped notice", "2026-03-24 promise.broken".
  std::vector<std::string> walk(std::string_view from, std::string_view to,
                                const std::function<void(Date)>& before = {}, const std::set<std::string>& skip = {}) {
    std::vector<std::string> lines;
    for (Date d = day(from); d <= day(to); d = d.plus_days(1)) {
      if (before) before(d);
      if (skip.count(d.to_string())) continue;
      auto report = run_day(*store_, default_plan_set(), d);
      EXPECT_TRUE(report) << report.status().message();
      if (!report) break;
      for (const CustomerDay& c : report->customers) {
        for (const PlannerEvent& e : c.plan.events) {
          if (e.kind != PlannerEventKind::kEpisodeOpened && e.kind != PlannerEventKind::kHoldEnded) {
            lines.push_back(d.to_string() + " " + std::string(to_string(e.kind)));
          }
        }
        for (const SkippedStep& s : c.plan.skipped) lines.push_back(d.to_string() + " skipped " + s.step);
        if (c.plan.action) {
          std::string line = d.to_string() + " " + c.plan.action->step;
          for (Channel ch : c.plan.action->channels) line += " " + std::string(to_string(ch));
          lines.push_back(line);
        }
      }
    }
    return lines;
  }

  using Lines = std::vector<std::string>;

  FixedClock clock_{"2026-06-01T12:00:00Z"};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

// The invoice of every scenario: 1,000.00 issued 2026-01-01, due 2026-01-31; the walk starts the
// day after (1 day past due) and lasts 120 days.
constexpr std::string_view kFirst = "2026-02-01";
constexpr std::string_view kLast = "2026-05-31";

TEST_F(CollectionScenario, NeverPaysWalksTheWholeLadder) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  EXPECT_EQ(walk(kFirst, kLast), (Lines{
                                     "2026-02-03 reminder email",             // 3 days past due
                                     "2026-03-02 notice letter email",        // 30
                                     "2026-03-09 first-call call",            // notice + 7
                                     "2026-03-14 second-call call",           // first call + 5
                                     "2026-04-01 final-demand letter email",  // 60
                                     "2026-04-08 placement agency letter",    // final demand + 7
                                 }));
  auto placed = store_->actions("C1", "placed");
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->size(), 1u);
  EXPECT_EQ((*placed)[0].amount, usd("1000.00"));
  EXPECT_EQ((*placed)[0].agency, "the collection agency");
  EXPECT_EQ((*placed)[0].reason,
            "placement: 7 days since final-demand on 2026-04-01; oldest overdue invoice INV-1 is 67 days past due "
            "(due 2026-01-31); 1 invoice overdue, total 1,000.00 USD");
}

TEST_F(CollectionScenario, ReasonsNameTheInvoiceTheAgeAndTheTotal) {
  invoice("INV-1001", "2025-12-01", "2026-01-01", "1000.00");
  invoice("INV-1002", "2026-01-05", "2026-01-20", "234.50");
  // The first run finds the customer already 31 days late: the reminder is skipped, the notice goes.
  auto report = run_day(*store_, default_plan_set(), day("2026-02-01"));
  ASSERT_TRUE(report);
  ASSERT_EQ(report->customers.size(), 1u);
  ASSERT_TRUE(report->customers[0].plan.action);
  ASSERT_EQ(report->customers[0].plan.skipped.size(), 1u);
  EXPECT_EQ(report->customers[0].plan.skipped[0].reason,
            "due on 2026-01-04 but not sent then; skipped so that only notice goes out today");
  EXPECT_EQ(report->customers[0].plan.action->reason,
            "notice: oldest overdue invoice INV-1001 is 31 days past due (due 2026-01-01); 2 invoices overdue, total "
            "1,234.50 USD (due since 2026-01-31)");
}

TEST_F(CollectionScenario, PaidInFullAtDayTwentyEndsTheEpisode) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  EXPECT_EQ(walk(kFirst, kLast,
                 [&](Date d) {
                   if (d == day("2026-02-20")) pay("P1", "2026-02-20", "1000.00");
                 }),
            (Lines{"2026-02-03 reminder email", "2026-02-20 episode.closed"}));
  auto open = store_->actions("C1", "open");
  EXPECT_TRUE(open->empty());
}

TEST_F(CollectionScenario, APartialPaymentDelaysTheNextStepButNeverGoesBack) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  EXPECT_EQ(walk(kFirst, kLast,
                 [&](Date d) {
                   if (d == day("2026-03-07")) pay("P1", "2026-03-07", "400.00");  // 35 days past due
                 }),
            (Lines{
                "2026-02-03 reminder email",
                "2026-03-02 notice letter email",
                "2026-03-14 first-call call",  // payment + 7, not notice + 7
                "2026-03-19 second-call call",
                "2026-04-01 final-demand letter email",
                "2026-04-08 placement agency letter",
            }));
  auto placed = store_->actions("C1", "placed");
  EXPECT_EQ((*placed)[0].amount, usd("600.00"));
}

TEST_F(CollectionScenario, APromiseKeptHoldsEscalationAndThePaymentClosesTheEpisode) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  EXPECT_EQ(
      walk(kFirst, kLast,
           [&](Date d) {
             if (d == day("2026-03-05")) {
               ASSERT_TRUE(record_promise(*store_, "C1", usd("1000.00"), d, day("2026-03-20"), "user clerk").is_ok());
             }
             if (d == day("2026-03-18")) pay("P1", "2026-03-18", "1000.00");
           }),
      (Lines{"2026-02-03 reminder email", "2026-03-02 notice letter email", "2026-03-18 promise.kept",
             "2026-03-18 episode.closed"}));
}

TEST_F(CollectionScenario, ABrokenPromiseEscalatesOnTheNextRun) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  EXPECT_EQ(walk(kFirst, kLast,
                 [&](Date d) {
                   if (d == day("2026-03-05")) {
                     CallLog call{"C1", CallOutcome::kPromise, d, usd("1000.00"), day("2026-03-20"), "", "by Friday"};
                     ASSERT_TRUE(log_call(*store_, default_plan_set(), call, "user clerk").is_ok());
                   }
                 }),
            (Lines{
                "2026-02-03 reminder email",
                "2026-03-02 notice letter email",
                "2026-03-24 promise.broken",  // 2026-03-20 + 3 days of grace passed
                "2026-03-24 first-call call",
                "2026-03-29 second-call call",
                "2026-04-01 final-demand letter email",
                "2026-04-08 placement agency letter",
            }));
}

TEST_F(CollectionScenario, APaymentPlanDefaultedOnItsSecondInstalmentResumesTheLadder) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  EXPECT_EQ(walk(kFirst, kLast,
                 [&](Date d) {
                   if (d == day("2026-03-05")) {
                     ASSERT_TRUE(record_payment_plan(*store_, "C1", d,
                                                     {{day("2026-03-15"), usd("300.00")},
                                                      {day("2026-04-15"), usd("300.00")},
                                                      {day("2026-05-15"), usd("400.00")}},
                                                     "user clerk")
                                     .is_ok());
                   }
                   if (d == day("2026-03-14")) pay("P1", "2026-03-14", "300.00");
                 }),
            (Lines{
                "2026-02-03 reminder email",
                "2026-03-02 notice letter email",
                "2026-04-19 payment_plan.defaulted",  // instalment 2 (2026-04-15) + 3 days of grace
                "2026-04-19 first-call call",
                "2026-04-24 second-call call",
                "2026-04-25 final-demand letter email",  // due since 2026-04-24: one step a day
                "2026-05-02 placement agency letter",
            }));
}

TEST_F(CollectionScenario, ADisputedInvoiceLeavesTheTriggersAndTheAmounts) {
  invoice("INV-A", "2026-01-01", "2026-01-31", "1000.00");
  invoice("INV-B", "2026-01-16", "2026-02-15", "500.00");
  EXPECT_EQ(walk(kFirst, kLast,
                 [&](Date d) {
                   if (d == day("2026-02-10")) {
                     ASSERT_TRUE(open_dispute(*store_, "INV-A", d, "goods damaged", "user clerk").is_ok());
                   }
                 }),
            (Lines{
                "2026-02-03 reminder email",       // INV-A 3 days past due
                "2026-02-10 episode.closed",       // INV-A disputed, INV-B not yet due: nothing is overdue
                "2026-02-18 reminder email",       // a new episode: INV-B 3 days past due
                "2026-03-17 notice letter email",  // INV-B 30 days past due
                "2026-03-24 first-call call",
                "2026-03-29 second-call call",
                "2026-04-16 final-demand letter email",  // INV-B 60
                "2026-04-23 placement agency letter",
            }));
  auto placed = store_->actions("C1", "placed");
  EXPECT_EQ((*placed)[0].amount, usd("500.00"));
  EXPECT_EQ((*placed)[0].invoices, R"([{"days_past_due":67,"due_date":"2026-02-15","id":"INV-B","open":"500.00"}])");
}

TEST_F(CollectionScenario, TheLargeTierEscalatesSooner) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "12000.00");
  EXPECT_EQ(walk(kFirst, kLast), (Lines{
                                     "2026-02-03 reminder email",
                                     "2026-02-15 first-call call",  // 15 days past due
                                     "2026-02-20 second-call call", "2026-03-02 notice letter email",
                                     "2026-03-17 final-demand letter email",  // 45
                                     "2026-03-24 placement agency letter",    // 52
                                 }));
}

TEST_F(CollectionScenario, AfterAFortyDayOutageOnlyTheMostAdvancedStepGoesOut) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  std::set<std::string> outage;
  for (Date d = day("2026-02-11"); d <= day("2026-03-22"); d = d.plus_days(1)) outage.insert(d.to_string());
  EXPECT_EQ(walk(kFirst, kLast, {}, outage), (Lines{
                                                 "2026-02-03 reminder email",
                                                 "2026-03-23 skipped notice",
                                                 "2026-03-23 skipped first-call",
                                                 "2026-03-23 second-call call",
                                                 "2026-04-01 final-demand letter email",
                                                 "2026-04-08 placement agency letter",
                                             }));
  auto skipped = store_->actions("C1", "skipped");
  ASSERT_EQ(skipped->size(), 2u);
  EXPECT_EQ((*skipped)[0].reason,
            "due on 2026-03-02 but not sent then; skipped so that only second-call goes out today");
}

TEST_F(CollectionScenario, HardshipPausesThenContinuesOnTheSofterTrack) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  const Lines lines = walk(kFirst, kLast, [&](Date d) {
    if (d == day("2026-03-10")) {
      CallLog call{"C1", CallOutcome::kHardship, d, std::nullopt, std::nullopt, "", "lost his job"};
      ASSERT_TRUE(log_call(*store_, default_plan_set(), call, "user clerk").is_ok());
    }
  });
  EXPECT_EQ(lines, (Lines{
                       "2026-02-03 reminder email",
                       "2026-03-02 notice letter email",
                       "2026-03-09 first-call call",
                       "2026-04-09 check-in email",  // the 30-day pause covers 2026-03-10 .. 2026-04-08
                       "2026-04-30 statement letter email",
                       "2026-05-14 call call",
                       "2026-05-28 second-call call",
                   }));
}

TEST_F(CollectionScenario, StopFlagsAndHoldsStopContactUntilCleared) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  const Lines lines = walk(kFirst, "2026-03-31", [&](Date d) {
    if (d == day("2026-02-02")) {
      ASSERT_TRUE(set_flag(*store_, "C1", StopFlag::kBankruptcy, d, "chapter 7", "user clerk").is_ok());
    }
    if (d == day("2026-03-01")) {
      ASSERT_TRUE(clear_flag(*store_, "C1", StopFlag::kBankruptcy, d, "user clerk").is_ok());
    }
    if (d == day("2026-03-05")) {
      ASSERT_TRUE(
          add_hold(*store_, default_plan_set(), "C1", d, day("2026-03-20"), false, "owner travelling", "user clerk")
              .is_ok());
    }
  });
  EXPECT_EQ(lines, (Lines{
                       "2026-03-01 reminder email",  // the only step due when the flag is cleared
                       "2026-03-02 notice letter email",
                       // The hold covered 2026-03-05 .. 2026-03-20, when both calls fell due: only the
                       // more advanced one goes out.
                       "2026-03-21 skipped first-call",
                       "2026-03-21 second-call call",
                   }));
  auto report = run_day(*store_, default_plan_set(), day("2026-04-01"));
  ASSERT_TRUE(report);
}

TEST_F(CollectionScenario, TheSameDayTwiceAddsNothing) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  auto first = run_day(*store_, default_plan_set(), day("2026-03-02"));
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->already_run);
  EXPECT_EQ(first->actions, 2u);  // the notice by letter and email; the reminder is skipped
  auto head = store_->journal_head();
  auto second = run_day(*store_, default_plan_set(), day("2026-03-02"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->already_run);
  EXPECT_EQ(second->actions, 0u);
  EXPECT_EQ(store_->journal_head()->seq, head->seq);
  EXPECT_EQ(store_->actions("C1", "")->size(), 3u);
  auto earlier = run_day(*store_, default_plan_set(), day("2026-03-01"));
  ASSERT_FALSE(earlier);
  EXPECT_EQ(earlier.status().message(),
            "the day 2026-03-01 cannot be run after 2026-03-02 was: runs go forward in time");
}

TEST_F(CollectionScenario, AStepWithAFeeChargesItOnceAsAnInvoice) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  auto plans = parse_plan_set(R"(default_plan = "p"
[[plan]]
name = "p"
  [[plan.step]]
  name = "notice"
  channels = ["letter"]
  days_past_due = 30
  fee = { USD = "25.00" }
  fee_percent = "1.5"
)",
                              "fees.toml");
  ASSERT_TRUE(plans) << plans.status().message();
  auto report = run_day(*store_, *plans, day("2026-03-02"));
  ASSERT_TRUE(report) << report.status().message();
  ASSERT_EQ(report->fees, 1u);
  EXPECT_EQ(report->customers.at(0).fee->amount, usd("40.00"));  // 25.00 + 1.5% of 1,000.00
  auto ledger = store_->customer_ledger("C1");
  ASSERT_TRUE(ledger && *ledger);
  ASSERT_EQ((*ledger)->invoices.size(), 2u);
  const Invoice& fee = (*ledger)->invoices[1].id == "INV-1" ? (*ledger)->invoices[0] : (*ledger)->invoices[1];
  EXPECT_EQ(fee.id, "FEE-C1-1-notice");
  EXPECT_EQ(fee.amount, usd("40.00"));
  EXPECT_EQ(fee.due_date, day("2026-03-02"));
  EXPECT_EQ(fee.reference, "notice fee");
  EXPECT_EQ(fee.kind, InvoiceKind::kFee);
  // Kept apart from the principal: the aging buckets hold the 1,000.00, the fee is on its own, and
  // the next steps' amounts and triggers leave it out.
  auto position = allocate(**ledger, day("2026-03-20"));
  ASSERT_TRUE(position);
  auto row = age(*position);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->total, 100000);
  EXPECT_EQ(row->fees, 4000);
  auto later = forecast(*store_, *plans, day("2026-03-20"), 1);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->at(0).customers.empty());  // nothing new: the fee alone triggers nothing
}

TEST_F(CollectionScenario, ConsumersPayNoFeeUnlessThePlanSaysTheContractAllowsIt) {
  write([&](StoreTransaction& t) {
    auto c = store_->customer_ledger("C1");
    Customer consumer = (*c)->customer;
    consumer.kind = CustomerKind::kConsumer;
    return status_of(t.put_customer(consumer, "test"));
  });
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  const std::string plan = R"(default_plan = "p"
[[plan]]
name = "p"
FEES
  [[plan.step]]
  name = "notice"
  channels = ["letter"]
  days_past_due = 30
  fee = { USD = "25.00" }
)";
  auto without = parse_plan_set(std::string(plan).replace(plan.find("FEES"), 4, ""), "fees.toml");
  ASSERT_TRUE(without) << without.status().message();
  auto days = forecast(*store_, *without, day("2026-03-02"), 1);
  ASSERT_TRUE(days);
  EXPECT_FALSE(days->at(0).customers.at(0).fee);
  auto with = parse_plan_set(std::string(plan).replace(plan.find("FEES"), 4, "fees_on_consumers = true"), "fees.toml");
  ASSERT_TRUE(with) << with.status().message();
  days = forecast(*store_, *with, day("2026-03-02"), 1);
  ASSERT_TRUE(days);
  ASSERT_TRUE(days->at(0).customers.at(0).fee);
  EXPECT_EQ(days->at(0).customers.at(0).fee->amount, usd("25.00"));
}

TEST_F(CollectionScenario, TheGuardBlocksAChannelWithoutAContactAndTheStepStillCounts) {
  write([&](StoreTransaction& t) {
    auto c = store_->customer_ledger("C1");
    Customer customer = (*c)->customer;
    customer.address = {};
    return status_of(t.put_customer(customer, "test"));
  });
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  auto report = run_day(*store_, default_plan_set(), day("2026-03-02"));
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(report->actions, 1u);  // the notice by email
  EXPECT_EQ(report->blocked, 1u);  // the notice by letter: no postal address
  auto actions = store_->actions("C1", "blocked");
  ASSERT_TRUE(actions);
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_EQ(actions->at(0).channel, "letter");
  EXPECT_NE(actions->at(0).reason.find("; blocked (no-contact): no postal address on file"), std::string::npos);
  EXPECT_EQ(store_->outbox("queued", "C1", false)->size(), 1u);  // only the email is queued
  // The ladder goes on: the first call follows the notice a week later.
  auto later = run_day(*store_, default_plan_set(), day("2026-03-09"));
  ASSERT_TRUE(later);
  EXPECT_EQ(later->customers.at(0).plan.action->step, "first-call");
}

TEST_F(CollectionScenario, ATimeBarredConsumerDebtIsNeverThreatenedWithSuit) {
  write([&](StoreTransaction& t) {
    auto c = store_->customer_ledger("C1");
    Customer consumer = (*c)->customer;
    consumer.kind = CustomerKind::kConsumer;
    consumer.region = "NY";
    consumer.country = "US";
    return status_of(t.put_customer(consumer, "test"));
  });
  invoice("INV-OLD", "2022-01-01", "2022-01-31", "1000.00");
  auto plans = parse_plan_set(R"(default_plan = "p"
[[plan]]
name = "p"
  [[plan.step]]
  name = "attorney-letter"
  channels = ["letter"]
  days_past_due = 30
  threatens_suit = true
)",
                              "suit.toml");
  ASSERT_TRUE(plans) << plans.status().message();
  auto report = run_day(*store_, *plans, day("2026-03-02"));
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(report->blocked, 1u);
  const GuardDecision& d = report->customers.at(0).guard.at(0);
  EXPECT_EQ(d.rule, "time-barred");
  EXPECT_EQ(d.reason,
            "no suit or threat of suit on a time-barred debt: the oldest open invoice fell due on 2022-01-31; the "
            "limitation period in US-NY is 3 years (N.Y. CPLR 214-i, consumer credit transactions; no revival by "
            "later payment), ended 2025-01-31");
}

TEST_F(CollectionScenario, TheForecastWritesNothing) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  auto days = forecast(*store_, default_plan_set(), day("2026-02-01"), 40);
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 40u);
  EXPECT_EQ((*days)[2].customers.at(0).plan.action->step, "reminder");
  EXPECT_EQ((*days)[29].customers.at(0).plan.action->step, "notice");
  EXPECT_EQ((*days)[36].customers.at(0).plan.action->step, "first-call");
  EXPECT_TRUE(store_->actions("", "")->empty());
  EXPECT_FALSE(*store_->last_run());
}

TEST_F(CollectionScenario, TheWorklistRanksOpenCallsByExpectedValue) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  walk(kFirst, "2026-03-09");
  auto items = worklist(*store_, day("2026-03-09"), *Timestamp::parse("2026-03-09T15:30:00Z"));
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u);
  const WorkItem& w = (*items)[0];
  EXPECT_EQ(w.task.step, "first-call");
  EXPECT_EQ(w.days_past_due, 37);
  EXPECT_EQ(w.overdue, usd("1000.00"));
  EXPECT_EQ(w.expected, usd("876.70"));                    // 100% - 30% x 37/90 = 87.67%
  EXPECT_EQ(w.local_time, "10:30 Mon (America/Chicago)");  // daylight saving time began 2026-03-08
  ASSERT_EQ(w.phones.size(), 1u);
  EXPECT_EQ(w.history, (std::vector<std::string>{"2026-03-02 notice (letter)", "2026-03-02 notice (email)",
                                                 "2026-02-03 reminder (email)"}));
  CallLog call{"C1", CallOutcome::kNoAnswer, day("2026-03-09"), std::nullopt, std::nullopt, "", ""};
  ASSERT_TRUE(log_call(*store_, default_plan_set(), call, "user clerk").is_ok());
  EXPECT_TRUE(worklist(*store_, day("2026-03-09"), clock_.now())->empty());
}

TEST(CollectabilityTest, FollowsThePriors) {
  EXPECT_EQ(collectable_minor_units(100000, 0), 100000);
  EXPECT_EQ(collectable_minor_units(100000, 90), 70000);
  EXPECT_EQ(collectable_minor_units(100000, 180), 50000);
  EXPECT_EQ(collectable_minor_units(100000, 365), 25000);
  EXPECT_EQ(collectable_minor_units(100000, 730), 10000);
  EXPECT_EQ(collectable_minor_units(100000, 1000), 5000);
  EXPECT_EQ(collectable_minor_units(100000, 45), 85000);
}

TEST(ShardTest, EveryCustomerIsInExactlyOnePartAndStaysThere) {
  const Shard one = *Shard::parse("1/3");
  const Shard two = *Shard::parse("2/3");
  const Shard three = *Shard::parse("3/3");
  // Pinned: changing the hash would move customers between machines from one day to the next.
  EXPECT_TRUE(one.owns("C0001"));
  EXPECT_TRUE(one.owns("C0002"));
  EXPECT_TRUE(two.owns("C0003"));
  EXPECT_TRUE(two.owns("ACME-17"));
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const std::string id = "C" + std::to_string(i);
    const int parts = one.owns(id) + two.owns(id) + three.owns(id);
    ASSERT_EQ(parts, 1) << id;
    counts[one.owns(id) ? 0 : two.owns(id) ? 1 : 2]++;
  }
  for (int c : counts) EXPECT_GT(c, 900);
  EXPECT_TRUE(Shard{}.owns("anything"));
  EXPECT_EQ(two.to_string(), "2/3");
}

TEST(ShardTest, ABadShardIsNamed) {
  EXPECT_EQ(Shard::parse("2").status().message(), "is not K/N (this machine's part K of N parts, such as 2/3)");
  EXPECT_EQ(Shard::parse("a/3").status().message(), "is not K/N (this machine's part K of N parts, such as 2/3)");
  EXPECT_EQ(Shard::parse("4/3").status().message(), "names part 4 of 3: the part is 1 to 3");
  EXPECT_EQ(Shard::parse("0/3").status().message(), "names part 0 of 3: the part is 1 to 3");
  EXPECT_EQ(Shard::parse("1/0").status().message(), "splits the customers into 1 to 1024 parts, not 0");
  EXPECT_EQ(*Shard::parse("1/1"), Shard{});
}

// Every line a report would show: each customer's action, skipped steps, events, the guard's
// verdicts and what held it, then the totals.
std::vector<std::string> describe(const RunReport& report) {
  std::vector<std::string> out;
  const auto add = [&out](const char* list, const CustomerDay& c) {
    std::string line = std::string(list) + " " + c.customer_id + ":";
    if (c.plan.action) line += " " + c.plan.action->step + " (" + c.plan.action->reason + ")";
    for (const SkippedStep& s : c.plan.skipped) line += " skipped " + s.step;
    for (const PlannerEvent& e : c.plan.events) line += " event " + e.detail;
    for (const GuardDecision& g : c.guard) line += " guard " + g.rule + " " + g.reason;
    if (c.fee) line += " fee " + c.fee->amount.to_string();
    if (!c.plan.held.empty()) line += " held " + c.plan.held;
    out.push_back(line);
  };
  for (const CustomerDay& c : report.customers) add("day", c);
  for (const HeldCustomer& c : report.held) out.push_back("held " + c.customer_id + ": held " + c.reason);
  out.push_back("actions " + std::to_string(report.actions) + " blocked " + std::to_string(report.blocked) +
                " skipped " + std::to_string(report.skipped) + " events " + std::to_string(report.events) + " fees " +
                std::to_string(report.fees));
  return out;
}

// A one-day forecast is planned as the run plans (on the planning threads, without holding the
// ledger); a longer one carries each customer's state from day to day. Their first days agree.
TEST_F(CollectionScenario, AOneDayForecastIsTheFirstDayOfALongerOne) {
  invoice("INV-1", "2026-01-01", "2026-01-31", "1000.00");
  invoice("INV-2", "2026-01-10", "2026-02-09", "250.00");
  auto one = forecast(*store_, default_plan_set(), day("2026-03-09"), 1);
  auto three = forecast(*store_, default_plan_set(), day("2026-03-09"), 3);
  ASSERT_TRUE(one && three);
  ASSERT_EQ(one->size(), 1u);
  ASSERT_EQ(three->size(), 3u);
  EXPECT_EQ((*one)[0].as_of, day("2026-03-09"));
  ASSERT_EQ((*one)[0].customers.size(), 1u);
  EXPECT_EQ(describe((*one)[0]), describe((*three)[0]));
  EXPECT_TRUE(store_->actions("", "")->empty());
}

// Planning on several threads gives exactly the report planning one customer after another does,
// in the same order, over enough customers to fill several batches.
TEST(DayPlannerTest, ThreadsChangeNothingButTheTime) {
  std::vector<CustomerLedger> ledgers;
  std::unordered_map<std::string, CollectionState> states;
  for (int n = 0; n < 5000; ++n) {
    CustomerLedger l;
    l.customer.id = "C" + std::to_string(100000 + n);
    l.customer.name = "Customer " + std::to_string(n);
    l.customer.kind = n % 4 == 0 ? CustomerKind::kConsumer : CustomerKind::kBusiness;
    l.customer.country = "US";
    l.customer.timezone = "America/Chicago";
    l.customer.currency = kUsd;
    if (n % 7 != 0) l.customer.contacts.push_back({ContactChannel::kEmail, ContactType::kWork, "ap@example.com"});
    if (n % 5 != 0) l.customer.contacts.push_back({ContactChannel::kPhone, ContactType::kWork, "+1 512 555 0100"});
    l.customer.address = {"1 Main St", "", "Austin", "78701"};
    for (int i = 0; i < 1 + n % 6; ++i) {
      const Date due = day("2026-03-31").plus_days(-((n * 13 + i * 29) % 150));
      l.invoices.push_back({"INV-" + std::to_string(n) + "-" + std::to_string(i), l.customer.id, due.plus_days(-30),
                            due, Money::from_minor(10000 + 97 * n + i, kUsd), "", ""});
    }
    if (n % 3 == 0) {
      l.payments.push_back({"PAY-" + std::to_string(n), l.customer.id, day("2026-03-01"), Money::from_minor(5000, kUsd),
                            "card", "", ""});
    }
    ledgers.push_back(std::move(l));
  }
  const Date on = day("2026-03-31");
  RunReport one_by_one;  // the reference: what the run did before it had threads
  {
    DayPlanner planner(default_plan_set(), {}, states, on, 1);
    for (const CustomerLedger& l : ledgers) ASSERT_TRUE(planner.add(l).is_ok());
    auto report = planner.finish();
    ASSERT_TRUE(report) << report.status().message();
    one_by_one = std::move(*report);
  }
  const std::vector<std::string> expected = describe(one_by_one);
  ASSERT_GT(one_by_one.customers.size(), 3000u);  // most customers have something to do
  ASSERT_GT(one_by_one.actions, 1000u);
  ASSERT_GT(one_by_one.blocked, 0u);
  ASSERT_GT(one_by_one.skipped, 0u);
  for (int threads : {2, 3, 8}) {
    DayPlanner planner(default_plan_set(), {}, states, on, threads);
    for (const CustomerLedger& l : ledgers) ASSERT_TRUE(planner.add(l).is_ok());
    auto report = planner.finish();
    ASSERT_TRUE(report) << report.status().message();
    EXPECT_EQ(describe(*report), expected) << threads << " threads";
  }
}

// Two machines split a day's run: together their parts do exactly what one whole run does.
class ShardedRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("shards");
    GenerateOptions g;
    g.customers = 60;
    g.invoices = 600;
    g.seed = 11;
    g.as_of = day("2026-03-31");
    ASSERT_TRUE(generate_ledger_csv(g, dir_.string()));
    for (const char* name : {"parts.db", "whole.db"}) {
      auto store = testing::open_test_store((dir_ / name).string(), clock_, OpenMode::kCreateIfMissing);
      ASSERT_TRUE(store) << store.status().message();
      ASSERT_TRUE(testing::import_ledger_files(**store, dir_).is_ok());
      (std::string_view(name) == "parts.db" ? parts_ : whole_) = std::move(*store);
    }
  }
  void TearDown() override {
    parts_.reset();
    whole_.reset();
    std::filesystem::remove_all(dir_);
  }
  Result<RunReport> run(Store& store, std::string_view shard, std::string_view on = "2026-03-31") {
    RunOptions options;
    if (!shard.empty()) options.shard = *Shard::parse(shard);
    return run_day(store, default_plan_set(), day(on), {}, options);
  }
  // Every action of the store, as "CUSTOMER DAY STEP CHANNEL STATUS", sorted.
  std::vector<std::string> actions(Store& store) {
    std::vector<std::string> out;
    auto list = store.actions("", "");
    if (!list) return {list.status().message()};
    for (const ActionRecord& a : *list) {
      out.push_back(a.customer_id + " " + a.on.to_string() + " " + a.step + " " + a.channel + " " + a.status);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  FixedClock clock_{"2026-03-31T06:00:00Z"};
  std::filesystem::path dir_;
  std::unique_ptr<Store> parts_;
  std::unique_ptr<Store> whole_;
};

TEST_F(ShardedRunTest, TwoPartsDoWhatOneWholeRunDoesAndTheDayIsRunWhenBothAre) {
  auto first = run(*parts_, "1/2");
  ASSERT_TRUE(first) << first.status().message();
  EXPECT_EQ(first->part, "1/2");
  for (const CustomerDay& c : first->customers) EXPECT_TRUE(Shard::parse("1/2")->owns(c.customer_id)) << c.customer_id;
  EXPECT_FALSE(parts_->last_run().value());  // half the customers are still to be run
  EXPECT_EQ(parts_->last_run_part(1, 2).value(), day("2026-03-31"));

  // The same part again adds nothing; a whole run or another split of the day is refused.
  auto again = run(*parts_, "1/2");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already_run);
  EXPECT_EQ(run(*parts_, "").status().message(),
            "the day 2026-03-31 is being run in 2 parts; run the rest of them (squeaky run --shard K/2)");
  EXPECT_EQ(run(*parts_, "3/3").status().message(), "the day 2026-03-31 is being run in 2 parts, not 3");

  auto second = run(*parts_, "2/2");
  ASSERT_TRUE(second) << second.status().message();
  EXPECT_EQ(parts_->last_run().value(), day("2026-03-31"));
  auto whole = run(*whole_, "");
  ASSERT_TRUE(whole);
  EXPECT_GT(whole->actions, 0u);
  EXPECT_EQ(first->actions + second->actions, whole->actions);
  EXPECT_EQ(first->customers.size() + second->customers.size(), whole->customers.size());
  EXPECT_EQ(actions(*parts_), actions(*whole_));
  // The last part recorded the day's totals, as a whole run does.
  std::vector<JournalEntry> completed;
  ASSERT_TRUE(parts_
                  ->for_each_journal_entry([&](const JournalEntry& e) {
                    if (e.kind == "run.completed" || e.kind == "run.part_completed") completed.push_back(e);
                    return Status::ok();
                  })
                  .is_ok());
  ASSERT_EQ(completed.size(), 3u);
  EXPECT_EQ(completed[0].actor, "run 2026-03-31 part 1/2");
  EXPECT_EQ(completed[2].kind, "run.completed");
  EXPECT_NE(completed[2].payload.find("\"actions\":" + std::to_string(whole->actions)), std::string::npos)
      << completed[2].payload;

  // A part goes forward in time on its own, and a whole day after the split is run as usual.
  EXPECT_EQ(run(*parts_, "1/2", "2026-03-30").status().message(),
            "the day 2026-03-30 cannot be run after 2026-03-31 was: runs go forward in time");
  auto next = run(*parts_, "", "2026-04-01");
  ASSERT_TRUE(next) << next.status().message();
  EXPECT_EQ(parts_->last_run().value(), day("2026-04-01"));
}

}  // namespace
}  // namespace squeaky
