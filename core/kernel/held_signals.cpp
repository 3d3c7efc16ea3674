#include "core/kernel/held_signals.hpp"

#include <pthread.h>

#include <initializer_list>

namespace dax {

HeldSignals::HeldSignals()
{
  sigset_t all;
  ::sigfillset(&all);
  // Faults raised by the code itself cannot wait; SIGKILL and SIGSTOP cannot be held anyway.
  for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) ::sigdelset(&all, fault);
  ::pthread_sigmask(SIG_BLOCK, &all, &m_old);
}

HeldSignals::~HeldSignals()
{
  ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
}

} // namespace dax
