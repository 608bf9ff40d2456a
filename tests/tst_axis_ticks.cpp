// Axis ticks and on-screen numbers: what a user reads along every axis and in every cell.

#include <QDateTime>
#include <QRegularExpression>
#include <QTest>
#include <cmath>

#include "analysis/AxisTicks.h"
#include "model/NumberText.h"

using namespace runlens;

namespace {

QStringList labels(const std::vector<AxisTick>& ticks) {
    QStringList out;
    for (const AxisTick& t : ticks)
        if (!t.label.isEmpty()) out << t.label;
    return out;
}

std::vector<double> values(const std::vector<AxisTick>& ticks) {
    std::vector<double> out;
    for (const AxisTick& t : ticks)
        out.push_back(t.value);
    return out;
}

}  // namespace

class TestAxisTicks : public QObject {
    Q_OBJECT
private slots:
    void stepsOfAThousandPointRun() {
        // The demo's 0..999 steps: round hundreds, never 199.8.
        QCOMPARE(labels(linearTicks(0, 999, 6, true)),
                 QStringList({"0", "200", "400", "600", "800"}));
        QCOMPARE(labels(linearTicks(0, 999, 11, true)),
                 QStringList({"0", "100", "200", "300", "400", "500", "600", "700", "800", "900"}));
    }

    void lossBetweenHalfAndThree() {
        QCOMPARE(labels(linearTicks(0.4229, 2.759, 6)),
                 QStringList({"0.5", "1", "1.5", "2", "2.5"}));
    }

    void integralAxesNeverGetFractions() {
        // Three steps on a wide axis: 0, 1, 2, 3, not 0.5 or 1.25.
        const auto ticks = linearTicks(0, 3, 10, true);
        QCOMPARE(labels(ticks), QStringList({"0", "1", "2", "3"}));
        for (double v : values(linearTicks(0, 7, 5, true)))
            QCOMPARE(v, std::round(v));
    }

    void neverMoreTicksThanAsked() {
        for (double span : {0.37, 1.0, 7.3, 99.0, 1234.5, 5e7})
            for (int n = 2; n <= 12; ++n) {
                const auto ticks = linearTicks(-span / 3, span, n);
                QVERIFY2(int(ticks.size()) <= n, qPrintable(QString::number(span)));
                QVERIFY(ticks.size() >= 2 || n < 3);
                for (const AxisTick& t : ticks)
                    QVERIFY(t.value >= -span / 3 - 1e-9 && t.value <= span + 1e-9);
            }
    }

    void shortAxesStillGetTwoLabels() {
        // A chart 110 px high has room for three ticks: 0.15..0.95 reads 0.2 0.4 0.6 0.8 rather
        // than a lone 0.5.
        QVERIFY(labels(linearTicks(0.15, 0.95, 3)).size() >= 2);
        QVERIFY(labels(linearTicks(0.15, 0.95, 2)).size() >= 2);
    }

    void roundStepsOnly() {
        // The step is 1, 2 or 5 times a power of ten.
        for (double span : {0.013, 0.9, 3.3, 42.0, 777.0, 123456.0}) {
            const double step = niceStep(span, 6);
            const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
            QVERIFY2(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
                         std::abs(mantissa - 5) < 1e-9,
                     qPrintable(QString::number(step)));
        }
    }

    void noFloatNoiseInLabels() {
        // 0.1 * 3 is 0.30000000000000004 in binary: the label still reads 0.3.
        QCOMPARE(labels(linearTicks(0, 0.5, 6)),
                 QStringList({"0", "0.1", "0.2", "0.3", "0.4", "0.5"}));
        QCOMPARE(labels(linearTicks(-1, 1, 5)), QStringList({"-1", "-0.5", "0", "0.5", "1"}));
    }

    void thousandsAsSuffixes() {
        QCOMPARE(labels(linearTicks(0, 1'000'000, 6, true)),
                 QStringList({"0", "200k", "400k", "600k", "800k", "1M"}));
        QCOMPARE(labels(linearTicks(0, 2'600'000, 6, true)),
                 QStringList({"0", "500k", "1M", "1.5M", "2M", "2.5M"}));
        // Below ten thousand numbers stay whole.
        QCOMPARE(labels(linearTicks(0, 5000, 6, true)),
                 QStringList({"0", "1000", "2000", "3000", "4000", "5000"}));
    }

    void tinyValuesInOneNotation() {
        QCOMPARE(labels(linearTicks(0, 0.0001, 6)),
                 QStringList({"0", "2e-5", "4e-5", "6e-5", "8e-5", "1e-4"}));
    }

