// The series cache (core/codec/SeriesCacheFile): every point comes back bit for bit, and a
// damaged, truncated, stale or unwritable entry is a clean miss, never a crash.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "TestSupport.h"
#include "codec/SeriesCacheFile.h"
#include "codec/SeriesCacheWriter.h"
#include "codec/SeriesColumns.h"
#include "codec/VarintSizes.h"

using namespace runlens;
using testsupport::sameBits;

namespace {

bool sameSeries(const MetricSeries& a, const MetricSeries& b) {
    return sameBits(a.steps, b.steps) && sameBits(a.values, b.values) &&
           sameBits(a.wallTimesMs, b.wallTimesMs);
}

double fromBits(uint64_t u) {
    double d;
    memcpy(&d, &u, 8);
    return d;
}

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// TensorBoard-shaped: whole steps, float32 values, wall times in ms with fractions.
MetricSeries tensorBoardLike(int n) {
    MetricSeries s;
    double wall = 1764000000.0;
    for (int i = 0; i < n; ++i) {
        wall += 0.005;
        s.append(i, double(float(std::exp(-i / 1500.0) + 0.01 * std::sin(i * 0.37))),
                 wall * 1000.0);
    }
    return s;
}

MetricSeries awkward() {
    MetricSeries s;
    s.append(0, 0.0, 0);
    s.append(-0.0, -0.0, -0.0);
    s.append(3000000000.0, kNaN, 1.5);                                        // a step past 2^31
    s.append(9007199254740993.0 * 4, fromBits(0x7ff8000000000abcull), kInf);  // past 2^53
    s.append(600.5, kInf, -kInf);                                             // Neptune's fraction
    s.append(0.333333, -kInf, kNaN);
    s.append(-5, 1e-310, 1764000000123.25);  // a subnormal
    s.append(-1e300, std::numeric_limits<double>::max(), -1);
    s.append(kNaN, -kNaN, 1e18);
    s.append(std::numeric_limits<double>::lowest(), 0.1, 2);
    return s;
}

}  // namespace

class TestSeriesCache : public QObject {
    Q_OBJECT

private slots:
    void columnsRoundTripBitExactly_data() {
        QTest::addColumn<int>("shape");
        QTest::newRow("empty") << 0;
        QTest::newRow("tensorboard 100k") << 1;
        QTest::newRow("awkward doubles") << 2;
        QTest::newRow("int64 steps past 2^31, whole ms") << 3;
        QTest::newRow("float32 NaN and infinities") << 4;
    }
    void columnsRoundTripBitExactly() {
        QFETCH(int, shape);
        MetricSeries s;
        if (shape == 1) s = tensorBoardLike(100000);
        if (shape == 2) s = awkward();
        if (shape == 3)
            for (int64_t i = 0; i < 5000; ++i)
                s.append(double((int64_t(1) << 40) + i * 7919), double(i) * 0.1,
                         double(int64_t(1764000000000) + i * 1000));
        if (shape == 4)
            for (int i = 0; i < 300; ++i)
                s.append(i,
                         i % 3 == 0   ? double(std::numeric_limits<float>::quiet_NaN())
                         : i % 3 == 1 ? kInf
                                      : -double(float(i) / 7.0f),
                         i);
        const std::string block = SeriesColumns::encode(s);
        MetricSeries back;
        std::vector<SeriesPyramidLevel> pyramid;
        QVERIFY(SeriesColumns::decode(block, back, &pyramid));
        QVERIFY(sameSeries(s, back));
        if (shape == 1) {
            // TensorBoard's shape: well under 6 bytes a point, pyramid included.
            QVERIFY2(double(block.size()) / double(s.size()) < 6.0,
                     qPrintable(QString::number(double(block.size()) / double(s.size()))));
            QCOMPARE(pyramid.front().bucketSize, SeriesColumns::kFirstBucket);
            QCOMPARE(pyramid.back().mins.size(), size_t(1));
            double min = s.values[0], max = s.values[0];
            for (double v : s.values) {
                min = std::min(min, v);
                max = std::max(max, v);
            }
            QCOMPARE(pyramid.back().mins[0], min);
            QCOMPARE(pyramid.back().maxs[0], max);
            std::vector<SeriesPyramidLevel> alone;
            QVERIFY(SeriesColumns::decodePyramid(block, alone));
            QCOMPARE(alone.size(), pyramid.size());
        }
    }

