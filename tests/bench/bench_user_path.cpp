// The path a user takes through a big project, driven in process on the real main window
// (offscreen): open, check 10 / 100 / all runs for the charts, type a filter key by key, switch
// tabs, resize, the parallel coordinates, one metric for all runs, uncheck all. A heartbeat
// timer on the GUI thread fires every 5 ms; how late it fires is how long the window could
// not answer. Per step: the worst stall, the time until the step's result is on screen, and
// resident memory after it.
//
//   QT_QPA_PLATFORM=offscreen bench_user_path PATH [--filter TEXT] [--metric KEY]
//   (RUNLENS_SCREENSHOTS=DIR also saves the window 300 ms into each step and once it is ready)
//
// tests/bench/run_benchmarks.sh runs it on the generated data sets (docs/PERFORMANCE.md).

#include <QAbstractItemView>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QTreeView>
#include <cstdio>
#include <ctime>
#include <functional>

#include "ChartsPanel.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "ParallelPanel.h"
#include "RunTableView.h"
#include "WindowBench.h"

using namespace runlens;
using namespace benchwindow;

namespace {

constexpr int kSettleMs = 400;  // after a result is shown, stalls still count to its step

class UserPath {
public:
    UserPath(MainWindow& window, QString filter, QString metric)
        : m_window(window),
          m_filter(std::move(filter)),
          m_metric(std::move(metric)),
          m_paints(m_clock) {
        m_clock.start();
        auto changed = [this] { m_expected.clear(); };
        QObject::connect(&window.selection(), &RunSelection::checkedChanged, &window, changed);
        QObject::connect(&window.selection(), &RunSelection::shownChanged, &window, changed);
        QObject::connect(&window.catalog(), &Catalog::reset, &window, changed);
        QObject::connect(&window.catalog(), &Catalog::runsAppended, &window, changed);
        printf("%-34s %12s %12s %12s %10s  %s\n", "step", "worst stall", "GUI busy", "ready after",
               "RSS", "state");
    }

    void run(const QString& path) {
        QSignalSpy loaded(&m_window, &MainWindow::projectLoaded);
        auto charts = [this] { return chartsShown(); };
        step(
            "open", [&] { m_window.openPath(path); },
            [&] { return !loaded.isEmpty() && chartsShown(); });
        for (int n : {10, 100})
            step(
                QStringLiteral("check %1 runs (select, Space)").arg(n), [&] { checkFirstRows(n); },
                charts);
        step(
            "check all (Ctrl+A, Space)", [&] { checkAll(); }, charts);
        typeFilter();
        step(
            "to parallel coordinates (filtered)",
            [&] { m_window.views()->setCurrentWidget(m_window.parallel()); },
            [&] { return painted(m_window.parallel()->parallel()); });
        step(
            "back to charts (filtered)",
            [&] { m_window.views()->setCurrentWidget(m_window.charts()); }, charts);
        step(
            "clear the filter", [&] { m_window.filterBar()->setText({}); },
            [&] {
                return m_window.runTableView()->visibleRunCount() == m_window.catalog().size() &&
                       chartsShown();
            });
        for (QSize size : {QSize(1000, 700), QSize(1700, 1000), QSize(1400, 860)})
            step(
                QStringLiteral("resize to %1x%2").arg(size.width()).arg(size.height()),
                [&] { m_window.resize(size); }, charts);
        step(
            "parallel coordinates, all runs",
            [&] { m_window.views()->setCurrentWidget(m_window.parallel()); },
            [&] { return painted(m_window.parallel()->parallel()); });
        step(
            "back to charts", [&] { m_window.views()->setCurrentWidget(m_window.charts()); },
            charts);
        step(
            QStringLiteral("one metric (%1), all runs").arg(m_metric),
            [&] { m_window.charts()->setMetrics({m_metric}); }, charts);
        step(
            "uncheck all (Ctrl+A, Space)", [&] { checkAll(); },
            [&] { return m_window.selection().checked().isEmpty() && chartsShown(); });
        // Opening a project lets the one open go: its sources save their indexes then.
        QSignalSpy reloaded(&m_window, &MainWindow::projectLoaded);
        step(
            "open it again (the old one let go)", [&] { m_window.openPath(path); },
            [&] { return !reloaded.isEmpty(); });
        wait(1000);
        printf("%-34s %12s %12s %12s %7.0f MB\n", "1 s later", "", "", "", residentMb());
        printf(
            "worst stall of all steps: %.0f ms (GUI thread busy at most %.0f ms at a time); "
            "load average %.1f\n",
            m_worstOfAll, m_worstCpuOfAll, loadAverage());
    }

private:
    // One curve per checked run the filter shows that has `metric`: counted again only after
    // the checked runs, the filter or the runs changed (the count takes milliseconds, and
    // the heartbeat would count them as the app's).
    int expectedCurves(const QString& metric) {
        const auto it = m_expected.constFind(metric);
        if (it != m_expected.constEnd()) return *it;
        const RunSelection& selection = m_window.selection();
        int expected = 0;
        for (const Run& run : m_window.catalog().runs())
            if (selection.isChecked(run.id) && run.metrics.contains(metric) &&
                selection.isShown(run))
                ++expected;
        m_expected.insert(metric, expected);
        return expected;
    }

