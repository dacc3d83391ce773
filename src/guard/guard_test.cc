#include "guard/guard.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

Timestamp at(std::string_view utc) { return *Timestamp::parse(utc); }
Date day(std::string_view text) { return *Date::parse(text); }

GuardDecision hours(std::vector<std::string> zones, std::string_view utc) {
  return check_hours(zones, at(utc), GuardSettings{});
}

TEST(GuardHours, InsideTheWindowIsAllowed) {
  const auto d = hours({"America/Chicago"}, "2026-11-24T15:00:00Z");  // 09:00 CST
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.reason, "");
}

TEST(GuardHours, BeforeEightIsDeferredToEightLocal) {
  const auto d = hours({"America/Chicago"}, "2026-11-24T13:40:00Z");  // 07:40 CST
  EXPECT_EQ(d.verdict, Verdict::kDefer);
  EXPECT_EQ(d.rule, "quiet-hours");
  EXPECT_EQ(d.until->to_string(), "2026-11-24T14:00:00Z");
  EXPECT_EQ(d.reason, "07:40 at the debtor (America/Chicago) is before 08:00; opens 08:00 CST");
}

TEST(GuardHours, AfterNineInTheEveningWaitsForTheNextMorning) {
  const auto d = hours({"America/New_York"}, "2026-11-25T02:30:00Z");  // 21:30 EST on the 24th
  EXPECT_EQ(d.verdict, Verdict::kDefer);
  EXPECT_EQ(d.until->to_string(), "2026-11-25T13:00:00Z");
  EXPECT_EQ(d.reason, "21:30 at the debtor (America/New_York) is at or after 21:00; opens 08:00 EST");
}

TEST(GuardHours, SummerTimeMovesTheWindow) {
  const auto d = hours({"America/New_York"}, "2026-07-01T11:30:00Z");  // 07:30 EDT
  EXPECT_EQ(d.until->to_string(), "2026-07-01T12:00:00Z");
}

TEST(GuardHours, TheDayClocksGoForwardAndBack) {
  // 8 March 2026: New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00.
  EXPECT_EQ(hours({"America/New_York"}, "2026-03-08T11:30:00Z").until->to_string(), "2026-03-08T12:00:00Z");
  EXPECT_EQ(hours({"America/New_York"}, "2026-03-08T12:00:00Z").verdict, Verdict::kAllow);  // 08:00 EDT
  // 1 November 2026: back to EST at 02:00; the window opens an hour later in UTC.
  EXPECT_EQ(hours({"America/New_York"}, "2026-11-01T12:30:00Z").until->to_string(), "2026-11-01T13:00:00Z");
  // The evening before the change, 21:00 EDT is 01:00Z; the next morning opens at 08:00 EST.
  const auto night = hours({"America/New_York"}, "2026-11-01T01:30:00Z");
  EXPECT_EQ(night.reason, "21:30 at the debtor (America/New_York) is at or after 21:00; opens 08:00 EST");
  EXPECT_EQ(night.until->to_string(), "2026-11-01T13:00:00Z");
}

TEST(GuardHours, EasternAndPacificMeansElevenToNineEastern) {
  const std::vector<std::string> both = {"America/New_York", "America/Los_Angeles"};
  const auto early = hours(both, "2026-11-24T14:00:00Z");  // 09:00 EST, 06:00 PST
  EXPECT_EQ(early.verdict, Verdict::kDefer);
  EXPECT_EQ(early.until->to_string(), "2026-11-24T16:00:00Z");  // 11:00 EST
  EXPECT_EQ(early.reason,
            "06:00 at the debtor (America/Los_Angeles) is before 08:00; opens 11:00 EST (convenient in all of "
            "America/New_York, America/Los_Angeles)");
  EXPECT_EQ(hours(both, "2026-11-24T16:00:00Z").verdict, Verdict::kAllow);  // 11:00 EST
  EXPECT_EQ(hours(both, "2026-11-25T01:59:00Z").verdict, Verdict::kAllow);  // 20:59 EST
  EXPECT_EQ(hours(both, "2026-11-25T02:00:00Z").verdict, Verdict::kDefer);  // 21:00 EST
}

TEST(GuardHours, AnUnknownZoneUsesHoursConvenientInEveryDefaultZone) {
  Customer customer;
  const auto zones = zones_of(customer, GuardSettings{});
  ASSERT_EQ(zones.size(), 4u);
  const auto d = check_hours(zones, at("2026-11-24T15:00:00Z"), GuardSettings{});  // 10:00 EST, 07:00 PST
  EXPECT_EQ(d.verdict, Verdict::kDefer);
  EXPECT_EQ(d.until->to_string(), "2026-11-24T16:00:00Z");
}

TEST(GuardHours, SeveralZonesOnTheCustomerAreAllHonoured) {
  Customer customer;
  customer.timezone = "America/New_York America/Los_Angeles";
  EXPECT_EQ(zones_of(customer, GuardSettings{}), (std::vector<std::string>{"America/New_York", "America/Los_Angeles"}));
}

