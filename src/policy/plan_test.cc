#include "policy/plan.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace squeaky {
namespace {

Currency cur(std::string_view code) { return *Currency::from_code(code); }

Money money(std::string_view text, std::string_view code) { return *Money::parse(text, cur(code)); }

Customer customer_in(std::string_view code) {
  Customer c;
  c.id = "C1";
  c.currency = cur(code);
  return c;
}

// "name: channels, trigger" for each step, to compare whole ladders at a glance.
std::vector<std::string> ladder(const Plan& plan) {
  std::vector<std::string> out;
  for (const PlanStep& s : plan.steps) {
    std::string line = s.name + ":";
    for (const Channel c : s.channels) line += " " + std::string(to_string(c));
    if (s.days_past_due) line += " dpd=" + std::to_string(*s.days_past_due);
    if (!s.after.empty()) line += " after=" + s.after + "+" + std::to_string(s.days_after);
    if (s.latest_days_past_due) line += " latest=" + std::to_string(*s.latest_days_past_due);
    out.push_back(line);
  }
  return out;
}

std::string error_of(std::string_view toml) {
  auto parsed = parse_plan_set(toml, "plans.toml");
  return parsed ? "ok" : parsed.status().message();
}

// A valid file to break one key at a time: the step under test is written after `steps`.
std::string one_plan(std::string_view steps) {
  return "default_plan = \"p\"\n"    // 1
         "[[plan]]\n"                // 2
         "name = \"p\"\n"            // 3
         "[[plan.step]]\n"           // 4
         "name = \"reminder\"\n"     // 5
         "channels = [\"email\"]\n"  // 6
         "days_past_due = 3\n" +     // 7
         std::string(steps);         // 8...
}

TEST(ChannelTest, NamesRoundTrip) {
  for (const Channel c : {Channel::kEmail, Channel::kLetter, Channel::kCall, Channel::kAgency}) {
    EXPECT_EQ(parse_channel(to_string(c)), c);
  }
  EXPECT_EQ(to_string(Channel::kLetter), "letter");
  EXPECT_EQ(parse_channel("fax"), std::nullopt);
  EXPECT_EQ(parse_channel("Email"), std::nullopt);
}

TEST(DefaultPlanSetTest, ParsesAndIsTheShippedFile) {
  auto parsed = parse_plan_set(default_plan_toml(), "plans/default.toml");
  ASSERT_TRUE(parsed) << parsed.status().message();
  const PlanSet& set = default_plan_set();
  EXPECT_EQ(set.default_plan, "standard");
  ASSERT_EQ(set.plans.size(), 3u);
  EXPECT_EQ(set.plans[0].name, "standard");
  EXPECT_EQ(set.plans[1].name, "large");
  EXPECT_EQ(set.plans[2].name, "hardship");
  EXPECT_EQ(&default_plan_set(), &set) << "parsed once";
}

TEST(DefaultPlanSetTest, StandardLadder) {
  const Plan* p = default_plan_set().find("standard");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ladder(*p), (std::vector<std::string>{
                            "reminder: email dpd=3",
                            "notice: letter email dpd=30",
                            "first-call: call after=notice+7",
                            "second-call: call after=first-call+5",
                            "final-demand: letter email dpd=60",
                            "placement: agency letter after=final-demand+7 latest=90",
                        }));
  EXPECT_EQ(p->payment_grace_days, 7);
  EXPECT_EQ(p->conversation_grace_days, 7);
  EXPECT_EQ(p->promise_grace_days, 3);
  EXPECT_EQ(p->instalment_grace_days, 3);
  EXPECT_EQ(p->hardship_pause_days, 30);
  EXPECT_EQ(p->hardship_plan, "hardship");
  EXPECT_EQ(p->find_step("placement")->agency, "the collection agency");
  EXPECT_NE(p->find_step("second-call")->description.find("payment plan"), std::string::npos);
  EXPECT_NE(p->find_step("final-demand")->description.find("within 7 days"), std::string::npos);
  for (const PlanStep& s : p->steps) EXPECT_FALSE(s.description.empty()) << s.name;
}

