// Prints how long a chart takes to draw many runs and very long histories, offscreen with
// Qt's raster engine:  QT_QPA_PLATFORM=offscreen bench_charts

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <cmath>
#include <cstdio>
#include <random>

#include "MetricChart.h"

using namespace runlens;

namespace {

MetricChart::Curve makeCurve(int index, size_t points, std::mt19937& rng) {
    std::normal_distribution<double> noise(0, 0.02);
    MetricChart::Curve c;
    c.run = RunId(QStringLiteral("run%1").arg(index));
    c.name = c.run.text();
    c.colour = 0x1f77b4 + uint32_t(index) * 0x0a0b0c;
    c.xs.resize(points);
    c.ys.resize(points);
    for (size_t i = 0; i < points; ++i) {
        c.xs[i] = double(i);
        c.ys[i] = std::exp(-double(i) / double(points) * (2 + index % 5)) + noise(rng);
    }
    return c;
}

double paintMs(MetricChart& chart) {
    QImage image(chart.size(), QImage::Format_ARGB32_Premultiplied);
    QElapsedTimer t;
    t.start();
    QPainter painter(&image);
    chart.render(&painter);
    return t.nsecsElapsed() / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    std::mt19937 rng(1);
    // The targets: 10 runs x 1 M points (pan/zoom < 16 ms), 100 runs x 100 k (< 50 ms),
    // first draw < 200 ms; then larger cases for the record.
    for (const auto& [runs, points] :
         {std::pair{10, size_t(1'000'000)}, std::pair{100, size_t(100'000)},
          std::pair{100, size_t(3200)}, std::pair{1000, size_t(2000)},
          std::pair{1, size_t(10'000'000)}}) {
        std::vector<MetricChart::Curve> curves;
        for (int r = 0; r < runs; ++r)
            curves.push_back(makeCurve(r, points, rng));
        MetricChart chart(QStringLiteral("loss"));
        chart.resize(900, 500);
        chart.show();
        QElapsedTimer t;
        t.start();
        chart.setCurves(std::move(curves), MetricChart::XKind::Step, false);
        const double setMs = t.nsecsElapsed() / 1e6;
        const double firstPaint = paintMs(chart);
        t.restart();
        chart.setXRange(double(points) * 0.25, double(points) * 0.75);  // a zoom: reduce again
        const double zoomMs = t.nsecsElapsed() / 1e6;
        const double zoomPaint = paintMs(chart);
        t.restart();
        chart.setXRange(double(points) * 0.30, double(points) * 0.80);  // a pan
        const double panMs = t.nsecsElapsed() / 1e6 + paintMs(chart);
        printf(
            "%5d runs x %9zu points: first draw %6.1f ms (set + reduce %6.1f, paint %5.1f); zoom "
            "%5.1f ms (reduce %4.1f, paint %4.1f); pan %5.1f ms; "
            "%zu points drawn\n",
            runs, points, setMs + firstPaint, setMs, firstPaint, zoomMs + zoomPaint, zoomMs,
            zoomPaint, panMs, chart.drawnPoints());
        fflush(stdout);
    }
    return 0;
}