TEST(GuardHours, ZonesWithNoCommonHourAreBlocked) {
  const auto d = hours({"Europe/London", "Asia/Shanghai", "America/Los_Angeles"}, "2026-11-24T12:00:00Z");
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_EQ(d.reason,
            "no hour from 08:00 to 21:00 is convenient in every zone (Europe/London, Asia/Shanghai, "
            "America/Los_Angeles)");
}

Customer of_kind(CustomerKind kind) {
  Customer c;
  c.kind = kind;
  return c;
}

CallRecord call(std::string_view on, CallOutcome outcome) { return {0, "C1", day(on), outcome, ""}; }

const ContactRules kConsumer = rules_for(of_kind(CustomerKind::kConsumer), GuardSettings{});

TEST(GuardCalls, NoCallWithinSevenDaysOfAConversationCountingItsDayAsDayOne) {
  const std::vector<CallRecord> calls = {call("2026-08-14", CallOutcome::kPromise)};
  const auto d = check_call_frequency(kConsumer, calls, day("2026-08-20"), GuardSettings{});
  EXPECT_EQ(d.verdict, Verdict::kDefer);
  EXPECT_EQ(d.rule, "call-frequency");
  EXPECT_EQ(d.until->utc_date().to_string(), "2026-08-21");
  EXPECT_EQ(d.reason, "a conversation on 2026-08-14 (day 1); no call within 7 days of it, next call 2026-08-21");
  EXPECT_EQ(check_call_frequency(kConsumer, calls, day("2026-08-21"), GuardSettings{}).verdict, Verdict::kAllow);
}

TEST(GuardCalls, AtMostSevenAttemptsInAnySevenDays) {
  std::vector<CallRecord> calls;
  for (int d = 1; d <= 7; ++d) calls.push_back(call("2026-08-0" + std::to_string(d), CallOutcome::kNoAnswer));
  const auto d = check_call_frequency(kConsumer, calls, day("2026-08-07"), GuardSettings{});
  EXPECT_EQ(d.verdict, Verdict::kDefer);
  EXPECT_EQ(d.reason, "7 call attempts from 2026-08-01 to 2026-08-07 (at most 7 in 7 days); next call 2026-08-08");
  EXPECT_EQ(check_call_frequency(kConsumer, calls, day("2026-08-08"), GuardSettings{}).verdict, Verdict::kAllow);
}

TEST(GuardCalls, CallsThatNeverConnectedDoNotCount) {
  std::vector<CallRecord> calls;
  for (int d = 1; d <= 7; ++d) calls.push_back(call("2026-08-0" + std::to_string(d), CallOutcome::kNoConnection));
  EXPECT_EQ(check_call_frequency(kConsumer, calls, day("2026-08-07"), GuardSettings{}).verdict, Verdict::kAllow);
}

TEST(GuardCalls, CommercialAccountsHaveNoFrequencyRule) {
  const auto commercial = rules_for(of_kind(CustomerKind::kBusiness), GuardSettings{});
  const std::vector<CallRecord> calls = {call("2026-08-14", CallOutcome::kPromise)};
  EXPECT_EQ(check_call_frequency(commercial, calls, day("2026-08-15"), GuardSettings{}).verdict, Verdict::kAllow);
}

TEST(GuardRules, ChosenByKindAndParty) {
  GuardSettings settings;
  EXPECT_EQ(rules_for(of_kind(CustomerKind::kBusiness), settings).name, "commercial");
  const auto first = rules_for(of_kind(CustomerKind::kConsumer), settings);
  EXPECT_TRUE(first.consumer);
  EXPECT_FALSE(first.validation_notice);
  settings.party = Party::kThird;
  const auto third = rules_for(of_kind(CustomerKind::kConsumer), settings);
  EXPECT_TRUE(third.validation_notice);
  EXPECT_EQ(third.name, "consumer, third party (Regulation F)");
  settings.party = Party::kFirst;
  settings.consumer_rules_for_first_party = false;
  EXPECT_FALSE(rules_for(of_kind(CustomerKind::kConsumer), settings).consumer);
}

CustomerLedger ledger_with(std::vector<Contact> contacts) {
  CustomerLedger ledger;
  ledger.customer.id = "C1";
  ledger.customer.contacts = std::move(contacts);
  ledger.customer.address = {"1 Main St", "", "Springfield", "12345"};
  return ledger;
}

TEST(GuardChannel, AnOptedOutChannelIsNeverUsed) {
  const Contact email{ContactChannel::kEmail, ContactType::kHome, "a@example.com", true, false};
  CollectionState state;
  EXPECT_EQ(check_channel(kConsumer, ledger_with({email}), state, Channel::kEmail, "notice").verdict, Verdict::kAllow);
  state.opt_outs.push_back({1, "email", "", day("2026-11-01"), ""});
  const auto d = check_channel(kConsumer, ledger_with({email}), state, Channel::kEmail, "notice");
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_EQ(d.rule, "opt-out");
  EXPECT_EQ(d.reason, "the debtor opted out of every email address on file (1)");
  // Opting out of one address leaves the other.
  state.opt_outs = {{1, "email", "a@example.com", day("2026-11-01"), ""}};
  const Contact other{ContactChannel::kEmail, ContactType::kHome, "b@example.com", true, false};
  EXPECT_EQ(check_channel(kConsumer, ledger_with({email, other}), state, Channel::kEmail, "notice").verdict,
            Verdict::kAllow);
}

