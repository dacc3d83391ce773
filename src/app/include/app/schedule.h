// The daily work `squeaky serve` does by itself, with no cron: the day's run at the business's
// local `run_at`, and sending the emails that are due every few minutes ([server] in
// docs/settings.md). Deciding what is due is pure: the caller gives "now" and what was last done.
#pragma once

#include <optional>

#include "app/settings.h"
#include "core/date.h"

namespace squeaky {

struct ScheduledWork {
  std::optional<Date> run;  // run this business day now
  bool send = false;        // send the due emails now
  Timestamp next;           // when something will next be due, if nothing else happens
};

// The business's calendar day at `now`, in settings.timezone.
Date business_day(const ServerSettings& settings, Timestamp now);

// What is due at `now`, given the day last run and when emails were last sent. The business day
// is the calendar day in `settings.timezone`; its run is due from `run_at` local time on, and a
// day missed (the server was down) is not replayed: the next day's run fires whatever steps are
// due by then. On a day when run_at does not exist (a daylight-saving gap) the run is due at the
// first minute after the gap; when it exists twice, at the first.
// REQUIRES: settings.timezone is an IANA zone (parse_settings checked it).
ScheduledWork scheduled_work(const ServerSettings& settings, Timestamp now, std::optional<Date> last_run,
                             std::optional<Timestamp> last_send);

}  // namespace squeaky