TEST(DefaultPlanSetTest, LargeLadder) {
  const Plan* p = default_plan_set().find("large");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ladder(*p), (std::vector<std::string>{
                            "reminder: email dpd=3",
                            "first-call: call dpd=15",
                            "second-call: call after=first-call+5",
                            "notice: letter email dpd=30",
                            "final-demand: letter email dpd=45",
                            "placement: agency letter after=final-demand+7 latest=90",
                        }));
  EXPECT_EQ(p->hardship_plan, "hardship");
  EXPECT_EQ(p->payment_grace_days, 7);
  EXPECT_EQ(p->conversation_grace_days, 7);
}

TEST(DefaultPlanSetTest, HardshipPlanNeverPlacesBefore120Days) {
  const Plan* p = default_plan_set().find("hardship");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ladder(*p), (std::vector<std::string>{
                            "check-in: email dpd=0",
                            "statement: letter email after=check-in+21",
                            "call: call after=statement+14",
                            "second-call: call after=call+14",
                            "final-demand: letter email dpd=105 after=second-call+14",
                            "placement: agency letter dpd=120 after=final-demand+14 latest=180",
                        }));
  EXPECT_EQ(p->hardship_plan, "");
  for (const PlanStep& s : p->steps) {
    for (const Channel c : s.channels) {
      if (c == Channel::kAgency) {
        EXPECT_GE(s.days_past_due.value_or(0), 120) << s.name;
      }
    }
  }
}

TEST(DefaultPlanSetTest, LargeRuleHasPerCurrencyThresholds) {
  const PlanSet& set = default_plan_set();
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].plan, "large");
  EXPECT_EQ(set.rules[0].min_overdue, 10000);
  EXPECT_EQ(set.rules[0].min_overdue_by_currency.at("JPY"), 1500000);
  EXPECT_EQ(set.rules[0].min_overdue_by_currency.at("KRW"), 13000000);
}

TEST(PlanTest, FindsStepsByName) {
  const Plan& p = *default_plan_set().find("standard");
  EXPECT_EQ(p.index_of("reminder"), 0);
  EXPECT_EQ(p.index_of("placement"), 5);
  EXPECT_EQ(p.index_of("nope"), -1);
  EXPECT_EQ(p.find_step("notice"), &p.steps[1]);
  EXPECT_EQ(p.find_step("nope"), nullptr);
  EXPECT_EQ(default_plan_set().find("nope"), nullptr);
}

TEST(ChooseTest, LargeFromTenThousandInTheCustomersCurrency) {
  const PlanSet& set = default_plan_set();
  const Customer c = customer_in("USD");
  EXPECT_EQ(set.choose(c, money("9999.99", "USD")).name, "standard");
  EXPECT_EQ(set.choose(c, money("10000.00", "USD")).name, "large");
  EXPECT_EQ(set.choose(c, money("0", "USD")).name, "standard");
  EXPECT_EQ(set.choose(c, money("-50", "USD")).name, "standard");
  // Three minor digits: 10,000 KWD is 10,000,000 fils.
  EXPECT_EQ(set.choose(customer_in("KWD"), money("9999.999", "KWD")).name, "standard");
  EXPECT_EQ(set.choose(customer_in("KWD"), money("10000.000", "KWD")).name, "large");
}

TEST(ChooseTest, PerCurrencyOverride) {
  const PlanSet& set = default_plan_set();
  const Customer c = customer_in("JPY");
  EXPECT_EQ(set.choose(c, money("10000", "JPY")).name, "standard");
  EXPECT_EQ(set.choose(c, money("1499999", "JPY")).name, "standard");
  EXPECT_EQ(set.choose(c, money("1500000", "JPY")).name, "large");
  EXPECT_EQ(set.choose(customer_in("KRW"), money("12999999", "KRW")).name, "standard");
  EXPECT_EQ(set.choose(customer_in("KRW"), money("13000000", "KRW")).name, "large");
}