TEST(GuardChannel, ConsumersAreNotEmailedAtWork) {
  const Contact work{ContactChannel::kEmail, ContactType::kWork, "pat@employer.example", true, false};
  const auto d = check_channel(kConsumer, ledger_with({work}), {}, Channel::kEmail, "notice");
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_EQ(d.reason, "no email address on file the debtor has not opted out of, other than a work address");
  const auto commercial = rules_for(of_kind(CustomerKind::kBusiness), GuardSettings{});
  EXPECT_EQ(check_channel(commercial, ledger_with({work}), {}, Channel::kEmail, "notice").verdict, Verdict::kAllow);
}

TEST(GuardChannel, DoNotCallNumbersAndMissingContacts) {
  const Contact phone{ContactChannel::kPhone, ContactType::kMobile, "+15551234567", true, true};
  const auto d = check_channel(kConsumer, ledger_with({phone}), {}, Channel::kCall, "first-call");
  EXPECT_EQ(d.reason, "the debtor opted out of every phone number on file (1)");
  EXPECT_EQ(check_channel(kConsumer, ledger_with({}), {}, Channel::kEmail, "notice").reason,
            "no email address on file");
  auto no_address = ledger_with({});
  no_address.customer.address = {};
  EXPECT_EQ(check_channel(kConsumer, no_address, {}, Channel::kLetter, "notice").reason, "no postal address on file");
}

TEST(GuardChannel, AfterCeaseOnlyThePermittedNoticesGoOut) {
  CollectionState state;
  state.flags.push_back({StopFlag::kCeaseCommunication, day("2026-11-02"), "letter received"});
  const auto ledger = ledger_with({{ContactChannel::kEmail, ContactType::kHome, "a@example.com", true, false}});
  const auto d = check_channel(kConsumer, ledger, state, Channel::kLetter, "final-demand");
  EXPECT_EQ(d.verdict, Verdict::kBlock);
  EXPECT_EQ(d.rule, "cease-communication");
  EXPECT_EQ(check_channel(kConsumer, ledger, state, Channel::kLetter, "cease-confirmation").verdict, Verdict::kAllow);
  EXPECT_EQ(check_channel(kConsumer, ledger, state, Channel::kAgency, "placement").verdict, Verdict::kAllow);
  state.flags = {{StopFlag::kBankruptcy, day("2026-11-02"), ""}};
  EXPECT_EQ(check_channel(kConsumer, ledger, state, Channel::kEmail, "reminder").reason,
            "bankruptcy flag set on 2026-11-02");
}

TEST(GuardTimeBar, ConsumerDebtInNewYorkIsTimeBarredAfterThreeYears) {
  Customer customer = of_kind(CustomerKind::kConsumer);
  customer.country = "US";
  customer.region = "NY";
  const GuardSettings settings;
  EXPECT_FALSE(time_barred(settings, customer, day("2022-01-10"), day("2025-01-10")));
  EXPECT_EQ(time_barred(settings, customer, day("2022-01-10"), day("2025-01-11")).value_or(""),
            "the oldest open invoice fell due on 2022-01-10; the limitation period in US-NY is 3 years (N.Y. CPLR "
            "214-i, consumer credit transactions; no revival by later payment), ended 2025-01-10");
  customer.kind = CustomerKind::kBusiness;  // a contract debt: six years
  EXPECT_FALSE(time_barred(settings, customer, day("2022-01-10"), day("2025-01-11")));
  customer.country = "JP";  // not in the table: the conservative default
  customer.region = "";
  EXPECT_TRUE(time_barred(settings, customer, day("2022-01-10"), day("2025-01-11")));
}

TEST(GuardTimeBar, LimitationFileErrorsNameLineAndKey) {
  const auto parsed = parse_limitation_table(
      "[[limitation]]\njurisdiction = \"US-NY\"\nyears = 0\n\n[[limitation]]\nyers = 3\n", "limits.toml");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.status().message(),
            "limits.toml:3: key 'years' must be a whole number of years from 1 to 100\n"
            "limits.toml:6: key 'yers' is not a key of [[limitation]] (jurisdiction, kind, years, source)\n"
            "limits.toml:5: key 'jurisdiction' is missing (as \"US-NY\", \"GB\" or \"*\")\n"
            "limits.toml:5: key 'years' is missing");
}

TEST(GuardValidation, PeriodEndsThirtyDaysAfterAssumedReceipt) {
  // Sent Friday 20 November 2026; receipt five business days later skipping the weekends and
  // Thanksgiving (Thursday 26 November): Monday 30 November; the period ends 30 days after.
  const auto calendar = holiday_calendar("us-federal");
  ASSERT_TRUE(calendar);
  EXPECT_EQ(validation_period_end(day("2026-11-20"), *calendar).to_string(), "2026-12-30");
}

}  // namespace
}  // namespace squeaky
