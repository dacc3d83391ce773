// Fuzzes the reading of a customer's packed copy of its records (src/store/packed_ledger.h): the
// bytes come from the database, where anyone with access may have edited or damaged them.
//
// Input: the bytes of a copy. Each run checks:
//   - unpack_records either refuses the bytes or gives records, never reading past their end
//     (AddressSanitizer watches the reads: the input is a buffer of exactly its own size);
//   - records it gives pack again into bytes that read back as the same records, and those bytes
//     pack again unchanged (a packing is a fixed point).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "packed_ledger.h"
#include "property.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using squeaky::CustomerLedger;
  using squeaky::expect;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CustomerLedger first;
  first.customer.id = "C1";
  if (!squeaky::sql::unpack_records(bytes, first)) return 0;
  std::string packed;
  squeaky::sql::pack_records(first, packed);
  CustomerLedger second;
  second.customer.id = "C1";
  expect(squeaky::sql::unpack_records(packed, second), "a copy packed from records read back is readable");
  expect(second.invoices == first.invoices && second.payments == first.payments && second.credits == first.credits,
         "a copy packed from records read back holds the same records");
  std::string again;
  squeaky::sql::pack_records(second, again);
  expect(again == packed, "packing the same records twice gives the same bytes");
  return 0;
}