TEST(ChooseTest, ExplicitCustomerPlanWins) {
  const PlanSet& set = default_plan_set();
  Customer c = customer_in("USD");
  c.plan = "hardship";
  EXPECT_EQ(set.choose(c, money("50000", "USD")).name, "hardship");
  c.plan = "standard";
  EXPECT_EQ(set.choose(c, money("50000", "USD")).name, "standard");
  // A plan name the set does not know falls back to the rules.
  c.plan = "retired-plan";
  EXPECT_EQ(set.choose(c, money("50000", "USD")).name, "large");
}

TEST(ChooseTest, RulesMatchKindSegmentAndAmountInOrder) {
  auto parsed = parse_plan_set(R"(
default_plan = "std"
[[rule]]
plan = "gentle"
segment = "reliable"
[[rule]]
plan = "consumer"
kind = "consumer"
[[rule]]
plan = "yen-only"
min_overdue_by_currency = { JPY = 100 }
[[plan]]
name = "std"
[[plan]]
name = "gentle"
[[plan]]
name = "consumer"
[[plan]]
name = "yen-only"
)",
                               "plans.toml");
  ASSERT_TRUE(parsed) << parsed.status().message();
  const PlanSet& set = *parsed;
  Customer c = customer_in("USD");
  EXPECT_EQ(set.choose(c, money("1000000", "USD")).name, "std")
      << "a rule with thresholds for other currencies only does not match";
  c.kind = CustomerKind::kConsumer;
  EXPECT_EQ(set.choose(c, money("1", "USD")).name, "consumer");
  c.segment = "reliable";
  EXPECT_EQ(set.choose(c, money("1", "USD")).name, "gentle") << "the first matching rule wins";
  c.segment = "slow";
  c.kind = CustomerKind::kBusiness;
  EXPECT_EQ(set.choose(c, money("1", "USD")).name, "std");
  EXPECT_EQ(set.choose(customer_in("JPY"), money("100", "JPY")).name, "yen-only");
  EXPECT_EQ(set.choose(customer_in("JPY"), money("99", "JPY")).name, "std");
}

TEST(ChooseTest, HugeThresholdDoesNotOverflow) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  auto parsed =
      parse_plan_set("default_plan = \"std\"\n[[rule]]\nplan = \"big\"\nmin_overdue = " + std::to_string(max) +
                         "\n[[plan]]\nname = \"std\"\n[[plan]]\nname = \"big\"\n",
                     "plans.toml");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_EQ(parsed->choose(customer_in("USD"), Money::from_minor(max, cur("USD"))).name, "std");
  EXPECT_EQ(parsed->choose(customer_in("JPY"), Money::from_minor(max, cur("JPY"))).name, "big");
}

TEST(PlanFileTest, MinimalFileGetsDefaults) {
  auto parsed = parse_plan_set(one_plan(""), "plans.toml");
  ASSERT_TRUE(parsed) << parsed.status().message();
  const Plan& p = parsed->plans.at(0);
  EXPECT_EQ(p.payment_grace_days, 7);
  EXPECT_EQ(p.conversation_grace_days, 7);
  EXPECT_EQ(p.promise_grace_days, 3);
  EXPECT_EQ(p.instalment_grace_days, 3);
  EXPECT_EQ(p.hardship_pause_days, 30);
  EXPECT_EQ(p.hardship_plan, "");
  EXPECT_EQ(p.steps.at(0).days_after, 0);
  EXPECT_FALSE(p.steps.at(0).latest_days_past_due);
  EXPECT_TRUE(parsed->rules.empty());
}

