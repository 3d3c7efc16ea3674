#pragma once

namespace dax {

// Base of a class that owns something it must give back exactly once (a file descriptor, a
// signal mask, a directory): it is neither copied nor moved.
class NonCopyable
{
public:
  NonCopyable(const NonCopyable&) = delete;
  NonCopyable& operator=(const NonCopyable&) = delete;

protected:
  NonCopyable() = default;
  ~NonCopyable() = default;
};

} // namespace dax
