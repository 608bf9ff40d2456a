// The window stays answerable while histories load (issue #20): loads run off the GUI thread,
// and the history cache keeps to its byte budget, letting the least recently used go.
// Not timed: the proof is that the GUI thread's timer fires while the loads wait for it.

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "project/HistoryCache.h"
#include "project/ProjectLoader.h"
#include "project/ThreadPriority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace runlens;

namespace {

// Counts the ticks of a timer on the GUI thread (every millisecond while the event loop runs);
// a worker can wait for the next one.
class Ticks {
public:
    Ticks() {
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
        m_timer.start();
    }
    void tick() {
        {
            std::lock_guard lock(m_mutex);
            ++m_count;
        }
        m_changed.notify_all();
    }
    int count() const {
        std::lock_guard lock(m_mutex);
        return m_count;
    }
    // True once a tick came after `seen`; false if none came within 5 s (the GUI thread
    // is busy: with the load itself when the load runs there).
    bool waitPast(int seen) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::seconds(5), [&] { return m_count > seen; });
    }

private:
    QTimer m_timer;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_count = 0;
};

// Runs r0, r1, ... with `points` steps of "loss" each. Each batch of histories it is asked
// for waits for the GUI thread's timer to tick once: a load that runs on the GUI thread (or
// blocks it) never sees that tick.
class WaitingSource : public Source {
public:
    WaitingSource(Ticks* ticks, size_t points) : m_ticks(ticks), m_points(points) {}

    QString kind() const override { return QStringLiteral("waiting"); }
    QString root() const override { return QStringLiteral("/waiting"); }
    ScanDelta scan(const ScanOptions&) override { return {}; }
    HistoryResult loadHistory(const Run& run, const QString& metric) override {
        (void)run, (void)metric;
        HistoryResult result;
        result.found = true;
        for (size_t i = 0; i < m_points; ++i)
            result.series.append(qint64(i), double(i), double(i));
        return result;
    }
    void loadHistories(const std::vector<Run>& runs, const QString& metric,
                       const HistoryBatch& batch) override {
        if (QThread::currentThread() == m_guiThread) ++onGuiThread;
        // Once starved, the rest do not wait: the test fails without waiting for each.
        if (starved == 0 && !m_ticks->waitPast(m_ticks->count())) ++starved;
        {
            std::lock_guard lock(m_mutex);
            m_slices.push_back(runs.size());
        }
        Source::loadHistories(runs, metric, batch);
    }
    // How many runs each loadHistories() call was given, smallest first.
    std::vector<size_t> slices() const {
        std::lock_guard lock(m_mutex);
        std::vector<size_t> sorted = m_slices;
        std::sort(sorted.begin(), sorted.end());
        return sorted;
    }

    std::atomic_int onGuiThread{0};
    std::atomic_int starved{0};  // batches that waited in vain for the GUI thread

private:
    Ticks* m_ticks;
    size_t m_points;
    QThread* m_guiThread = QThread::currentThread();
    mutable std::mutex m_mutex;
    std::vector<size_t> m_slices;
};

Run runNumbered(int i) {
    Run run;
    run.sourceKind = QStringLiteral("waiting");
    run.nativeId = QStringLiteral("r%1").arg(i);
    run.name = run.nativeId;
    run.location = QStringLiteral("/waiting");
    run.id = RunId::make(run.sourceKind, run.location, run.nativeId);
    run.metrics[QStringLiteral("loss")] = MetricSummary{};
    return run;
}

// A project of one WaitingSource holding `count` runs.
std::shared_ptr<LoadedProject> projectOf(std::unique_ptr<WaitingSource> source, int count) {
    auto project = std::make_shared<LoadedProject>();
    project->sources.push_back(std::move(source));
    project->indexSources();
    for (int i = 0; i < count; ++i)
        project->delta.runs.push_back(runNumbered(i));
    return project;
}

std::vector<std::pair<const Run*, QString>> loss(const std::vector<Run>& runs, size_t from,
                                                 size_t to) {
    std::vector<std::pair<const Run*, QString>> wanted;
    for (size_t i = from; i < to; ++i)
        wanted.push_back({&runs[i], QStringLiteral("loss")});
    return wanted;
}

