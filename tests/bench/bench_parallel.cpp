// Prints what the parallel coordinates cost with 10,000 runs x 20 axes (10 params, 10
// metrics) in a 1600 x 600 view: a full redraw (density layers built, image composed and
// painted) and a brush update (the runs that entered or left the brush moved between the
// layers, the image composed and painted), also the line mode at 400 runs for comparison.
//   QT_QPA_PLATFORM=offscreen bench_parallel

#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <random>

#include "ParallelView.h"

using namespace runlens;

namespace {
double msSince(const QElapsedTimer& timer) {
    return double(timer.nsecsElapsed()) / 1e6;
}

ScanDelta makeRuns(int count) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> unit(0, 1);
    ScanDelta delta;
    for (int r = 0; r < count; ++r) {
        Run run;
        run.nativeId = QStringLiteral("run-%1").arg(r);
        run.id = RunId::make(u"bench", u"/bench", run.nativeId);
        run.name = run.nativeId;
        for (int p = 0; p < 10; ++p) {
            // Mixed kinds: log-spread, linear, a few categories.
            const double v = p == 0 ? std::pow(10.0, -5 + 4 * unit(rng)) : unit(rng);
            run.params.insert(QStringLiteral("param_%1").arg(p),
                              p == 9 ? ParamValue::fromString(QStringLiteral("opt-%1").arg(r % 5))
                                     : ParamValue::parse(QString::number(v)));
        }
        for (int m = 0; m < 10; ++m)
            run.metrics[QStringLiteral("metric_%1").arg(m)].add(100, unit(rng), 1);
        delta.runs.push_back(std::move(run));
    }
    return delta;
}

void measure(int runs) {
    Catalog catalog;
    catalog.apply(makeRuns(runs));
    RunSelection selection;
    ParallelView view(&catalog, &selection);
    std::vector<ColumnRef> columns;
    for (int p = 0; p < 10; ++p)
        columns.push_back({ColumnRef::Kind::Param, QStringLiteral("param_%1").arg(p)});
    for (int m = 0; m < 10; ++m)
        columns.push_back({ColumnRef::Kind::Metric, QStringLiteral("metric_%1").arg(m)});
    view.setColumns(columns);
    view.resize(1600, 600);
    view.show();
    QApplication::processEvents();

    // Full redraws: colour changes force the layers to be rebuilt.
    std::vector<double> full, build;
    for (int i = 0; i < 5; ++i) {
        view.setColouring(i % 2 ? QStringLiteral("metrics.metric_0") : QString(), false);
        QElapsedTimer timer;
        timer.start();
        view.repaint();
        full.push_back(msSince(timer));
        build.push_back(view.lastFullBuildMs());
    }
    // Brush updates: a brush dragged down an axis in 20 steps, each repainted.
    std::vector<double> brush, layers;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer timer;
        timer.start();
        BrushSet brushes;
        const ParallelAxis& axis = view.axes()[3];
        brushes.setBrushes(axis.column(), {axis.brushBetween(0.8f - i * 0.03f, 0.95f - i * 0.03f)});
        selection.setBrushes(brushes, catalog.runs());
        view.repaint();
        brush.push_back(msSince(timer));
        layers.push_back(view.lastBrushUpdateMs());
    }
    std::sort(full.begin(), full.end());
    std::sort(build.begin(), build.end());
    std::sort(brush.begin(), brush.end());
    std::sort(layers.begin(), layers.end());
    printf(
        "%6d runs x 20 axes, %s: full redraw median %.1f ms (best %.1f; density layers %.1f); "
        "brush update median %.1f ms (worst %.1f), of which density layers %.1f ms\n",
        runs, view.densityMode() ? "density image" : "opaque lines", full[full.size() / 2],
        full.front(), build[build.size() / 2], brush[brush.size() / 2], brush.back(),
        layers[layers.size() / 2]);
}
}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    measure(400);
    measure(401);
    measure(10000);
    return 0;
}
