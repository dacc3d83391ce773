// The outbox: letters and emails the daily run queued, on their way to the debtor.
//
// send_outbox() dispatches queued emails: the guard checks each one again at the moment of sending
// (a stop flag or an opt-out recorded since the run blocks it; outside the debtor's convenient
// hours it waits), the templates render it, and the exact bytes are stored with their SHA-256 and
// journaled ("outbox.sending") before they are handed to the transport; the result is journaled
// after ("outbox.sent", "failed", "rejected", "unknown"). A send interrupted between the two ends
// "unknown" and is never resent without a person (`outbox retry` or `outbox confirm`), so a crash
// can lose nothing and send nothing twice. print_letters() renders a day's letters into one PDF
// for printing with a mailing manifest, keeps each letter's PDF and marks them sent.
//
// One dispatcher at a time per database: the command line takes a lock. Not thread-safe with
// respect to `store`.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/settings.h"
#include "channels/templates.h"
#include "channels/transport.h"
#include "core/date.h"
#include "core/result.h"
#include "policy/plan.h"
#include "store/postgres_store.h"
#include "store/store.h"

namespace squeaky {

// What a dispatch needs besides the store.
struct Dispatcher {
  const Settings& settings;
  const TemplateSet& templates;
  const PlanSet& plans;
  Timestamp now;
  std::string actor;
};

struct SendReport {
  size_t interrupted = 0;  // found "sending" from an earlier, interrupted send: now "unknown"
  size_t sent = 0;
  size_t deferred = 0;             // outside the debtor's convenient hours: waiting
  size_t failed = 0;               // a temporary error: retried later (or out of attempts)
  size_t rejected = 0;             // a permanent error: the address is flagged
  size_t unknown = 0;              // interrupted after the message went out: a person must confirm
  size_t blocked = 0;              // the guard refused it
  std::vector<std::string> lines;  // one per item handled, for people
};

// Sends up to `limit` (0: all) emails that are due at `d.now`.
Result<SendReport> send_outbox(Store& store, const Dispatcher& d, MailTransport& transport, size_t limit);

struct LetterBatch {
  Date day;
  std::string pdf;       // the merged PDF for printing ("" when there were no letters)
  std::string manifest;  // the mailing manifest CSV
  std::string folder;    // where each letter's own PDF is kept
  size_t letters = 0;
  int pages = 0;
  size_t blocked = 0;
  size_t failed = 0;  // letters that could not be made (the reason is on the item): for a person
  std::vector<std::string> lines;
};

// Prints the letters queued on or before `day`: one merged PDF and a manifest CSV (docs/outbox.md)
// in <settings.letters>/<day>/, each letter's PDF beside them, and every letter marked sent with
// its bytes stored. Files are written before the letters are marked, so an interrupted print is
// printed again in full by the next call and never marked without its files.
Result<LetterBatch> print_letters(Store& store, const Dispatcher& d, Date day);

// What a person decides about one item: send it again (failed, unknown, rejected or blocked ->
// queued, with fresh content on the next send), cancel it (queued, failed or unknown), or confirm
// that an item whose fate is unknown did go out (unknown -> sent); hold an item back for review
// (queued or failed -> held), or approve a held one (held -> queued). A held item is never sent
// or printed until it is approved.
Status retry_outbox_item(Store& store, int64_t id, std::string_view actor);
Status cancel_outbox_item(Store& store, int64_t id, std::string_view actor);
Status confirm_outbox_item(Store& store, int64_t id, Timestamp now, std::string_view actor);
Status hold_outbox_item(Store& store, int64_t id, std::string_view actor);
Status approve_outbox_item(Store& store, int64_t id, std::string_view actor);

// What an item would say if it went out now, rendered and not stored or sent, for a person
// reviewing it before it goes: a letter as its PDF; an email as plain text (its recipients,
// subject and text body, and whether the step's letter goes along as a PDF).
struct Preview {
  std::string content_type;  // "application/pdf" or "text/plain; charset=utf-8"
  std::string bytes;
};
Result<Preview> preview_outbox_item(Store& store, const Dispatcher& d, int64_t id);

// An exclusive lock on "<db>.send.lock" (for a PostgreSQL database, a session advisory lock on
// it that every machine using the database sees), held while the object lives: one dispatcher at a
// time (a `squeaky send` or `letters`, or the server's own sending), so that an item another
// process is sending is never taken for an interrupted one.
class DispatchLock {
 public:
  DispatchLock() = default;
  DispatchLock(const DispatchLock&) = delete;
  DispatchLock& operator=(const DispatchLock&) = delete;
  ~DispatchLock();
  // Fails with kConflict when another process holds it.
  Status take(const std::string& db);

 private:
  int fd_ = -1;
  std::unique_ptr<PostgresLock> database_lock_;
};

// The file transport or the SMTP server the settings name.
Result<std::unique_ptr<MailTransport>> make_transport(const Settings& settings);

}  // namespace squeaky