    bool chartsDrawn() {
        for (MetricChart* chart : m_window.charts()->charts())
            if (chart->isDrawing() || chart->curveCount() != expectedCurves(chart->metric()))
                return false;
        return true;
    }

    bool painted(QWidget* widget) {
        m_paints.watch(widget);
        return m_paints.lastPaint() >= m_stepStart;
    }

    // Every chart was painted, since the step began, with one curve per checked run the
    // filter shows that has its metric.
    bool chartsShown() {
        if (!m_window.charts()->isVisible()) return chartsDrawn();
        for (MetricChart* chart : m_window.charts()->charts()) {
            const QWidget* panel = m_window.charts();
            if (!QRect(chart->mapTo(panel, QPoint(0, 0)), chart->size()).intersects(panel->rect()))
                continue;  // scrolled out of view: not painted
            const auto [when, curves] = m_paints.chartPainted(chart);
            if (when < m_stepStart || curves != expectedCurves(chart->metric())) return false;
        }
        return true;
    }

    void checkFirstRows(int n) {
        QTreeView* table = m_window.runTable();
        QAbstractItemModel* model = table->model();
        const int rows = std::min(n, model->rowCount());
        table->setFocus();
        table->selectionModel()->select(
            QItemSelection(model->index(0, 0), model->index(rows - 1, 0)),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QSet<RunId> none;
        m_window.selection().setCheckedRuns(none);
        QTest::keyClick(table, Qt::Key_Space);
    }

    void checkAll() {
        QTreeView* table = m_window.runTable();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(table, Qt::Key_Space);
    }

    // One key every 120 ms (a quick typist): each prefix the filter accepts is applied.
    void typeFilter() {
        QLineEdit* edit = m_window.filterBar()->lineEdit();
        double worstKeyMs = 0, worstApplyMs = 0;
        wait(50);
        m_beat.reset();
        m_stepStart = m_clock.elapsed();
        // A keystroke's own work, and the work of applying the filter once the bar's debounce
        // lets it through (until the event loop is back).
        QElapsedTimer applied;
        auto connection =
            QObject::connect(m_window.filterBar(), &FilterBar::filterChanged, &m_window, [&] {
                applied.start();
                QTimer::singleShot(0, &m_window, [&] {
                    worstApplyMs = std::max(worstApplyMs, applied.nsecsElapsed() / 1e6);
                });
            });
        edit->setFocus();
        qint64 lastKey = 0;
        for (QChar c : std::as_const(m_filter)) {
            QElapsedTimer key;
            key.start();
            lastKey = m_clock.elapsed();
            QTest::keyClick(edit, c.toLatin1());
            worstKeyMs = std::max(worstKeyMs, key.nsecsElapsed() / 1e6);
            wait(120);
        }
        const bool ok = waitUntil([&] {
            return m_window.runTableView()->visibleRunCount() < m_window.catalog().size() &&
                   chartsShown();
        });
        const qint64 shown = m_clock.elapsed();
        wait(kSettleMs);
        QObject::disconnect(connection);
        report(QStringLiteral("type \"%1\"").arg(m_filter), ok, shown - lastKey,
               QStringLiteral("key handled in <= %1 ms, filter applied in <= %2 ms; %3 of %4 "
                              "runs (ready: after the last key)")
                   .arg(worstKeyMs, 0, 'f', 1)
                   .arg(worstApplyMs, 0, 'f', 1)
                   .arg(m_window.runTableView()->visibleRunCount())
                   .arg(m_window.catalog().size()));
    }

    void step(const QString& name, const std::function<void()>& act,
              const std::function<bool()>& ready) {
        wait(50);
        m_beat.reset();
        m_stepStart = m_clock.elapsed();
        noteStepStart(name);
        act();
        qint64 shown = -1;
        // RUNLENS_SCREENSHOTS=DIR: the window 300 ms into each step and once it is ready (the
        // grabs cost the GUI thread time: figures taken so are not comparable).
        const QString shots = qEnvironmentVariable("RUNLENS_SCREENSHOTS");
        const QString shot =
            QStringLiteral("%1/%2-%3")
                .arg(shots)
                .arg(++m_steps, 2, 10, QChar(u'0'))
                .arg(QString(name).replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")),
                                           QStringLiteral("_")));
        if (!shots.isEmpty())
            QTimer::singleShot(300, &m_window, [this, shot] {
                m_window.grab().save(shot + QStringLiteral("-300ms.png"));
            });
        const bool ok = waitUntil([&] {
            if (shown < 0 && ready()) shown = m_clock.elapsed();
            return shown >= 0;
        });
        if (!shots.isEmpty()) m_window.grab().save(shot + QStringLiteral("-ready.png"));
        wait(kSettleMs);
        report(name, ok, shown - m_stepStart,
               QStringLiteral("%1 checked, %2 shown")
                   .arg(m_window.selection().checked().size())
                   .arg(m_window.runTableView()->visibleRunCount()));
    }

