#include "ThreadPriority.h"

#include <QtGlobal>
#include <algorithm>
#include <cerrno>

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
    const auto self = id_t(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, self);  // -1 is a valid nice value
    if (errno == 0) setpriority(PRIO_PROCESS, self, std::min(19, nice + 10));
#endif
}

}  // namespace runlens
