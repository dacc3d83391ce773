#include "store/users.h"

namespace squeaky {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kCollector: return "collector";
    case Role::kOwner: return "owner";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  if (text == "viewer") return Role::kViewer;
  if (text == "collector") return Role::kCollector;
  if (text == "owner") return Role::kOwner;
  return std::nullopt;
}

}  // namespace squeaky