    // Each bucket of each level holds the least and greatest non-NaN value of its points, NaN
    // for a bucket of NaNs only: the chart draws a zoomed-out series from these alone.
    void pyramidHoldsEachBucketsExtremes() {
        std::mt19937_64 rng(11);
        std::vector<double> values(70000);
        for (size_t i = 0; i < values.size(); ++i) {
            const uint64_t r = rng();
            values[i] = i / 64 == 3   ? kNaN  // a whole bucket of NaN
                        : i / 64 == 5 ? kInf  // a bucket of +inf only
                        : r % 97 == 0 ? kNaN
                        : r % 89 == 0 ? kInf
                        : r % 83 == 0 ? -kInf
                                      : double(int64_t(r % 2001) - 1000) / 7;
        }
        const std::vector<SeriesPyramidLevel> levels = SeriesColumns::pyramidOf(values);
        QCOMPARE(levels.size(), size_t(5));  // 64, 512, 4096, 32768 and 262144 a bucket
        for (const SeriesPyramidLevel& level : levels) {
            const size_t buckets = (values.size() + level.bucketSize - 1) / level.bucketSize;
            QCOMPARE(level.mins.size(), buckets);
            QCOMPARE(level.maxs.size(), buckets);
            for (size_t b = 0; b < buckets; ++b) {
                double min = kNaN, max = kNaN;
                for (size_t i = b * level.bucketSize;
                     i < std::min(values.size(), (b + 1) * level.bucketSize); ++i) {
                    if (std::isnan(values[i])) continue;
                    if (std::isnan(min) || values[i] < min) min = values[i];
                    if (std::isnan(max) || values[i] > max) max = values[i];
                }
                QVERIFY2(
                    sameBits(std::vector{level.mins[b]}, std::vector{min}) &&
                        sameBits(std::vector{level.maxs[b]}, std::vector{max}),
                    qPrintable(QStringLiteral("bucket %1 of %2").arg(b).arg(level.bucketSize)));
            }
        }
        QVERIFY(std::isnan(levels[0].mins[3]) && std::isnan(levels[0].maxs[3]));
        QCOMPARE(levels[0].mins[5], kInf);
    }

    // The vector sums of varint sizes choose each column's encoding and size its room: they
    // equal the portable loop's on every length and on values of every size, 2^63 and over
    // included.
    void varintSizesMatchThePortableLoop() {
        qInfo("AVX2 varint sizes: %s", differencesVarintSizesHasAvx2() ? "yes" : "no");
        std::mt19937_64 rng(7);
        for (int shape = 0; shape < 6; ++shape)
            for (size_t n = 0; n <= 40; ++n) {
                std::vector<uint64_t> u(n);
                uint64_t walk = 0;
                for (uint64_t& v : u) {
                    const uint64_t r = rng();
                    switch (shape) {
                        case 0:
                            v = r;
                            break;  // any 64 bits
                        case 1:
                            v = walk += r % 3;
                            break;  // steps
                        case 2:
                            v = walk += 20000 + r % 64;
                            break;  // wall time bits
                        case 3:
                            v = r >> (r % 64);
                            break;  // every size
                        case 4:
                            v = (r & 1) ? ~uint64_t(0) - r % 4 : r % 4;
                            break;  // wraps
                        default:
                            v = uint64_t(1) << (r % 64);
                            break;
                    }
                }
                QCOMPARE(differencesVarintSizes(u.data(), n),
                         differencesVarintSizesPortable(u.data(), n));
            }
    }

    void float32StaysFloat32() {
        MetricSeries f = tensorBoardLike(10);
        QVERIFY(SeriesColumns::fitsFloat32(f.values));
        f.values[3] = 0.1;  // not a float32
        QVERIFY(!SeriesColumns::fitsFloat32(f.values));
    }

