#include "packed_ledger.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>

namespace squeaky::sql {
namespace {

static_assert(std::is_trivially_copyable_v<Currency>);

// Appends a record's fields to the table's bytes.
class Packer {
 public:
  explicit Packer(std::string& out) : out_(out) {}

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
};

// Reads back what Packer wrote, in the same order.
class Unpacker {
 public:
  explicit Unpacker(const char* at) : at_(at) {}

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
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
    Currency c;
    std::memcpy(&c, at_, sizeof c);
    at_ += sizeof c;
    return c;
  }
  void text(std::string& out) {
    const size_t n = varint();
    out.assign(at_, n);
    at_ += n;
  }
  const char* position() const { return at_; }

 private:
  const char* at_;
};

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

void PackedLedger::add(uint32_t customer, const Invoice& i) {
  Packer(invoices_.begin_record())
      .date(i.issue_date)
      .date(i.due_date)
      .integer(i.amount.minor_units())
      .currency(i.amount.currency())
      .varint(static_cast<uint64_t>(i.kind))
      .text(i.id)
      .text(i.reference)
      .text(i.description);
  invoices_.end_record(customer);
}

void PackedLedger::add(uint32_t customer, const Payment& p) {
  Packer(payments_.begin_record())
      .date(p.date)
      .integer(p.amount.minor_units())
      .currency(p.amount.currency())
      .text(p.id)
      .text(p.method)
      .text(p.reference)
      .text(p.invoice_id);
  payments_.end_record(customer);
}

void PackedLedger::add(uint32_t customer, const Credit& c) {
  Packer(credits_.begin_record())
      .date(c.date)
      .integer(c.amount.minor_units())
      .currency(c.amount.currency())
      .varint(static_cast<uint64_t>(c.kind))
      .text(c.id)
      .text(c.reason)
      .text(c.invoice_id);
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
  const auto each = [customer](const Table& t, auto& records, auto&& read) {
    const uint32_t from = t.first[customer];
    const uint32_t to = t.first[customer + 1];
    records.resize(to - from);
    for (uint32_t r = from; r < to; ++r) {
      Unpacker u(t.starts[r]);
      read(u, records[r - from]);
    }
  };
  each(invoices_, out.invoices, [&owner](Unpacker& u, Invoice& i) {
    i.customer_id = owner;
    i.issue_date = u.date();
    i.due_date = u.date();
    const int64_t amount = u.integer();
    i.amount = Money::from_minor(amount, u.currency());
    i.kind = static_cast<InvoiceKind>(u.varint());
    u.text(i.id);
    u.text(i.reference);
    u.text(i.description);
  });
  each(payments_, out.payments, [&owner](Unpacker& u, Payment& p) {
    p.customer_id = owner;
    p.date = u.date();
    const int64_t amount = u.integer();
    p.amount = Money::from_minor(amount, u.currency());
    u.text(p.id);
    u.text(p.method);
    u.text(p.reference);
    u.text(p.invoice_id);
  });
  each(credits_, out.credits, [&owner](Unpacker& u, Credit& c) {
    c.customer_id = owner;
    c.date = u.date();
    const int64_t amount = u.integer();
    c.amount = Money::from_minor(amount, u.currency());
    c.kind = static_cast<CreditKind>(u.varint());
    u.text(c.id);
    u.text(c.reason);
    u.text(c.invoice_id);
  });
}

size_t PackedLedger::bytes() const { return invoices_.bytes_held() + payments_.bytes_held() + credits_.bytes_held(); }

}  // namespace squeaky::sql