int niceOfThisThread() {
    return getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)));
}

// The nice value of every thread of Qt's global pool: as many tasks as it has threads, each
// held until all have started.
std::vector<int> niceOfQtPoolThreads() {
    QThreadPool* pool = QThreadPool::globalInstance();
    const int threads = pool->maxThreadCount();
    QSemaphore started, gate;
    std::mutex mutex;
    std::vector<int> nice;
    for (int i = 0; i < threads; ++i)
        pool->start([&] {
            {
                std::lock_guard lock(mutex);
                nice.push_back(niceOfThisThread());
            }
            started.release();
            gate.acquire();
        });
    started.acquire(threads);
    QSemaphore finished;  // (waitForDone would end the pool's threads)
    for (int i = 0; i < threads; ++i)
        pool->start([&finished] { finished.release(); });
    gate.release(threads);
    finished.acquire(threads);
    return nice;
}

}  // namespace

class TestResponsive : public QObject {
    Q_OBJECT
private slots:
    // Qt's raster engine splits a big fill over Qt's global pool and the GUI thread waits for
    // the pieces: after the app's lowered threads (a chart frame being painted, a project let
    // go) started work there, every thread of that pool still runs at the GUI thread's
    // priority (threads inherit the nice value of the thread that makes them).
    void qtsPoolStaysAtTheGuiThreadsPriority() {
        keepQtPoolAtGuiPriority();  // what the main window does first
        const int gui = niceOfThisThread();
        // (QThreadPool::waitForDone would end the pool's threads: tasks say when they are done.)
        QSemaphore done;
        constexpr int kTasks = 8;
        QThreadPool app;
        for (int i = 0; i < 2; ++i)
            app.start([&done] {
                lowerThreadPriority();
                for (int task = 0; task < kTasks; ++task)
                    QThreadPool::globalInstance()->start([&done] {
                        QThread::msleep(10);
                        done.release();
                    });
            });
        backgroundPool().start(
            [&done] { QThreadPool::globalInstance()->start([&done] { done.release(); }); });
        done.acquire(2 * kTasks + 1);
        const std::vector<int> nice = niceOfQtPoolThreads();
        QCOMPARE(int(nice.size()), QThreadPool::globalInstance()->maxThreadCount());
        for (int each : nice)
            QCOMPARE(each, gui);
    }

