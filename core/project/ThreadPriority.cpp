#include "ThreadPriority.h"

#include <QSemaphore>
#include <QThreadPool>
#include <QtGlobal>
#include <algorithm>
#include <cerrno>
#include <memory>

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

QThreadPool& backgroundPool() {
    static QThreadPool pool;
    return pool;
}

void keepQtPoolAtGuiPriority() {
    static bool kept = false;
    if (kept) return;
    kept = true;
    QThreadPool* qtPool = QThreadPool::globalInstance();
    qtPool->setExpiryTimeout(-1);
    // As many tasks as the pool has threads, each held until all have started: every thread
    // is made now, from this thread.
    const int threads = qtPool->maxThreadCount();
    auto started = std::make_shared<QSemaphore>(), gate = std::make_shared<QSemaphore>();
    for (int i = 0; i < threads; ++i)
        qtPool->start([started, gate] {
            started->release();
            gate->acquire();
        });
    started->acquire(threads);
    gate->release(threads);
}

}  // namespace runlens
