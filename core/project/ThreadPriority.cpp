#include "ThreadPriority.h"

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace runlens {

void lowerThreadPriority() {
#ifdef Q_OS_LINUX
    // Linux gives each thread its own nice value (setpriority(2), "BUGS": a thread's, not the
    // process's); pool threads live on, so this is done once per thread.
    thread_local bool lowered = false;
    if (lowered) return;
    lowered = true;
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10);
#endif
}

}  // namespace runlens