    // Histories of 2,000 runs (a user checking all of them) load while the GUI thread's timer
    // keeps ticking: every batch saw a tick it waited for, none ran on the GUI thread.
    void historiesLoadOffTheGuiThread() {
        Ticks ticks;
        auto owned = std::make_unique<WaitingSource>(&ticks, 50);
        WaitingSource* source = owned.get();
        const auto project = projectOf(std::move(owned), 2000);
        const std::vector<Run>& runs = project->delta.runs;

        HistoryCache cache;
        cache.setProject(project);
        QSignalSpy loaded(&cache, &HistoryCache::loaded);
        const int ticksBefore = ticks.count();
        QCOMPARE(cache.want(loss(runs, 0, runs.size())), 2000);
        // want() only queues the work: nothing is here yet.
        QVERIFY(!cache.peek(runs.front(), QStringLiteral("loss")));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2000, 60000);
        QCOMPARE(source->onGuiThread.load(), 0);
        QCOMPARE(source->starved.load(), 0);
        // A tick for each batch of runs (the source's historyBatchSize()), batches loading side
        // by side sharing one.
        const int batches =
            int((runs.size() + source->historyBatchSize() - 1) / source->historyBatchSize());
        QVERIFY2(ticks.count() - ticksBefore >= batches / std::max(1, QThread::idealThreadCount()),
                 qPrintable(QStringLiteral("%1 ticks").arg(ticks.count() - ticksBefore)));
        for (const Run& run : runs) {
            const auto series = cache.peek(run, QStringLiteral("loss"));
            QVERIFY(series);
            QCOMPARE(series->size(), size_t(50));
        }
        QCOMPARE(cache.loadsRunning(), 0);
    }

    // Runs read one by one are shared out in equal slices, a multiple of the pool's threads:
    // 100 runs (a source's slice 32) are 4 x 25, so two threads read 50 each (not 64 and 36).
    void runsAreSharedEvenlyOverTheThreads() {
        Ticks ticks;
        auto owned = std::make_unique<WaitingSource>(&ticks, 10);
        WaitingSource* source = owned.get();
        const auto project = projectOf(std::move(owned), 100);
        HistoryCache cache;
        cache.setProject(project);
        QSignalSpy loaded(&cache, &HistoryCache::loaded);
        const std::vector<Run>& runs = project->delta.runs;
        QCOMPARE(cache.want(loss(runs, 0, runs.size())), 100);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 100, 20000);
        if (QThread::idealThreadCount() == 2)
            QCOMPARE(source->slices(), (std::vector<size_t>{25, 25, 25, 25}));
        const std::vector<size_t> slices = source->slices();
        QVERIFY(slices.size() % size_t(std::max(1, QThread::idealThreadCount())) == 0);
        QVERIFY(slices.back() - slices.front() <= 1);
    }

    // A newer choice of runs wins: loads of runs no longer wanted are dropped, the new ones
    // arrive.
    void aNewerChoiceSupersedesAnOlderOne() {
        Ticks ticks;
        const auto project = projectOf(std::make_unique<WaitingSource>(&ticks, 10), 1000);
        const std::vector<Run>& runs = project->delta.runs;
        HistoryCache cache;
        cache.setProject(project);
        QSignalSpy loaded(&cache, &HistoryCache::loaded);
        cache.want(loss(runs, 0, 900));
        cache.want(loss(runs, 900, 1000));
        QTRY_VERIFY(cache.peek(runs[999], QStringLiteral("loss")));
        QTRY_COMPARE(cache.loadsRunning(), 0);
        for (size_t i = 900; i < 1000; ++i)
            QVERIFY(cache.peek(runs[i], QStringLiteral("loss")));
        // Most of the 900 dropped never loaded (those already on their way may have).
        QVERIFY2(loaded.size() < 900, qPrintable(QString::number(loaded.size())));
    }

    // Past the budget the histories no view wants go, least recently used first; a tenth of
    // the budget stays for them. What is wanted stays whatever the budget.
    void budgetEvictsTheLeastRecentlyUsed() {
        Ticks ticks;
        // 2,000 points: about 47 KB each (24 bytes a point).
        const auto project = projectOf(std::make_unique<WaitingSource>(&ticks, 2000), 40);
        const std::vector<Run>& runs = project->delta.runs;
        HistoryCache cache;
        cache.setByteLimit(1 << 20);
        cache.setProject(project);
        QSignalSpy loaded(&cache, &HistoryCache::loaded);
        const QString metric = QStringLiteral("loss");

        cache.want(loss(runs, 0, 30));  // 1.4 MB, over the budget: kept, as wanted
        QTRY_COMPARE(loaded.size(), 30);
        QTRY_COMPARE(cache.loadsRunning(), 0);
        QVERIFY(cache.bytesHeld() > cache.byteLimit());
        for (size_t i = 0; i < 30; ++i)
            QVERIFY(cache.peek(runs[i], metric));

        // Runs 3 and 7 used last; then other runs are wanted.
        QVERIFY(cache.get(runs[3], metric));
        QVERIFY(cache.get(runs[7], metric));
        cache.want(loss(runs, 30, 32));
        QTRY_COMPARE(loaded.size(), 32);
        QTRY_VERIFY(!cache.peek(runs[0], metric));
        QTRY_VERIFY(cache.bytesHeld() <= cache.byteLimit());
        QVERIFY(cache.peek(runs[3], metric));
        QVERIFY(cache.peek(runs[7], metric));
        for (size_t i = 0; i < 30; ++i)
            if (i != 3 && i != 7) QVERIFY2(!cache.peek(runs[i], metric), qPrintable(runs[i].name));
        QVERIFY(cache.peek(runs[30], metric));
        QVERIFY(cache.peek(runs[31], metric));

        // Nothing wanted: the budget's tenth is all that stays.
        cache.want({});
        QTRY_VERIFY(cache.bytesHeld() <= cache.byteLimit() / 10);
    }
};

QTEST_GUILESS_MAIN(TestResponsive)
#include "tst_responsive.moc"
