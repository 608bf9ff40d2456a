// Prints how long the run table takes with 10,000 runs x 50 columns (25 params, 25 metrics):
// populating it once the catalog is ready, sorting a column, scrolling a page. Each figure
// includes the repaint.   QT_QPA_PLATFORM=offscreen bench_table

#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QScrollBar>
#include <QTreeView>
#include <cstdio>
#include <random>

#include "RunTableModel.h"
#include "RunTableView.h"

using namespace runlens;

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> unit(0, 1);
    ScanDelta delta;
    for (int r = 0; r < 10000; ++r) {
        Run run;
        run.nativeId = QStringLiteral("run-%1").arg(r);
        run.id = RunId::make(u"bench", u"/bench", run.nativeId);
        run.name = run.nativeId;
        run.experiment = QStringLiteral("exp-%1").arg(r % 7);
        run.sourceKind = QStringLiteral("mlflow-file");
        run.status = RunStatus::Finished;
        run.startTimeMs = 1700000000000 + r * 1000;
        run.endTimeMs = *run.startTimeMs + 60000;
        for (int p = 0; p < 25; ++p)
            run.params.insert(QStringLiteral("param_%1").arg(p),
                              ParamValue::parse(QString::number(unit(rng))));
        for (int m = 0; m < 25; ++m)
            run.metrics[QStringLiteral("metric_%1").arg(m)].add(100, unit(rng), 1);
        delta.runs.push_back(std::move(run));
    }
    Catalog catalog;
    RunSelection selection;
    RunTableView table(&catalog, &selection);
    table.resize(1400, 900);
    table.show();
    QApplication::processEvents();

    auto repaint = [&] {
        table.view()->viewport()->repaint();
        table.view()->header()->viewport()->repaint();
    };
    QElapsedTimer t;
    t.start();
    catalog.apply(std::move(delta));
    const double applied = t.nsecsElapsed() / 1e6;
    table.fitColumns();
    const double fitted = t.nsecsElapsed() / 1e6;
    repaint();
    printf(
        "populate 10,000 runs x %d columns: %.1f ms (catalog and models %.1f, fit widths %.1f, "
        "paint %.1f)\n",
        table.tableModel()->columnCount(), t.nsecsElapsed() / 1e6, applied, fitted - applied,
        t.nsecsElapsed() / 1e6 - fitted);
    const int metric = table.tableModel()->columnOf(ColumnRef::metric("metric_3"));
    for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        t.restart();
        table.view()->sortByColumn(metric, order);
        repaint();
        printf("sort by a metric column (%s) and paint: %.1f ms\n",
               order == Qt::AscendingOrder ? "ascending" : "descending", t.nsecsElapsed() / 1e6);
    }
    QScrollBar* bar = table.view()->verticalScrollBar();
    double worst = 0, total = 0;
    for (int i = 0; i < 20; ++i) {
        t.restart();
        bar->setValue(bar->value() + bar->pageStep());
        repaint();
        const double ms = t.nsecsElapsed() / 1e6;
        worst = std::max(worst, ms);
        total += ms;
    }
    printf("scroll a page and paint: mean %.1f ms, worst %.1f ms\n", total / 20, worst);
    return 0;
}