    void logAxesLabelDecades() {
        QCOMPARE(labels(logTicks(0.001, 10, 8)), QStringList({"0.001", "0.01", "0.1", "1", "10"}));
        // Room for 2 and 5 between two decades.
        QCOMPARE(labels(logTicks(1, 100, 10)),
                 QStringList({"1", "2", "5", "10", "20", "50", "100"}));
        // Many decades: every other one labelled, the rest left out, one notation.
        QCOMPARE(labels(logTicks(1e-8, 1e2, 6)),
                 QStringList({"1e-8", "1e-6", "1e-4", "1e-2", "1e0", "1e2"}));
        // Decades get minor ticks at 2..9 when labels are sparse but decades few.
        const auto ticks = logTicks(1, 1000, 4);
        QCOMPARE(labels(ticks), QStringList({"1", "10", "100", "1000"}));
        QVERIFY(ticks.size() > 4);
    }

    void logWithinOneDecadeReadsLinear() {
        QCOMPARE(labels(logTicks(0.35, 0.8, 6)), QStringList({"0.4", "0.5", "0.6", "0.7", "0.8"}));
    }

    void durationsInTheUnitTheSpanAsks() {
        QCOMPARE(labels(durationTicks(0, 50, 6)),
                 QStringList({"0", "10 s", "20 s", "30 s", "40 s", "50 s"}));
        QCOMPARE(labels(durationTicks(0, 3000, 6)),
                 QStringList({"0", "10 min", "20 min", "30 min", "40 min", "50 min"}));
        QCOMPARE(labels(durationTicks(0, 5 * 3600, 6)),
                 QStringList({"0", "1 h", "2 h", "3 h", "4 h", "5 h"}));
        QCOMPARE(labels(durationTicks(0, 3 * 86400, 4)), QStringList({"0", "1 d", "2 d", "3 d"}));
        QCOMPARE(durationText(5400), QStringLiteral("1 h 30 min"));
        QCOMPARE(durationText(42.5), QStringLiteral("42.5 s"));
    }

    void wallTimeAtRoundClockTimes() {
        const QDateTime start(QDate(2026, 3, 3), QTime(11, 52, 17));
        const double from = double(start.toMSecsSinceEpoch());
        const auto ticks = wallTimeTicks(from, from + 3600'000.0, 6);
        QCOMPARE(labels(ticks), QStringList({"12:00", "12:15", "12:30", "12:45"}));
        // Across midnight the day is named.
        const QDateTime late(QDate(2026, 3, 3), QTime(20, 10));
        const double l = double(late.toMSecsSinceEpoch());
        const QStringList across = labels(wallTimeTicks(l, l + 10 * 3600'000.0, 6));
        QVERIFY2(across.contains(QStringLiteral("Mar 4")), qPrintable(across.join(u' ')));
        // Across years, dates carry the year.
        const double y0 = double(QDateTime(QDate(2025, 6, 1), QTime(0, 0)).toMSecsSinceEpoch());
        const double y1 = double(QDateTime(QDate(2026, 6, 1), QTime(0, 0)).toMSecsSinceEpoch());
        for (const QString& label : labels(wallTimeTicks(y0, y1, 6)))
            QVERIFY2(QRegularExpression("^20\\d\\d-\\d\\d-\\d\\d$").match(label).hasMatch(),
                     qPrintable(label));
    }

    void degenerateRanges() {
        QCOMPARE(labels(linearTicks(5, 5, 6)), QStringList({"5"}));
        QVERIFY(linearTicks(0, NAN, 6).empty());
        QVERIFY(logTicks(0, 10, 6).empty());
    }

    void shortNumbers() {
        QCOMPARE(shortNumberText(0.9400000000000001), QStringLiteral("0.94"));
        QCOMPARE(shortNumberText(0.123456789), QStringLiteral("0.12346"));
        QCOMPARE(shortNumberText(1234567.891), QStringLiteral("1.2346e6"));
        QCOMPARE(shortNumberText(0.0000123456), QStringLiteral("1.2346e-5"));
        QCOMPARE(shortNumberText(500), QStringLiteral("500"));
        QCOMPARE(shortNumberText(123456789), QStringLiteral("123456789"));
        QCOMPARE(shortNumberText(-2.5), QStringLiteral("-2.5"));
        QCOMPARE(shortNumberText(NAN), QStringLiteral("NaN"));
        // The exact form keeps every digit.
        QCOMPARE(numberText(0.9400000000000001), QStringLiteral("0.9400000000000001"));
        // As Python's repr writes them (less its ".0"): plain between 1e-4 and 1e16.
        QCOMPARE(numberText(1.8e9), QStringLiteral("1800000000"));
        QCOMPARE(numberText(0.0001), QStringLiteral("0.0001"));
        QCOMPARE(numberText(1795811563.262), QStringLiteral("1795811563.262"));
        QCOMPARE(numberText(1e16), QStringLiteral("1e+16"));
        QCOMPARE(numberText(1.5e-5), QStringLiteral("1.5e-05"));
        QCOMPARE(numberText(-0.0), QStringLiteral("-0"));
    }
};

QTEST_GUILESS_MAIN(TestAxisTicks)
#include "tst_axis_ticks.moc"