    void report(const QString& name, bool ok, qint64 readyMs, const QString& state) {
        const double worst = m_beat.worst(), cpu = m_beat.worstCpu();
        m_worstOfAll = std::max(m_worstOfAll, worst);
        m_worstCpuOfAll = std::max(m_worstCpuOfAll, cpu);
        printf("%-34s %9.0f ms %9.0f ms %9lld ms %7.0f MB  %s%s\n", qPrintable(name), worst, cpu,
               (long long)readyMs, residentMb(), qPrintable(state), ok ? "" : " (TIMED OUT)");
        fflush(stdout);
    }

    MainWindow& m_window;
    QString m_filter, m_metric;
    QElapsedTimer m_clock;
    Heartbeat m_beat;
    PaintWatch m_paints;
    QHash<QString, int> m_expected;  // curves each chart should show, by metric
    qint64 m_stepStart = 0;
    int m_steps = 0;
    double m_worstOfAll = 0, m_worstCpuOfAll = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Settings and the index of what was read go to folders of this run: a first open.
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", (home.path() + QStringLiteral("/config")).toUtf8());
    qputenv("XDG_CACHE_HOME", (home.path() + QStringLiteral("/cache")).toUtf8());
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("RunLens"));
    QApplication::setOrganizationName(QStringLiteral("RunLens"));
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("Project to open"));
    parser.addOption({QStringLiteral("filter"), QStringLiteral("Filter typed key by key"),
                      QStringLiteral("text"), QStringLiteral("batch_size > 40")});
    parser.addOption({QStringLiteral("metric"), QStringLiteral("The one metric charted last"),
                      QStringLiteral("key"), QStringLiteral("metric_0")});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().isEmpty()) parser.showHelp(2);
    const QString path = parser.positionalArguments().constFirst();

    printf("%s: resident before opening %.0f MB; %d cores, load average %.1f\n", qPrintable(path),
           residentMb(), QThread::idealThreadCount(), loadAverage());
    MainWindow window;
    window.resize(1400, 860);
    window.show();
    UserPath user(window, parser.value(QStringLiteral("filter")),
                  parser.value(QStringLiteral("metric")));
    user.run(path);
    return 0;
}