    void entryRoundTripAndSummaries() {
        QTemporaryDir dir;
        const QString path = SeriesCacheFile::pathFor(dir.path(), "test", "a run");
        QVERIFY(path.startsWith(dir.path() + "/series/test-"));
        QFile input(dir.filePath("input.bin"));
        QVERIFY(input.open(QIODevice::WriteOnly));
        input.write(QByteArray(10000, 'x'));
        input.close();
        const MetricSeries a = tensorBoardLike(5000), b = awkward();
        {
            SeriesCacheWriter writer(path, "a run");
            writer.setInputs({CachedInput::of(input.fileName().toStdString(), 10000)});
            writer.setMeta(std::string("meta\0bytes", 10));
            writer.add("loss", a);
            writer.add("odd/ünïcode", b);
            QVERIFY(writer.commit());
        }
        QVERIFY(!SeriesCacheFile::open(path, "another run"));
        const auto entry = SeriesCacheFile::open(path, "a run");
        QVERIFY(entry);
        QCOMPARE(entry->meta(), std::string("meta\0bytes", 10));
        QCOMPARE(entry->series().size(), size_t(2));
        QCOMPARE(entry->indexOf("odd/ünïcode"), 1);
        QCOMPARE(entry->indexOf("nope"), -1);
        const CachedSeriesInfo& loss = entry->series()[0];
        QCOMPARE(loss.count, uint64_t(5000));
        QVERIFY(loss.float32);
        QVERIFY(!entry->series()[1].float32);
        QCOMPARE(loss.summary.count, qint64(5000));
        QCOMPARE(loss.lastStep, 4999.0);
        QCOMPARE(loss.lastValue, a.values.back());
        MetricSeries back;
        QVERIFY(entry->read(0, back));
        QVERIFY(sameSeries(a, back));
        QVERIFY(entry->read(1, back));
        QVERIFY(sameSeries(b, back));
        QVERIFY(!entry->read(2, back));
        std::vector<SeriesPyramidLevel> pyramid;
        QVERIFY(entry->readPyramid(0, pyramid));
        QCOMPARE(pyramid.size(), size_t(4));  // 64, 512, 4096, 32768 points a bucket

        // The input: unchanged, appended, rewritten.
        QCOMPARE(entry->inputs().size(), size_t(1));
        QCOMPARE(entry->inputs()[0].check(), CachedInput::State::Unchanged);
        QVERIFY(input.open(QIODevice::Append));
        input.write("more");
        input.close();
        QCOMPARE(entry->inputs()[0].check(), CachedInput::State::Appended);
        QVERIFY(input.open(QIODevice::ReadWrite));
        input.seek(9000);
        input.write("y");  // inside what was read: rewritten
        input.close();
        QCOMPARE(entry->inputs()[0].check(), CachedInput::State::Stale);
        QVERIFY(input.open(QIODevice::WriteOnly | QIODevice::Truncate));
        input.write("short");
        input.close();
        QCOMPARE(entry->inputs()[0].check(), CachedInput::State::Stale);
        QVERIFY(QFile::remove(input.fileName()));
        QCOMPARE(entry->inputs()[0].check(), CachedInput::State::Stale);
    }

