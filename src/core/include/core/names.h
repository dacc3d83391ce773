// Names of enum values: one table of {name, value} pairs per enum, read both ways, so that what
// squeaky prints and what it parses can never disagree. Pure; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace squeaky {

template <typename E, size_t N>
using NameTable = std::array<std::pair<std::string_view, E>, N>;

// The name of `value`, or "?" when the table lacks it (a bug).
template <typename E, size_t N>
constexpr std::string_view name_of(const NameTable<E, N>& names, E value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "?";
}

// The value named `text` exactly, if any.
template <typename E, size_t N>
constexpr std::optional<E> value_named(const NameTable<E, N>& names, std::string_view text) {
  for (const auto& [name, v] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace squeaky