TEST(PlanFileTest, FeesPerCurrencyAndPercentage) {
  auto parsed = parse_plan_set(
      one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 30\n"
               "fee = { GBP = \"25.00\", JPY = \"3000\" }\nfee_percent = \"1.5\"\nfee_max = { GBP = \"50.00\" }\n"),
      "plans.toml");
  ASSERT_TRUE(parsed) << parsed.status().message();
  const PlanStep& step = parsed->plans[0].steps[1];
  EXPECT_EQ(step.fee.at("GBP").to_string(), "25.00");
  EXPECT_EQ(step.fee.at("JPY").to_string(), "3000");
  EXPECT_EQ(step.fee_percent_bp, 150);
  EXPECT_EQ(step.fee_max.at("GBP").to_string(), "50.00");
  EXPECT_FALSE(parsed->plans[0].fees_on_consumers);
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 30\n"
                              "fee = { GBP = \"25.005\" }\n")),
            "plans.toml:12: key 'fee.GBP': '25.005' has 3 decimal places; GBP allows 2");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 30\n"
                              "fee_percent = \"1.555\"\n")),
            "plans.toml:12: key 'fee_percent': '1.555' is not a percentage from 0 to 100 with at most two decimals "
            "(as \"1.5\")");
}
TEST(PlanFileTest, OneChannelMayBeAPlainString) {
  auto parsed = parse_plan_set(one_plan("[[plan.step]]\nname = \"call\"\nchannels = \"call\"\ndays_past_due = 9\n"),
                               "plans.toml");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_EQ(parsed->plans[0].steps[1].channels, std::vector<Channel>{Channel::kCall});
}

TEST(PlanFileTest, NegativeDays) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = -3\n")),
            "plans.toml:11: key 'days_past_due': -3 is negative");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\npayment_grace_days = -1\n"),
            "plans.toml:4: key 'payment_grace_days': -1 is negative");
}

TEST(PlanFileTest, WrongTypesAndTooManyDays) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = \"30\"\n")),
            "plans.toml:11: key 'days_past_due': expected a whole number, found a string '30'");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 7.5\n")),
            "plans.toml:11: key 'days_past_due': expected a whole number, found a decimal number 7.5");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 40000\n")),
            "plans.toml:11: key 'days_past_due': 40000 is more than 36500 days");
}

TEST(PlanFileTest, UnknownKeys) {
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[plan.step]]\nname = \"reminder\"\n"
                     "channels = [\"email\"]\ndayz_past_due = 3\ndays_past_due = 3\n"),
            "plans.toml:7: unknown key 'dayz_past_due' in step 'reminder'");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\npayment_grace = 3\n"),
            "plans.toml:4: unknown key 'payment_grace' in plan 'p'");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[rule]]\nplan = \"p\"\nmin_ovedue = 5\n"),
            "plans.toml:6: unknown key 'min_ovedue' in rule 1");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plans]]\nname = \"p\"\n"),
            "plans.toml:1: key 'default_plan': unknown plan 'p'\n"
            "plans.toml:2: unknown key 'plans' (the top level holds 'default_plan', [[plan]] and [[rule]])");
}

TEST(PlanFileTest, TomlSyntaxErrorsGiveTheirLine) {
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = = \"p\"\n"),
            "plans.toml:3: invalid TOML: error while parsing value: could not determine value type");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\nname = \"q\"\n").substr(0, 33),
            "plans.toml:4: invalid TOML: error");
}

TEST(PlanFileTest, AfterMustNameAnEarlierStep) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"call\"\nchannels = [\"call\"]\nafter = \"notice\"\n"
                              "[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 30\n")),
            "plans.toml:11: key 'after': 'notice' is not an earlier step of plan 'p'");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"call\"\nchannels = [\"call\"]\nafter = \"call\"\n")),
            "plans.toml:11: key 'after': 'call' is not an earlier step of plan 'p'");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"call\"\nchannels = [\"call\"]\ndays_past_due = 9\n"
                              "days_after = 2\n")),
            "plans.toml:12: key 'days_after' needs key 'after' (the step it counts from)");
}

TEST(PlanFileTest, Channels) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"fax\"\nchannels = [\"email\", \"fax\"]\ndays_past_due = 9\n")),
            "plans.toml:10: key 'channels': 'fax' is not a channel (email, letter, call, agency)");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"x\"\nchannels = []\ndays_past_due = 9\n")),
            "plans.toml:10: key 'channels' is empty");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"x\"\nchannels = [\"email\", \"email\"]\ndays_past_due = 9\n")),
            "plans.toml:10: key 'channels': 'email' is listed twice");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"x\"\ndays_past_due = 9\n")),
            "plans.toml:8: step 'x' has no key 'channels'");
}

