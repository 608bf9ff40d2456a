// The history export writes numbers without allocating (numberChars, stepChars, streamed in
// pieces): the bytes are exactly those of the QString formatter it replaced, for a million
// random doubles and for whole CSV and JSON histories cut into many pieces.

#include <QTest>
#include <charconv>
#include <cmath>
#include <limits>
#include <random>

#include "export/JsonWriter.h"
#include "export/RunExport.h"
#include "model/NumberText.h"

using namespace runlens;

namespace {

// The formatter before numberChars(), word for word: the reference the new one must equal.
QString referenceNumberText(double value) {
    if (std::isnan(value)) return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    const double magnitude = std::abs(value);
    const bool plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
    char buf[400];
    const auto end = std::to_chars(buf, buf + sizeof buf, value,
                                   plain ? std::chars_format::fixed : std::chars_format::scientific)
                         .ptr;
    return QString::fromLatin1(buf, end - buf);
}

QString referenceStepText(double step) {
    if (step == std::trunc(step) && std::abs(step) < 9.2e18)
        return QString::number(static_cast<long long>(step));
    return referenceNumberText(step);
}

QByteArray referenceCsv(const MetricSeries& series) {
    QByteArray out = "step,value,timestamp_ms\r\n";
    for (size_t i = 0; i < series.size(); ++i)
        out += referenceStepText(series.steps[i]).toLatin1() + ',' +
               referenceNumberText(series.values[i]).toLatin1() + ',' +
               referenceNumberText(series.wallTimesMs[i]).toLatin1() + "\r\n";
    return out;
}

QByteArray referenceJson(const Run& run, const QString& metric, const MetricSeries& series) {
    QByteArray out = "{\"run\":";
    JsonWriter::appendString(out, run.id.text());
    out += ",\"metric\":";
    JsonWriter::appendString(out, metric);
    out += ",\"points\":[";
    for (size_t i = 0; i < series.size(); ++i) {
        if (i) out += ',';
        out += '[' + referenceStepText(series.steps[i]).toLatin1() + ',';
        const QByteArray v = referenceNumberText(series.values[i]).toLatin1();
        out += std::isfinite(series.values[i]) ? v : '"' + v + '"';
        out += ',' + referenceNumberText(series.wallTimesMs[i]).toLatin1() + ']';
    }
    return out + "]}\n";
}

// Doubles of every shape an export meets: any bit pattern (NaN, infinities, subnormals, -0),
// whole numbers small and past 2^53 and 9.2e18, decimals, float32 values, and the edges where
// the format switches between plain digits and an exponent.
class Numbers {
public:
    double next() {
        switch (m_random() % 8) {
            case 0: {
                const uint64_t bits = m_random();
                double d;
                memcpy(&d, &bits, 8);
                return d;
            }
            case 1:
                return double(int64_t(m_random() % 2000001) - 1000000);
            case 2:
                return std::ldexp(double(m_random() % 4096), int(m_random() % 80));
            case 3:
                return double(int64_t(m_random() % 2000001) - 1000000) / 1000.0;
            case 4:
                return double(float(m_uniform(m_random)));
            case 5: {
                static const double kEdges[] = {1e-4, 1e16, 9.2e18, 9007199254740992.0, 0.0};
                const double edge = kEdges[m_random() % 5];
                const double near = m_random() % 2 ? std::nextafter(edge, 0.0) : edge;
                return m_random() % 2 ? -near : near;
            }
            case 6:
                return 1.7e12 + double(m_random() % 1000000) / 1000.0;  // a wall time, ms
            default:
                return m_uniform(m_random) * std::pow(10.0, int(m_random() % 40) - 20);
        }
    }

private:
    std::mt19937_64 m_random{20261202};
    std::uniform_real_distribution<double> m_uniform{-1.0, 1.0};
};

}  // namespace

class TestHistoryExport : public QObject {
    Q_OBJECT
private slots:
    void numbersAreTheReferenceBytes() {
        Numbers numbers;
        char buf[kNumberCharsMax];
        for (int i = 0; i < 1'000'000; ++i) {
            const double d = numbers.next();
            const QByteArray number(buf, numberChars(buf, d) - buf);
            const QByteArray step(buf, stepChars(buf, d) - buf);
            if (number != referenceNumberText(d).toLatin1() ||
                step != referenceStepText(d).toLatin1())
                QFAIL(qPrintable(QStringLiteral("%1: %2 / %3")
                                     .arg(d, 0, 'g', 17)
                                     .arg(QString::fromLatin1(number), QString::fromLatin1(step))));
            QCOMPARE(numberText(d), referenceNumberText(d));
        }
    }

    // 200,000 rows: the 64 KB pieces break mid-history many times.
    void historiesAreTheReferenceBytes() {
        Numbers numbers;
        MetricSeries series;
        for (int i = 0; i < 200'000; ++i) {
            series.steps.push_back(i % 7 == 0 ? numbers.next() : double(i));
            series.values.push_back(numbers.next());
            series.wallTimesMs.push_back(numbers.next());
        }
        Run run;
        run.id = RunId(QStringLiteral("tensorboard:1234abcd:run \"1\""));
        const QString metric = QStringLiteral("train/loss");

        QCOMPARE(historyToCsv(series), referenceCsv(series));
        QCOMPARE(historyToJson(run, metric, series), referenceJson(run, metric, series));

        QByteArray streamed;
        int pieces = 0;
        size_t largest = 0;
        writeHistoryCsv(series, [&](const char* data, size_t size) {
            streamed.append(data, qsizetype(size));
            ++pieces;
            largest = std::max(largest, size);
        });
        QCOMPARE(streamed, referenceCsv(series));
        QVERIFY(pieces > 50);
        QVERIFY(largest <= 64 * 1024);

        QCOMPARE(historyToCsv({}), QByteArray("step,value,timestamp_ms\r\n"));
        QCOMPARE(historyToJson(run, metric, {}), referenceJson(run, metric, {}));
    }
};

QTEST_GUILESS_MAIN(TestHistoryExport)
#include "tst_history_export.moc"
