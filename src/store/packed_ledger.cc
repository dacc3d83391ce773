#include "packed_ledger.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>

namespace squeaky::sql {
namespace {

static_assert(std::is_trivially_copyable_v<Currency>);

// Appends a record's fields to the table's bytes. A currency is written as itself (its bytes in
// memory, for the packed ledger, which never leaves the process) or, given a list, as its place in
// that list, which grows as new currencies come (for a customer's stored copy).
class Packer {
 public:
  explicit Packer(std::string& out, std::vector<Currency>* currencies = nullptr) : out_(out), currencies_(currencies) {}

  Packer& varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
    return *this;
  }
  // Small magnitudes of either sign in few bytes (zigzag).
  Packer& integer(int64_t v) { return varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  Packer& date(Date d) { return integer(d.days().time_since_epoch().count()); }
  Packer& currency(Currency c) {
    if (currencies_ != nullptr) {
      const auto place =
          static_cast<size_t>(std::find(currencies_->begin(), currencies_->end(), c) - currencies_->begin());
      if (place == currencies_->size()) currencies_->push_back(c);
      return varint(place);
    }
    char raw[sizeof c];
    std::memcpy(raw, &c, sizeof c);
    out_.append(raw, sizeof raw);
    return *this;
  }
  Packer& text(std::string_view s) {
    varint(s.size());
    out_ += s;
    return *this;
  }

 private:
  std::string& out_;
  std::vector<Currency>* currencies_;
};

// Reads back what Packer wrote, in the same order. Given an end, every read is checked against it
// (bytes from the database may have been damaged or edited): a read past it, or a currency not in
// the list, makes ok() false and yields zeros and empty texts from then on. Without one (the
// packed ledger's own bytes) nothing is checked.
class Unpacker {
 public:
  explicit Unpacker(const char* at, const char* end = nullptr, const std::vector<Currency>* currencies = nullptr)
      : at_(at), end_(end), currencies_(currencies) {}

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (end_ != nullptr && (at_ == end_ || shift > 63)) return fail();
      const auto byte = static_cast<unsigned char>(*at_++);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
  }
  int64_t integer() {
    const uint64_t v = varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  Date date() { return Date(std::chrono::sys_days(std::chrono::days(integer()))); }
  Currency currency() {
    if (currencies_ != nullptr) {
      const uint64_t i = varint();
      if (i < currencies_->size()) return (*currencies_)[i];
      fail();
      return {};
    }
    Currency c;
    std::memcpy(&c, at_, sizeof c);
    at_ += sizeof c;
    return c;
  }
  void text(std::string& out) {
    const size_t n = varint();
    if (end_ != nullptr && n > static_cast<size_t>(end_ - at_)) {
      out.clear();
      fail();
      return;
    }
    out.assign(at_, n);
    at_ += n;
  }
  // How many more items of at least one byte each can follow: a bound for a count read from the bytes.
  size_t left() const { return end_ == nullptr ? SIZE_MAX : static_cast<size_t>(end_ - at_); }
  bool ok() const { return ok_; }
  const char* position() const { return at_; }

 private:
  uint64_t fail() {
    ok_ = false;
    at_ = end_;
    return 0;
  }

  const char* at_;
  const char* end_;
  const std::vector<Currency>* currencies_;
  bool ok_ = true;
};

// Each kind of record's fields, in the order they are packed; the owner is not among them.
void write(Packer& p, const Invoice& i) {
  p.date(i.issue_date)
      .date(i.due_date)
      .integer(i.amount.minor_units())
      .currency(i.amount.currency())
      .varint(static_cast<uint64_t>(i.kind))
      .text(i.id)
      .text(i.reference)
      .text(i.description);
}
void write(Packer& p, const Payment& r) {
  p.date(r.date)
      .integer(r.amount.minor_units())
      .currency(r.amount.currency())
      .text(r.id)
      .text(r.method)
      .text(r.reference)
      .text(r.invoice_id);
}
void write(Packer& p, const Credit& c) {
  p.date(c.date)
      .integer(c.amount.minor_units())
      .currency(c.amount.currency())
      .varint(static_cast<uint64_t>(c.kind))
      .text(c.id)
      .text(c.reason)
      .text(c.invoice_id);
}

void read(Unpacker& u, Invoice& i) {
  i.issue_date = u.date();
  i.due_date = u.date();
  const int64_t amount = u.integer();
  i.amount = Money::from_minor(amount, u.currency());
  i.kind = static_cast<InvoiceKind>(u.varint());
  u.text(i.id);
  u.text(i.reference);
  u.text(i.description);
}
void read(Unpacker& u, Payment& p) {
  p.date = u.date();
  const int64_t amount = u.integer();
  p.amount = Money::from_minor(amount, u.currency());
  u.text(p.id);
  u.text(p.method);
  u.text(p.reference);
  u.text(p.invoice_id);
}
void read(Unpacker& u, Credit& c) {
  c.date = u.date();
  const int64_t amount = u.integer();
  c.amount = Money::from_minor(amount, u.currency());
  c.kind = static_cast<CreditKind>(u.varint());
  u.text(c.id);
  u.text(c.reason);
  u.text(c.invoice_id);
}

}  // namespace

uint64_t CustomerIndex::hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

void CustomerIndex::add(std::string_view id) {
  if ((ids_.size() + 1) * 2 > slots_.size()) grow();
  ids_.emplace_back(id);
  place(static_cast<uint32_t>(ids_.size() - 1));
}

void CustomerIndex::place(uint32_t ordinal) {
  const std::string& id = ids_[ordinal];
  const size_t mask = slots_.size() - 1;
  size_t i = hash(id) & mask;
  while (slots_[i].ordinal_plus_one != 0) i = (i + 1) & mask;
  Slot& slot = slots_[i];
  slot.ordinal_plus_one = ordinal + 1;
  if (id.size() <= kInline) {
    slot.size = static_cast<uint8_t>(id.size());
    std::memcpy(slot.id, id.data(), id.size());
  } else {
    slot.size = kLong;
  }
}

void CustomerIndex::prefetch(uint64_t hash) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
}

