#include "app/schedule.h"

#include <algorithm>

#include "date/tz.h"

namespace squeaky {
namespace {

using std::chrono::minutes;
using std::chrono::sys_seconds;

// The instant of `day`'s run_at in `zone`.
sys_seconds run_instant(const date::time_zone* zone, Date day, int run_at_minute) {
  const date::local_seconds local{day.days().time_since_epoch() + minutes{run_at_minute}};
  const date::local_info info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) return info.second.begin;  // the gap's end
  return zone->to_sys(local, date::choose::earliest);
}

}  // namespace

Date business_day(const ServerSettings& settings, Timestamp now) {
  const auto local = date::locate_zone(settings.timezone)->to_local(now.seconds());
  return Date(std::chrono::sys_days{std::chrono::floor<std::chrono::days>(local).time_since_epoch()});
}

ScheduledWork scheduled_work(const ServerSettings& settings, Timestamp now, std::optional<Date> last_run,
                             std::optional<Timestamp> last_send) {
  const date::time_zone* zone = date::locate_zone(settings.timezone);
  const Date today = business_day(settings, now);
  ScheduledWork work;
  const sys_seconds due_today = run_instant(zone, today, settings.run_at_minute);
  const bool ran_today = last_run && *last_run >= today;
  if (!ran_today && now.seconds() >= due_today) work.run = today;
  const sys_seconds next_run =
      ran_today || work.run ? run_instant(zone, today.plus_days(1), settings.run_at_minute) : due_today;
  sys_seconds next = next_run;
  if (settings.send_every_minutes > 0) {
    const minutes every{settings.send_every_minutes};
    work.send = !last_send || now.seconds() >= last_send->seconds() + every;
    next = std::min(next, (work.send ? now.seconds() : last_send->seconds()) + every);
  }
  work.next = Timestamp(next);
  return work;
}

}  // namespace squeaky