TEST(PlanFileTest, AgencyStepNeedsAnAgency) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"placement\"\nchannels = [\"agency\"]\ndays_past_due = 90\n")),
            "plans.toml:8: step 'placement' has channel 'agency' but no key 'agency' (who receives the account)");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"placement\"\nchannels = [\"agency\"]\ndays_past_due = 90\n"
                              "agency = \"\"\n")),
            "plans.toml:12: key 'agency' is empty; name who receives the account");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 30\n"
                              "agency = \"Acme Recoveries\"\n")),
            "plans.toml:12: key 'agency' is only for a step with channel 'agency'");
}

TEST(PlanFileTest, DuplicateNames) {
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[plan]]\nname = \"p\"\n"),
            "plans.toml:5: plan 'p' is defined twice (first at line 3)");
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"reminder\"\nchannels = [\"email\"]\ndays_past_due = 9\n")),
            "plans.toml:9: step 'reminder' is defined twice in plan 'p' (first at line 5)");
}

TEST(PlanFileTest, UnknownPlanReferences) {
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[rule]]\nplan = \"big\"\n[[plan]]\nname = \"p\"\n"),
            "plans.toml:3: key 'plan': unknown plan 'big'");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\nhardship_plan = \"soft\"\n"),
            "plans.toml:4: key 'hardship_plan': unknown plan 'soft'");
  EXPECT_EQ(error_of("default_plan = \"q\"\n[[plan]]\nname = \"p\"\n"),
            "plans.toml:1: key 'default_plan': unknown plan 'q'");
  EXPECT_EQ(error_of("[[plan]]\nname = \"p\"\n"),
            "plans.toml:1: key 'default_plan' is missing: it names the plan for customers no rule chooses");
}

TEST(PlanFileTest, StepNeedsATrigger) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\n")),
            "plans.toml:8: step 'notice' has neither 'days_past_due' nor 'after'");
}

TEST(PlanFileTest, LatestCannotComeBeforeTheTrigger) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"letter\"]\ndays_past_due = 30\n"
                              "latest_days_past_due = 20\n")),
            "plans.toml:12: key 'latest_days_past_due': 20 is less than days_past_due 30");
}

TEST(PlanFileTest, NamesAndRules) {
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"my plan\"\n[[plan]]\nname = \"p\"\n"),
            "plans.toml:3: key 'name': 'my plan' is not a name (use letters, digits, '-' and '_', no spaces)");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[plan]]\ndescription = \"x\"\n"),
            "plans.toml:4: plan has no key 'name'");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[rule]]\nkind = \"business\"\n"),
            "plans.toml:4: rule 1 has no key 'plan'");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[rule]]\nplan = \"p\"\nkind = \"person\"\n"),
            "plans.toml:6: key 'kind': 'person' is not a customer kind (business, consumer)");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[rule]]\nplan = \"p\"\nmin_overdue = -5\n"),
            "plans.toml:6: key 'min_overdue': -5 is negative");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[rule]]\nplan = \"p\"\n"
                     "min_overdue_by_currency = { YEN = 5 }\n"),
            "plans.toml:6: key 'min_overdue_by_currency': 'YEN' is not an ISO 4217 currency code");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[[plan]]\nname = \"p\"\n[[rule]]\nplan = \"p\"\n"
                     "min_overdue_by_currency = { JPY = -5 }\n"),
            "plans.toml:6: key 'min_overdue_by_currency.JPY': -5 is negative");
  EXPECT_EQ(error_of("default_plan = \"p\"\n[plan]\nname = \"p\"\n"),
            "plans.toml:1: key 'default_plan': unknown plan 'p'\n"
            "plans.toml:2: key 'plan': expected an array of tables ([[plan]]), found a table");
}

TEST(PlanFileTest, EveryErrorIsReportedInLineOrder) {
  EXPECT_EQ(error_of(one_plan("[[plan.step]]\nname = \"notice\"\nchannels = [\"fax\"]\ndays_past_due = -1\n"
                              "[[rule]]\nplan = \"nope\"\n")),
            "plans.toml:10: key 'channels': 'fax' is not a channel (email, letter, call, agency)\n"
            "plans.toml:11: key 'days_past_due': -1 is negative\n"
            "plans.toml:13: key 'plan': unknown plan 'nope'");
}

}  // namespace
}  // namespace squeaky
