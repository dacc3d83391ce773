#include "channels/letter.h"

namespace squeaky {

std::string_view to_string(PaperSize paper) { return paper == PaperSize::kA4 ? "a4" : "letter"; }

std::optional<PaperSize> parse_paper_size(std::string_view text) {
  if (text == "a4") return PaperSize::kA4;
  if (text == "letter") return PaperSize::kUsLetter;
  return std::nullopt;
}

}  // namespace squeaky