std::optional<uint32_t> CustomerIndex::find(std::string_view id, uint64_t hash) const {
  if (slots_.empty()) return std::nullopt;
  const size_t mask = slots_.size() - 1;
  const bool short_id = id.size() <= kInline;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.ordinal_plus_one == 0) return std::nullopt;
    const bool same = short_id ? slot.size == id.size() && std::memcmp(slot.id, id.data(), id.size()) == 0
                               : slot.size == kLong && ids_[slot.ordinal_plus_one - 1] == id;
    if (same) return slot.ordinal_plus_one - 1;
  }
}

void CustomerIndex::grow() {
  slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, Slot{});
  for (size_t n = 0; n < ids_.size(); ++n) place(static_cast<uint32_t>(n));
}

constexpr size_t kBlock = size_t{2} << 20;

void Arena::Free::operator()(char* block) const { std::free(block); }

Arena::~Arena() = default;

const char* Arena::add(std::string_view bytes) {
  if (blocks_.empty() || bytes.size() > room_ - blocks_.back().used) {
    const size_t size = std::max(kBlock, (bytes.size() + kBlock - 1) / kBlock * kBlock);
    char* block = static_cast<char*>(std::aligned_alloc(kBlock, size));
    if (block == nullptr) throw std::bad_alloc();
    (void)madvise(block, size, MADV_HUGEPAGE);  // advice only: without it the block is still memory
    blocks_.push_back({std::unique_ptr<char, Free>(block), 0});
    room_ = size;
    held_ += size;
  }
  Block& last = blocks_.back();
  char* at = last.bytes.get() + last.used;
  std::memcpy(at, bytes.data(), bytes.size());
  last.used += bytes.size();
  return at;
}

void PackedLedger::add(uint32_t customer, const Invoice& invoice) {
  Packer p(invoices_.begin_record());
  write(p, invoice);
  invoices_.end_record(customer);
}

void PackedLedger::add(uint32_t customer, const Payment& payment) {
  Packer p(payments_.begin_record());
  write(p, payment);
  payments_.end_record(customer);
}

void PackedLedger::add(uint32_t customer, const Credit& credit) {
  Packer p(credits_.begin_record());
  write(p, credit);
  credits_.end_record(customer);
}

std::string& PackedLedger::Table::begin_record() {
  scratch.clear();
  return scratch;
}

void PackedLedger::Table::end_record(uint32_t customer) {
  framed.clear();
  Packer(framed).varint(customer).varint(scratch.size());
  framed += scratch;
  bytes.add(framed);
}

