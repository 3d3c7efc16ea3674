#pragma once

#include "core/base/non_copyable.hpp"

#include <signal.h>

namespace dax {

// Holds back every asynchronous signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, ...)
// for its lifetime: a signal sent meanwhile stays pending and is delivered, with its usual
// effect, when the object goes away. For the few writes that change a global setting and must
// put it back: no signal can end the process between the two.
class HeldSignals : private NonCopyable
{
public:
  HeldSignals();
  ~HeldSignals();

private:
  sigset_t m_old;
};

} // namespace dax
