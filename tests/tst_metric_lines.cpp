// MLflow metric-file lines, every shape MLflow has written, and damage.

#include <QTest>
#include <cmath>

#include "model/MetricSeries.h"
#include "sources/MlflowMetricLines.h"

using namespace runlens;

namespace {
struct Parsed {
    MetricSeries series;
    MetricLinesOutcome outcome;
};
Parsed parse(std::string_view text, bool tailIsComplete = true) {
    Parsed p;
    p.outcome = parseMetricLines(text, tailIsComplete, [&](qint64 step, double value, double ts) {
        p.series.append(step, value, ts);
    });
    return p;
}
}  // namespace

class TestMetricLines : public QObject {
    Q_OBJECT
private slots:
    void everyMlflowShape() {
        const Parsed p = parse(
            "1500000000000 0.25\n"                         // before MLflow 1.0: no step
            "1795812670703 0.9801986733067553 1\n"         // 1.x, 2.x
            "1795811563286 1e-05 2 mnist-mini b064d295\n"  // 3.x with a dataset
            "1795812670759 nan 3\n1795812670760 inf 4\n1795812670761 -inf -5\n");
        QCOMPARE(p.outcome.badLines, 0);
        QCOMPARE(p.series.steps, (std::vector<double>{0, 1, 2, 3, 4, -5}));
        QCOMPARE(p.series.values[0], 0.25);
        QCOMPARE(p.series.values[1], 0.9801986733067553);
        QCOMPARE(p.series.values[2], 1e-05);
        QVERIFY(std::isnan(p.series.values[3]));
        QCOMPARE(p.series.values[4], INFINITY);
        QCOMPARE(p.series.values[5], -INFINITY);
        QCOMPARE(p.series.wallTimesMs[0], 1500000000000.0);
    }

    void badLinesAreCountedAndSkipped() {
        const Parsed p =
            parse("1 1.0 0\nhello\n2 2.0x 1\n3 3.0 1.5\n\n4 4.0 4\n5 2 3 extra fields ok\n");
        QCOMPARE(p.series.values, (std::vector<double>{1.0, 4.0, 2.0}));
        QCOMPARE(p.outcome.badLines, 3);
        QCOMPARE(p.outcome.firstBadLine, 2);
        QCOMPARE(p.outcome.firstBadText, QStringLiteral("hello"));
    }

    void unterminatedTail() {
        // A file being written: the cut-off line waits for the next read...
        const Parsed live = parse("1 1.0 0\n2 0.5", false);
        QCOMPARE(live.series.size(), size_t(1));
        QVERIFY(live.outcome.incompleteTail);
        QCOMPARE(live.outcome.consumed, size_t(8));
        // ...and a finished file without a final newline keeps its last point.
        const Parsed done = parse("1 1.0 0\n2 0.5 1", true);
        QCOMPARE(done.series.size(), size_t(2));
        QCOMPARE(done.outcome.consumed, size_t(15));
    }

    void windowsLineEndsAndOddTimestamps() {
        const Parsed p =
            parse("1 1.0 0\r\n1500000000000.5 2.0 1\r\n17958115631940000000 3.0 2\n1e400 4.0 3\n");
        QCOMPARE(p.series.values, (std::vector<double>{1.0, 2.0, 3.0}));
        QCOMPARE(p.series.wallTimesMs[1], 1500000000000.5);
        QCOMPARE(p.series.wallTimesMs[2], 17958115631940000000.0);  // past int64: kept as a double
        QCOMPARE(p.outcome.badLines, 1);                            // 1e400 is no time
    }
};

QTEST_GUILESS_MAIN(TestMetricLines)
#include "tst_metric_lines.moc"