template <typename F>
void PackedLedger::Table::for_each_record(F&& each) const {
  for (size_t b = 0; b < bytes.blocks(); ++b) {
    const std::string_view block = bytes.block(b);
    const char* const end = block.data() + block.size();
    for (const char* at = block.data(); at < end;) {
      Unpacker frame(at);
      const auto owner = static_cast<uint32_t>(frame.varint());
      const size_t size = frame.varint();
      at = frame.position();
      each(owner, at);
      at += size;
    }
  }
}

void PackedLedger::Table::group(size_t customers) {
  // A stable counting sort by owner, in two walks over the records in the order they were
  // added: one counts each owner's records, the other places each after its owner's earlier ones.
  // (Counting as the records come would put a cache miss in the reading.)
  first.assign(customers + 1, 0);
  for_each_record([this](uint32_t owner, const char*) { ++first[owner + 1]; });
  for (size_t c = 0; c < customers; ++c) first[c + 1] += first[c];
  std::vector<uint32_t> next(first.begin(), first.end() - 1);
  starts.resize(first[customers]);  // every record, counted
  for_each_record([&](uint32_t owner, const char* fields) { starts[next[owner]++] = fields; });
}

size_t PackedLedger::Table::bytes_held() const {
  return bytes.bytes_held() + starts.capacity() * sizeof(const char*) + first.capacity() * sizeof(uint32_t);
}

void PackedLedger::group(size_t customers) {
  invoices_.group(customers);
  payments_.group(customers);
  credits_.group(customers);
}

void PackedLedger::unpack(uint32_t customer, CustomerLedger& out) const {
  // The next customer's records, fetched while this one's are read: a visit goes by ordinal, and
  // the records of one customer lie wherever the tables' order put them.
  for (const Table* t : {&invoices_, &payments_, &credits_}) {
    if (customer + 2 >= t->first.size()) continue;
    for (uint32_t r = t->first[customer + 1]; r < t->first[customer + 2]; ++r) __builtin_prefetch(t->starts[r]);
  }
  const std::string& owner = out.customer.id;
  const auto each = [customer, &owner](const Table& t, auto& records) {
    const uint32_t from = t.first[customer];
    const uint32_t to = t.first[customer + 1];
    records.resize(to - from);
    for (uint32_t r = from; r < to; ++r) {
      Unpacker u(t.starts[r]);
      auto& record = records[r - from];
      record.customer_id = owner;
      read(u, record);
    }
  };
  each(invoices_, out.invoices);
  each(payments_, out.payments);
  each(credits_, out.credits);
}

size_t PackedLedger::bytes() const { return invoices_.bytes_held() + payments_.bytes_held() + credits_.bytes_held(); }

namespace {
constexpr char kCopyFormat = 1;

template <typename R>
void write_all(Packer& p, const std::vector<R>& records) {
  p.varint(records.size());
  for (const R& r : records) write(p, r);
}

template <typename R>
bool read_all(Unpacker& u, const std::string& owner, std::vector<R>& records) {
  const uint64_t n = u.varint();
  if (n > u.left()) return false;  // each record takes more than a byte
  records.resize(n);
  for (R& r : records) {
    r.customer_id = owner;
    read(u, r);
  }
  return u.ok();
}
}  // namespace

void pack_records(const CustomerLedger& ledger, std::string& out) {
  std::vector<Currency> currencies;
  std::string body;
  Packer p(body, &currencies);
  write_all(p, ledger.invoices);
  write_all(p, ledger.payments);
  write_all(p, ledger.credits);
  out.assign(1, kCopyFormat);
  Packer head(out);
  head.varint(currencies.size());
  for (const Currency c : currencies) head.text(c.code());
  out += body;
}

bool unpack_records(std::string_view bytes, CustomerLedger& out) {
  if (bytes.empty() || bytes[0] != kCopyFormat) return false;
  const char* const end = bytes.data() + bytes.size();
  Unpacker head(bytes.data() + 1, end);
  const uint64_t count = head.varint();
  if (count > head.left()) return false;
  std::vector<Currency> currencies(count);
  std::string code;
  for (Currency& c : currencies) {
    head.text(code);
    if (code.empty()) continue;  // a record whose currency was unset
    auto known = Currency::from_code(code);
    if (!known) return false;
    c = *known;
  }
  if (!head.ok()) return false;
  Unpacker u(head.position(), end, &currencies);
  const std::string& owner = out.customer.id;
  return read_all(u, owner, out.invoices) && read_all(u, owner, out.payments) && read_all(u, owner, out.credits) &&
         u.position() == end;
}

}  // namespace squeaky::sql
