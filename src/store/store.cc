#include "store/store.h"

namespace squeaky {

Result<WorkCounts> Store::work_counts(Date on) {
  WorkCounts counts;
  auto actions = this->actions("", "");
  if (!actions) return actions.status();
  for (const ActionRecord& a : *actions) {
    if (a.on == on && a.status != "skipped") ++counts.actions_on;
    if (a.status == "open") ++counts.calls_open;
  }
  for (const char* status : kOutboxWaiting) {
    auto items = outbox(status, "", /*with_content=*/false);
    if (!items) return items.status();
    counts.outbox_waiting += static_cast<int64_t>(items->size());
  }
  return counts;
}

}  // namespace squeaky
