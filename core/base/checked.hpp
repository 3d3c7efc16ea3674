#pragma once

#include <cstdint>
#include <optional>

namespace dax {

// Sums and products of sizes and counts the kernel gave: absent when they do not fit in 64 bits,
// so a malformed tree is refused instead of wrapping around into a small, believable number.
inline std::optional<uint64_t> checked_add(uint64_t a, uint64_t b)
{
  uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

inline std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b)
{
  uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

} // namespace dax