    // Cut at every byte, or any one byte changed: a clean miss (open fails or the series
    // read fails), never a crash and never different points.
    void damageAtEveryOffsetIsAMiss() {
        QTemporaryDir dir;
        const QString path = dir.filePath("entry.rlsc");
        const MetricSeries a = tensorBoardLike(300), b = awkward();
        {
            SeriesCacheWriter writer(path, "id");
            writer.setMeta("m");
            writer.add("a", a);
            writer.add("b", b);
            QVERIFY(writer.commit());
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray good = f.readAll();
        f.close();
        const QString bad = dir.filePath("bad.rlsc");
        auto check = [&](const QByteArray& bytes) {
            QFile out(bad);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
            out.write(bytes);
            out.close();
            const auto entry = SeriesCacheFile::open(bad, "id");
            if (!entry) return true;
            for (int i = 0; i < int(entry->series().size()); ++i) {
                MetricSeries s;
                if (entry->read(i, s) && !sameSeries(s, i == 0 ? a : b)) return false;
            }
            return true;
        };
        for (int cut = 0; cut < good.size(); ++cut) {
            QVERIFY2(check(good.left(cut)), qPrintable(QString("cut at %1").arg(cut)));
        }
        for (int at = 0; at < good.size(); ++at) {
            QByteArray flipped = good;
            flipped[at] = char(flipped[at] ^ 0x5a);
            QVERIFY2(check(flipped), qPrintable(QString("byte %1 changed").arg(at)));
        }
        // A cut file never opens at all.
        QFile out(bad);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(good.left(good.size() - 1));
        out.close();
        QVERIFY(!SeriesCacheFile::open(bad, "id"));
    }

    void unwritableFolderCostsOnlyTheCache() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath("cache"));  // a file where the folder should be
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        SeriesCacheWriter writer(SeriesCacheFile::pathFor(blocker.fileName(), "k", "x"), "x");
        writer.add("a", awkward());
        QVERIFY(!writer.commit());
        QVERIFY(
            !SeriesCacheFile::open(SeriesCacheFile::pathFor(blocker.fileName(), "k", "x"), "x"));
    }

    // A second writer renames its whole entry over the first; a reader holding the first
    // still reads it whole.
    void replacedEntryStaysReadable() {
        QTemporaryDir dir;
        const QString path = dir.filePath("e.rlsc");
        const MetricSeries a = tensorBoardLike(1000);
        {
            SeriesCacheWriter writer(path, "id");
            writer.add("a", a);
            QVERIFY(writer.commit());
        }
        const auto first = SeriesCacheFile::open(path, "id");
        QVERIFY(first);
        {
            SeriesCacheWriter writer(path, "id");
            writer.add("a", awkward());
            QVERIFY(writer.commit());
        }
        MetricSeries s;
        QVERIFY(first->read(0, s));
        QVERIFY(sameSeries(s, a));
        const auto second = SeriesCacheFile::open(path, "id");
        QVERIFY(second && second->read(0, s));
        QVERIFY(sameSeries(s, awkward()));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no temp file left
    }

    // An open entry is mapped, its file closed: unlinked (the cache cleared) it reads whole;
    // cut short in place under the mapping it is a clean miss, not a SIGBUS.
    void openEntrySurvivesUnlinkAndCutIsAMiss() {
        QTemporaryDir dir;
        const QString path = dir.filePath("e.rlsc");
        const MetricSeries a = tensorBoardLike(5000);
        auto write = [&] {
            SeriesCacheWriter writer(path, "id");
            writer.add("a", a);
            writer.add("b", awkward());
            return writer.commit();
        };
        QVERIFY(write());
        const auto entry = SeriesCacheFile::open(path, "id");
        QVERIFY(entry);
        QVERIFY(QFile::remove(path));
        MetricSeries s;
        QVERIFY(entry->read(0, s) && sameSeries(s, a));
        QVERIFY(entry->read(1, s) && sameSeries(s, awkward()));

        QVERIFY(write());
        const auto cut = SeriesCacheFile::open(path, "id");
        QVERIFY(cut);
        QFile f(path);
        QVERIFY(f.resize(20));
        QVERIFY(!cut->read(0, s));
        QVERIFY(!cut->read(1, s));
        QVERIFY(f.resize(0));
        QVERIFY(!cut->read(0, s));

        QVERIFY(write());
        const auto changed = SeriesCacheFile::open(path, "id");
        QVERIFY(changed);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek(100));
        f.write("\xff\xff\xff\xff");
        f.close();
        QVERIFY(!changed->read(0, s));  // changed in place: its checksum says so
    }
};

QTEST_GUILESS_MAIN(TestSeriesCache)
#include "tst_series_cache.moc"
