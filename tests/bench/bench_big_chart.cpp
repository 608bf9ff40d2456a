// Issue 19: the app on a project far bigger than memory would hold at 24 bytes a point. Drives
// the real main window (offscreen): open, one tag shown for the first N runs checked, zoom in
// step by step, pan, then zoom to single points and check that the chart holds exactly the
// values the source files hold (read again without any cache). Per step: the time until the
// chart is painted with it, the worst stall of the GUI thread, and resident memory.
//
//   QT_QPA_PLATFORM=offscreen bench_big_chart LOGDIR [--runs 100] [--metric train/metric_0]
//
// The caller's XDG_CACHE_HOME is used: run it twice to measure a reopen from a warm cache.

#include <QAbstractItemView>
#include <QCommandLineParser>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ChartsPanel.h"
#include "MainWindow.h"
#include "RunTableView.h"
#include "WindowBench.h"
#include "project/ProjectLoader.h"

using namespace runlens;
using namespace benchwindow;

namespace {

class BigChart {
public:
    BigChart(MainWindow& window, QString metric)
        : m_window(window), m_metric(std::move(metric)), m_paints(m_clock) {
        m_clock.start();
        printf("%-40s %10s %12s %12s %9s\n", "step", "shown after", "worst stall", "GUI busy",
               "RSS");
    }

    bool open(const QString& path) {
        QSignalSpy loaded(&m_window, &MainWindow::projectLoaded);
        return step(
            QStringLiteral("open (the listing)"), [&] { m_window.openPath(path); },
            [&] { return !loaded.isEmpty(); });
    }

    bool checkRuns(int n) {
        m_window.charts()->setMetrics({m_metric});
        m_runs = std::min(n, m_window.runTable()->model()->rowCount());
        return step(
            QStringLiteral("check %1 runs, %2 shown").arg(m_runs).arg(m_metric),
            [&] {
                QTreeView* table = m_window.runTable();
                QAbstractItemModel* model = table->model();
                table->setFocus();
                table->selectionModel()->select(
                    QItemSelection(model->index(0, 0), model->index(m_runs - 1, 0)),
                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                m_window.selection().setCheckedRuns({});
                QTest::keyClick(table, Qt::Key_Space);
            },
            [&] { return chartShown(m_runs); });
    }

    // Each zoom halves the visible steps around their middle, as the wheel does.
    void zoomAndPan() {
        std::vector<double> zooms, pans;
        for (int i = 0; i < 8; ++i) {
            const auto [lo, hi] = chart()->xRange();
            const double mid = (lo + hi) / 2, half = (hi - lo) / 4;
            zooms.push_back(timed([&] { chart()->setXRange(mid - half, mid + half); }));
        }
        for (int i = 0; i < 6; ++i) {
            const auto [lo, hi] = chart()->xRange();
            const double shift = (hi - lo) / 10 * (i % 2 ? -1 : 1);
            pans.push_back(timed([&] { chart()->setXRange(lo + shift, hi + shift); }));
        }
        summarise("zoom in x2, 8 times", zooms);
        summarise("pan by a tenth, 6 times", pans);
    }

    // At a 20-step window every point is drawn; the curves hold the source's values exactly.
    bool singlePoints(const QString& path) {
        const auto [lo, hi] = chart()->xRange();
        const double mid = std::round((lo + hi) / 2);
        timed([&] { chart()->setXRange(mid - 10, mid + 10); });
        summarise("zoom to 20 steps", {m_lastMs});
        const std::shared_ptr<const CurveSet> set = chart()->curveSet();
        int checked = 0, exact = 0;
        for (size_t c = 0; c < set->size() && checked < 3; c += set->size() / 3 + 1, ++checked) {
            const ChartCurve& curve = set->curve(c);
            const Run* run = m_window.catalog().find(curve.run);
            ScanOptions options;
            options.onlyRun = run ? run->nativeId : QString();
            const LoadedProject fresh = loadProject(path, options);  // no cache
            const Run* again = nullptr;
            for (const Run& r : fresh.delta.runs)
                if (r.nativeId == options.onlyRun) again = &r;
            Source* source = again ? fresh.sourceFor(*again) : nullptr;
            const HistoryResult history =
                source ? source->loadHistory(*again, m_metric) : HistoryResult{};
            const size_t count = curve.xs.size();
            const double* shown = curve.rawYs.empty() ? curve.ys.data() : curve.rawYs.data();
            bool same = history.found && history.series.size() == count;
            for (size_t i = 0; same && i < count; ++i)
                same = std::memcmp(&shown[i], &history.series.values[i], sizeof(double)) == 0 &&
                       curve.steps[i] == history.series.steps[i];
            exact += same ? 1 : 0;
        }
        printf("single points: %d of %d runs checked hold the source's values bit for bit\n", exact,
               checked);
        return exact == checked;
    }

private:
    MetricChart* chart() const { return m_window.charts()->charts().value(0); }

    bool chartShown(int curves) const {
        MetricChart* c = chart();
        if (!c || c->isDrawing() || c->curveCount() != curves) return false;
        const auto [when, count] = m_paints.chartPainted(c);
        return when >= m_stepStart && count == curves;
    }

    double timed(const std::function<void()>& act) {
        step({}, act, [&] { return chartShown(m_runs); });
        return m_lastMs;
    }

    void summarise(const char* name, std::vector<double> ms) {
        std::sort(ms.begin(), ms.end());
        printf("%-40s %7.0f ms (median %.0f ms, %zu times) %9.0f MB\n", name, ms.back(),
               ms[ms.size() / 2], ms.size(), residentMb());
        fflush(stdout);
    }

    // Runs `act`; when `name` is given, prints the step's line.
    bool step(const QString& name, const std::function<void()>& act,
              const std::function<bool()>& ready) {
        wait(50);
        m_beat.reset();
        m_stepStart = m_clock.elapsed();
        noteStepStart(name);
        act();
        const bool ok = waitUntil(ready);
        m_lastMs = double(m_clock.elapsed() - m_stepStart);
        if (!name.isEmpty()) {
            printf("%-40s %7.0f ms %9.0f ms %9.0f ms %6.0f MB%s\n", qPrintable(name), m_lastMs,
                   m_beat.worst(), m_beat.worstCpu(), residentMb(), ok ? "" : " (TIMED OUT)");
            fflush(stdout);
        }
        return ok;
    }

    MainWindow& m_window;
    QString m_metric;
    QElapsedTimer m_clock;
    Heartbeat m_beat;
    PaintWatch m_paints;
    int m_runs = 0;
    qint64 m_stepStart = 0;
    double m_lastMs = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("RunLens"));
    QApplication::setOrganizationName(QStringLiteral("RunLens"));
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("Project to open"));
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs checked"), QStringLiteral("n"),
                      QStringLiteral("100")});
    parser.addOption({QStringLiteral("metric"), QStringLiteral("The tag shown"),
                      QStringLiteral("key"), QStringLiteral("train/metric_0")});
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().isEmpty()) parser.showHelp(2);
    const QString path = parser.positionalArguments().constFirst();
    printf("%s: resident before opening %.0f MB; load average %.1f\n", qPrintable(path),
           residentMb(), loadAverage());

    MainWindow window;
    window.resize(1400, 860);
    window.show();
    BigChart bench(window, parser.value(QStringLiteral("metric")));
    if (!bench.open(path) || !bench.checkRuns(parser.value(QStringLiteral("runs")).toInt()))
        return 1;
    bench.zoomAndPan();
    const bool exact = bench.singlePoints(path);
    printf("load average %.1f\n", loadAverage());
    return exact ? 0 : 1;
}
