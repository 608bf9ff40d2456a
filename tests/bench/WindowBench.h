#pragma once

// What the benchmarks that drive the real main window share: a heartbeat on the GUI thread
// (how late it fires is how long the window could not answer), a watch on when each chart
// was painted, resident memory, and waiting without blocking the event loop.

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QTimer>
#include <cstdio>
#include <ctime>
#include <functional>

#include "MetricChart.h"

namespace benchwindow {

using runlens::MetricChart;

constexpr int kBeatMs = 5;
constexpr int kTimeoutMs = 120'000;

inline double residentMb() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024;
    return 0;
}

// The GUI thread's own CPU time, in ms.
inline double threadCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// RUNLENS_BENCH_CLOCK=1: when a step begins on the monotonic clock, to find it in
// `perf record -k CLOCK_MONOTONIC`.
inline void noteStepStart(const QString& name) {
    if (!qEnvironmentVariableIsSet("RUNLENS_BENCH_CLOCK")) return;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    fprintf(stderr, "step %s begins at %ld.%06ld\n", qPrintable(name), long(now.tv_sec),
            long(now.tv_nsec / 1000));
}

// Fires every kBeatMs on the GUI thread; the longest gap past that is the worst stall. The
// most CPU the GUI thread spent between two beats tells its own work apart from waiting for
// a core on a busy machine (or for Qt's own painting threads).
class Heartbeat : public QObject {
public:
    Heartbeat() {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kBeatMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double cpu = threadCpuMs();
            m_worst = std::max(m_worst, double(now - m_last) / 1e6 - kBeatMs);
            m_worstCpu = std::max(m_worstCpu, cpu - m_lastCpu);
            m_last = now;
            m_lastCpu = cpu;
        });
        m_clock.start();
        m_last = m_clock.nsecsElapsed();
        m_lastCpu = threadCpuMs();
        m_timer.start();
    }
    void reset() {
        m_worst = m_worstCpu = 0;
        m_last = m_clock.nsecsElapsed();
        m_lastCpu = threadCpuMs();
    }
    // Includes a stall still going on now.
    double worst() const {
        return std::max(m_worst, double(m_clock.nsecsElapsed() - m_last) / 1e6 - kBeatMs);
    }
    double worstCpu() const { return std::max(m_worstCpu, threadCpuMs() - m_lastCpu); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_lastCpu = 0;
    double m_worst = 0, m_worstCpu = 0;
};

inline double loadAverage() {
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0).toDouble() : 0;
}

// Notes when each chart was last painted and how many curves it had then, and when any
// other watched widget was last painted.
class PaintWatch : public QObject {
public:
    explicit PaintWatch(const QElapsedTimer& clock) : m_clock(clock) {
        qApp->installEventFilter(this);
    }
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() != QEvent::Paint) return false;
        // A chart still drawing its lines on the pool counts as not drawn yet.
        if (auto* chart = qobject_cast<MetricChart*>(watched->parent()))
            m_charts[chart] = {m_clock.elapsed(), chart->isDrawing() ? -1 : chart->curveCount()};
        else if (m_watched.contains(watched))
            m_lastPaint = m_clock.elapsed();
        return false;
    }
    void watch(QWidget* widget) { m_watched.insert(widget); }
    qint64 lastPaint() const { return m_lastPaint; }
    // When `chart` was last painted, and with how many curves; {-1, -1} if never.
    std::pair<qint64, int> chartPainted(MetricChart* chart) const {
        return m_charts.value(chart, {-1, -1});
    }

private:
    const QElapsedTimer& m_clock;
    QSet<QObject*> m_watched;
    QHash<MetricChart*, std::pair<qint64, int>> m_charts;
    qint64 m_lastPaint = -1;
};

inline void wait(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

inline bool waitUntil(const std::function<bool()>& done, int timeoutMs = kTimeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        wait(2);
    }
    return true;
}

}  // namespace benchwindow
