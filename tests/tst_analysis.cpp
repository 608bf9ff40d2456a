// Decimation never loses what a user must see; smoothing gives TensorBoard's numbers.

#include <QTest>
#include <cmath>
#include <numeric>
#include <random>

#include "TestSupport.h"
#include "analysis/Aggregate.h"
#include "analysis/ChartCurve.h"
#include "analysis/Decimation.h"
#include "analysis/GroupBand.h"
#include "analysis/Smoothing.h"
#include "export/CurveCsv.h"
#include "model/NumberText.h"

using namespace runlens;

class TestAnalysis : public QObject {
    Q_OBJECT
private slots:
    void aSingleSpikeSurvives() {
        const size_t n = 10'000'000;
        std::vector<double> xs(n), ys(n, 0.0);
        std::iota(xs.begin(), xs.end(), 0.0);
        ys[5'432'109] = 100;
        ys[7'000'001] = -50;
        std::vector<QPointF> out;
        decimate(xs.data(), ys.data(), n, 0, double(n - 1), 800, out);
        QVERIFY(out.size() <= 4 * 800 + 2);
        bool spike = false, dip = false;
        for (const QPointF& p : out) {
            spike = spike || (p.y() == 100 && p.x() == 5'432'109);
            dip = dip || (p.y() == -50 && p.x() == 7'000'001);
        }
        QVERIFY(spike);
        QVERIFY(dip);
    }

    void aMonotoneSeriesKeepsItsEnds() {
        std::vector<double> xs(100'000), ys(100'000);
        for (size_t i = 0; i < xs.size(); ++i)
            xs[i] = double(i), ys[i] = std::sqrt(double(i));
        std::vector<QPointF> out;
        decimate(xs.data(), ys.data(), xs.size(), 0, 99'999, 300, out);
        QCOMPARE(out.front(), QPointF(0, 0));
        QCOMPARE(out.back(), QPointF(99'999, std::sqrt(99'999.0)));
        for (size_t i = 1; i < out.size(); ++i)
            QVERIFY(out[i].x() >= out[i - 1].x());  // in x order
    }

