// Records packed into bytes, two ways. A customer's records packed into one value (pack_records,
// at the end) are the copy the store keeps of them in ledger_copies, which whole-ledger visits
// (Store::for_each_customer_ledger) read. The whole ledger's invoices, payments and credits read
// out of their own tables are held in memory as packed bytes, grouped by customer (PackedLedger),
// when the store must read the tables themselves: to check or write the copies of many customers
// at once (Store::check_customer_ledgers, a large import, the migration that made the table),
// without keeping a million CustomerLedger values alive at once.
//
// The tables are read once each in storage order (a sequential scan, the fastest read a database
// has), each record packed as its owner's ordinal and its length, then its fixed fields followed
// by its texts; once all are read, the records are grouped by owner with a counting sort (two
// walks over the packed bytes), so that nothing but the bytes grows while the tables are read.
// A visit unpacks one customer at a time into a CustomerLedger the caller reuses, so its strings
// and vectors keep their capacity. An invoice takes ~45 bytes here instead of ~300 as a value, a
// payment ~55, and 8 more each for where it starts once grouped.
//
// CustomerIndex numbers the customers by id, to attribute the records to them. Internal to the
// store layer. Not thread-safe, except that records of one kind may be added on one thread while
// records of another kind are added on another; read-only after group().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/records.h"

namespace squeaky::sql {

// Customer ids, each numbered by the order it was added in, found again by id in a flat hash
// table whose 16-byte slots hold short ids themselves: a lookup usually costs one cache line,
// and a caller with many ids to look up can have the lines fetched ahead (prefetch) so that
// their misses overlap.
class CustomerIndex {
 public:
  // REQUIRES: `id` not added before.
  void add(std::string_view id);
  static uint64_t hash(std::string_view id);
  // Asks the processor to fetch the slot where an id of this hash is looked for first.
  void prefetch(uint64_t hash) const;
  std::optional<uint32_t> find(std::string_view id) const { return find(id, hash(id)); }
  // REQUIRES: hash == CustomerIndex::hash(id).
  std::optional<uint32_t> find(std::string_view id, uint64_t hash) const;
  size_t size() const { return ids_.size(); }
  const std::string& id(uint32_t ordinal) const { return ids_[ordinal]; }

 private:
  static constexpr size_t kInline = 11;
  struct Slot {
    uint32_t ordinal_plus_one = 0;  // 0: empty
    uint8_t size = 0;               // of the id when it is held inline, else kLong
    char id[kInline];
  };
  static constexpr uint8_t kLong = 0xff;

  void grow();
  void place(uint32_t ordinal);

  std::vector<std::string> ids_;
  std::vector<Slot> slots_;
};

// Bytes that stay where they are written: blocks of 2 MiB, advised to the kernel as huge pages,
// so that filling hundreds of megabytes takes a page fault per block rather than per 4 KiB and
// nothing is ever copied to grow.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;
  ~Arena();

  // Copies `bytes` in, whole within one block, and returns where they now are, valid as long as
  // the arena.
  const char* add(std::string_view bytes);
  size_t bytes_held() const { return held_; }
  // The blocks' bytes in the order they were added: what add() copied in, one block at a time.
  size_t blocks() const { return blocks_.size(); }
  std::string_view block(size_t i) const { return {blocks_[i].bytes.get(), blocks_[i].used}; }

 private:
  struct Free {
    void operator()(char* block) const;
  };
  struct Block {
    std::unique_ptr<char, Free> bytes;
    size_t used = 0;
  };
  std::vector<Block> blocks_;
  size_t room_ = 0;  // the last block's size
  size_t held_ = 0;
};

class PackedLedger {
 public:
  void add(uint32_t customer, const Invoice& invoice);
  void add(uint32_t customer, const Payment& payment);
  void add(uint32_t customer, const Credit& credit);
  // Groups the records by customer; add() no more after it. REQUIRES: every ordinal < customers.
  void group(size_t customers);
  // Replaces `out`'s invoices, payments and credits with the customer's, in the order they were
  // added, each naming `out.customer.id`. Reuses what `out` holds. REQUIRES: group() was called.
  void unpack(uint32_t customer, CustomerLedger& out) const;
  // Bytes held, for the measurements.
  size_t bytes() const;

 private:
  struct Table {
    Arena bytes;                      // the records, each framed by its owner's ordinal and its length
    std::vector<uint32_t> first;      // after group(): customer c's records are starts[first[c]..first[c+1])
    std::vector<const char*> starts;  // made by group(): where each record's fields begin, by customer
    std::string scratch;              // a record's fields being packed
    std::string framed;               // the same with its frame

    // A record is packed into what begin_record() returns, then end_record() keeps it.
    std::string& begin_record();
    void end_record(uint32_t customer);
    void group(size_t customers);
    // Calls each(owner, fields) for every record, in the order they were added (packed_ledger.cc).
    template <typename F>
    void for_each_record(F&& each) const;
    size_t bytes_held() const;
  };

  Table invoices_, payments_, credits_;
};

// A customer's invoices, payments and credits packed into one value: the copy the store keeps
// beside the rows (the ledger_copies table), so that a whole-ledger read takes one row per
// customer rather than one per record. A format byte, the currencies the records use, then the
// invoices, the payments and the credits, each kind counted, each record's fields packed as above
// with its currency given as its place in the list. Records keep the order they are given in.
void pack_records(const CustomerLedger& ledger, std::string& out);
// Replaces `out`'s invoices, payments and credits with those `bytes` hold, each naming
// `out.customer.id`. False, with `out`'s records left unspecified, when `bytes` are not a copy
// this build reads (damaged, edited, or of a newer format).
bool unpack_records(std::string_view bytes, CustomerLedger& out);

}  // namespace squeaky::sql