    void outputIsBoundedAndCoversTheVisibleRange() {
        std::mt19937 rng(2);
        std::normal_distribution<double> noise;
        std::vector<double> xs(1'000'000), ys(1'000'000);
        for (size_t i = 0; i < xs.size(); ++i)
            xs[i] = double(i) / 10, ys[i] = noise(rng);
        std::vector<QPointF> out;
        for (int width : {1, 7, 640, 3000}) {
            decimate(xs.data(), ys.data(), xs.size(), 20'000, 30'000, width, out);
            QVERIFY(out.size() <= size_t(4 * width + 2));
            QVERIFY(out.front().x() < 20'000 &&
                    out.back().x() > 30'000);  // one point past each edge
            int inside = 0;
            for (const QPointF& p : out)
                inside += (p.x() >= 20'000 && p.x() <= 30'000) ? 1 : 0;
            QCOMPARE(inside, int(out.size()) - 2);
        }
        // Fewer points than columns: every point is kept.
        decimate(xs.data(), ys.data(), 50, 0, 4.9, 800, out);
        QCOMPARE(out.size(), size_t(50));
    }

    // The block pyramid only saves work: the same points come out, spikes and NaNs included.
    void blocksGiveTheSameReduction() {
        std::mt19937 rng(9);
        std::normal_distribution<double> noise;
        std::vector<double> xs(300'000), ys(300'000);
        for (size_t i = 0; i < xs.size(); ++i) {
            xs[i] = double(i) * 0.5;
            ys[i] = noise(rng);
            if (i % 977 == 0) ys[i] = NAN;
        }
        ys[123'457] = 80;
        for (size_t i = 200'000; i < 200'200; ++i)
            ys[i] = NAN;  // a gap longer than a block
        MinMaxBlocks blocks;
        blocks.build(ys.data(), ys.size());
        std::vector<QPointF> plain, fast;
        for (const auto& [lo, hi, width] :
             {std::tuple{0.0, 150'000.0, 800}, std::tuple{1000.5, 1300.0, 300},
              std::tuple{61'000.0, 140'000.0, 37}, std::tuple{99'990.0, 100'010.0, 1000}}) {
            decimate(xs.data(), ys.data(), xs.size(), lo, hi, width, plain);
            decimate(xs.data(), ys.data(), xs.size(), lo, hi, width, fast, &blocks);
            QCOMPARE(fast, plain);
        }
    }

    void nonFiniteValuesAreSkipped() {
        const std::vector<double> xs = {0, 1, 2, 3};
        const std::vector<double> ys = {1, NAN, INFINITY, 2};
        std::vector<QPointF> out;
        decimate(xs.data(), ys.data(), 4, 0, 3, 100, out);
        QCOMPARE(out.size(), size_t(2));
    }

    // By hand, w = 0.6: 1.0, (0.24 + 0.8) / 0.64, (0.624 + 1.2) / 0.784
    void tensorBoardEma() {
        const std::vector<double> out = smoothEma({1, 2, 3}, 0.6);
        QCOMPARE(out[0], 1.0);
        QCOMPARE(out[1], 1.625);
        QVERIFY(std::abs(out[2] - 2.326530612244898) < 1e-15);
        const std::vector<double> gap = smoothEma({1, NAN, 3}, 0.6);
        QVERIFY(std::isnan(gap[1]));                    // passes through
        QVERIFY(std::abs(gap[2] - 2.25) < 1e-15);       // (0.24 + 1.2) / 0.64
        QCOMPARE(smoothEma({5, 5, 5}, 0.999)[2], 5.0);  // debiased: no pull towards 0
        QCOMPARE(smoothEma({3, 7}, 0.0), (std::vector<double>{3, 7}));
    }

    // TensorBoard's formula, pow for every point, bit for bit over long histories: the
    // debiasing stops once it is exactly 1, which changes no value.
    void tensorBoardEmaIsExactOverLongHistories() {
        std::vector<double> ys(60'000);
        for (size_t i = 0; i < ys.size(); ++i)
            ys[i] = std::sin(double(i) * 0.001) * 3 + double(i % 7) * 0.01;
        ys[100] = NAN;
        for (double weight : {0.0, 0.3, 0.6, 0.9, 0.99, 0.999, 0.9999}) {
            std::vector<double> expected(ys.size());
            double last = 0;
            int count = 0;
            for (size_t i = 0; i < ys.size(); ++i) {
                if (!std::isfinite(ys[i])) {
                    expected[i] = ys[i];
                    continue;
                }
                last = last * weight + (1 - weight) * ys[i];
                const double debias = 1 - std::pow(weight, ++count);
                expected[i] = debias > 0 ? last / debias : ys[i];
            }
            QVERIFY2(testsupport::sameBits(smoothEma(ys, weight), expected),
                     qPrintable(QString::number(weight)));
        }
    }

    void runningAverage() {
        QCOMPARE(smoothRunningAverage({1, 2, 3, 4, 5}, 1),
                 (std::vector<double>{1.5, 2, 3, 4, 4.5}));
        const std::vector<double> withNan = smoothRunningAverage({1, NAN, 3}, 1);
        QCOMPARE(withNan[0], 1.0);
        QVERIFY(std::isnan(withNan[1]));
        QCOMPARE(withNan[2], 3.0);
    }

    void timeWeightedEma() {
        // Evenly spaced points: the same numbers as TensorBoard's EMA.
        const std::vector<double> even = smoothTimeWeightedEma({0, 1, 2}, {1, 2, 3}, 0.6);
        const std::vector<double> ema = smoothEma({1, 2, 3}, 0.6);
        for (size_t i = 0; i < 3; ++i)
            QVERIFY(std::abs(even[i] - ema[i]) < 1e-12);
        // After a long gap the old values weigh less than after a short one.
        const double afterGap = smoothTimeWeightedEma({0, 1, 2, 100}, {0, 0, 0, 10}, 0.6)[3];
        const double noGap = smoothTimeWeightedEma({0, 1, 2, 3}, {0, 0, 0, 10}, 0.6)[3];
        QVERIFY(afterGap > noGap);
    }

    // Alignment as docs/READING.md states: union of x, values carried forward within a run's range.
    void groupBands() {
        const std::vector<double> ax = {0, 1, 2}, ay = {0, 2, 4}, bx = {0, 2}, by = {2, 6},
                                  cx = {5}, cy = {100};
        const GroupBand minMax = groupBand({{&ax, &ay}, {&bx, &by}, {&cx, &cy}}, BandKind::MinMax);
        QCOMPARE(minMax.xs, (std::vector<double>{0, 1, 2, 5}));
        QCOMPARE(minMax.mean, (std::vector<double>{1, 2, 5, 100}));  // at 1, b carries 2 forward
        QCOMPARE(minMax.low, (std::vector<double>{0, 2, 4, 100}));
        QCOMPARE(minMax.high, (std::vector<double>{2, 2, 6, 100}));
        QCOMPARE(minMax.runs, (std::vector<int>{2, 2, 2, 1}));  // a and b end at 2
        const GroupBand sd = groupBand({{&ax, &ay}, {&bx, &by}}, BandKind::StdDev);
        QCOMPARE(sd.low[0], 0.0);  // mean 1, sd 1
        QCOMPARE(sd.high[0], 2.0);
    }

    void aggregate() {
        Aggregate a;
        for (double v : {1.0, double(NAN), 3.0, 2.0})
            a.add(v);
        QCOMPARE(a.count, 3);
        QCOMPARE(a.mean(), 2.0);
        QCOMPARE(a.min, 1.0);
        QCOMPARE(a.max, 3.0);
    }

    // A chart's CSV needs no widget: curves and their CSV are core's (runlens-cli chart
    // --out x.csv runs this path; this test links runlens_core alone).
    void curvesAndTheirCsvInCore() {
        Run run;
        run.id = RunId(QStringLiteral("r"));
        run.name = QStringLiteral("lr=0.1, \"fast\"");
        MetricSeries series;
        series.steps = {2, 0, 1};  // recorded out of order
        series.values = {3, 1, 2};
        series.wallTimesMs = {1.8e12 + 2000, 1.8e12, 1.8e12 + 1000};
        const ChartCurve curve =
            buildCurve(run, 0xff0000, series, nullptr, {XKind::Step, Smoothing::Ema, 0.5});
        QCOMPARE(curve.xs, (std::vector<double>{0, 1, 2}));
        QCOMPARE(curve.rawYs.toVector(), (std::vector<double>{1, 2, 3}));
        QCOMPARE(curvesCsv("loss", {curve}),
                 QByteArray("run,metric,step,wall_time,value,smoothed\r\n"
                            "\"lr=0.1, \"\"fast\"\"\",loss,0,1800000000,1,1\r\n"
                            "\"lr=0.1, \"\"fast\"\"\",loss,1,1800000001,2,") +
                     numberText(curve.ys[1]).toLatin1() + "\r\n" +
                     "\"lr=0.1, \"\"fast\"\"\",loss,2,1800000002,3," +
                     numberText(curve.ys[2]).toLatin1() + "\r\n");
        // Relative time: seconds since the first point; hidden lines are left out.
        const ChartCurve relative =
            buildCurve(run, 0, series, nullptr, {XKind::RelativeTime, Smoothing::None, 0});
        QCOMPARE(relative.xs, (std::vector<double>{0, 1, 2}));
        QCOMPARE(curvesCsv("loss", {relative}, {false}),
                 QByteArray("run,metric,step,wall_time,value\r\n"));
    }

    // A curve made from a shared history is the curve made from a copy, point for point, for
    // every x and smoothing; where the history is already in x order it reads the history's
    // own columns instead of copying them (a 100-run chart copied 120 MB).
    void sharedHistoryGivesTheSameCurve() {
        auto inOrder = std::make_shared<MetricSeries>();
        for (int i = 0; i < 500; ++i)
            inOrder->append(i, std::sin(i * 0.1), 1.8e12 + 1000.0 * i);
        auto shuffled = std::make_shared<MetricSeries>(*inOrder);
        std::swap(shuffled->steps[3], shuffled->steps[300]);
        auto unwritten = std::make_shared<MetricSeries>(*inOrder);
        unwritten->wallTimesMs[10] = 0;  // no place on a time axis
        MetricSeries x;
        for (int i = 0; i < 500; i += 2)
            x.append(i, 500 - i, 0);
        for (const auto& series : {inOrder, shuffled, unwritten})
            for (XKind kind : {XKind::Step, XKind::WallTime, XKind::RelativeTime, XKind::Metric})
                for (Smoothing smoothing : {Smoothing::None, Smoothing::Ema,
                                            Smoothing::RunningAverage, Smoothing::TimeWeightedEma})
                    for (double amount : {0.0, 0.6}) {
                        const CurveOptions options{kind, smoothing, amount};
                        const std::shared_ptr<const MetricSeries> shared = series;
                        const ChartCurve a = buildCurve(RunId("r"), "r", 1, *series, &x, options);
                        const ChartCurve b = buildCurve(RunId("r"), "r", 1, shared, &x, options);
                        const QByteArray where = QByteArray::number(int(kind)) + '/' +
                                                 QByteArray::number(int(smoothing)) + '/' +
                                                 QByteArray::number(amount);
                        using testsupport::sameBits;
                        QVERIFY2(sameBits(a.xs, b.xs) && sameBits(a.ys, b.ys) &&
                                     sameBits(a.rawYs.toVector(), b.rawYs.toVector()) &&
                                     sameBits(a.steps.toVector(), b.steps.toVector()) &&
                                     sameBits(a.wallTimesMs.toVector(), b.wallTimesMs.toVector()),
                                 where.constData());
                        QVERIFY(!a.xs.empty());
                        // Every point, in the order recorded: the history's columns serve.
                        const bool asRecorded =
                            kind != XKind::Metric && a.steps.toVector() == series->steps;
                        QCOMPARE(b.steps.data() == series->steps.data(), asRecorded);
                        QCOMPARE(b.rawYs.data() == series->values.data(),
                                 asRecorded && smoothing != Smoothing::None && amount > 0);
                    }
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
