// The general Parquet reader (core/codec/Parquet*), on the three writers' files of
// fixtures/neptune/exporter (DuckDB, arrow-rs, the pyarrow layout): every value of every row
// read back equals what DuckDB and arrow-rs read (expected.json); then files of our own test
// writer for what no fixture holds (data pages V2, GZIP, PLAIN booleans, lists of doubles); then
// damaged and hostile files made from the real ones, each one clear error and no crash.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <optional>

#include "ParquetDamage.h"
#include "ParquetTestWriter.h"
#include "TestSupport.h"
#include "codec/ParquetFile.h"
#include "codec/ParquetLists.h"
#include "codec/ParquetPageHeader.h"
#include "codec/ParquetThriftReader.h"

using namespace runlens;
using namespace parquetdamage;

namespace {

QString exporterDir() {
    return testsupport::fixtures() + QStringLiteral("/neptune/exporter");
}

QJsonObject expected() {
    QFile f(exporterDir() + QStringLiteral("/expected.json"));
    if (!f.open(QIODevice::ReadOnly)) qFatal("expected.json missing");
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::string readBytes(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll().toStdString();
}

// A decimal(18,6) unscaled value as expected.json spells steps: "600.333333".
QString decimalText(qint64 unscaled, int scale) {
    const bool negative = unscaled < 0;
    const quint64 v = negative ? quint64(-unscaled) : quint64(unscaled);
    quint64 unit = 1;
    for (int i = 0; i < scale; ++i)
        unit *= 10;
    return QStringLiteral("%1%2.%3")
        .arg(negative ? QStringLiteral("-") : QString())
        .arg(v / unit)
        .arg(v % unit, scale, 10, QLatin1Char('0'));
}

QJsonValue jsonNumber(double v) {
    if (std::isnan(v)) return QStringLiteral("NaN");
    if (std::isinf(v)) return v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    return v;
}

// One row of an exporter file, every column decoded.
struct Row {
    QString path, type;
    QJsonValue step, timestamp;  // step as decimal text, timestamp as ms; null when null
    QJsonValue value;            // the row's value as expected.json writes it
    QJsonValue file;             // file_value.path (or null)
    QJsonValue histogram;        // {type, edges, values} (or null)
};

qint64 timeMs(const ParquetColumnData& d, const ParquetColumnDescriptor& c, size_t i) {
    return c.timestampUnit == ParquetTimeUnit::Micros ? d.ints[i] / 1000 : d.ints[i];
}

QJsonValue datetime(qint64 ms) {
    return QJsonObject{{QStringLiteral("ms"), ms},
                       {QStringLiteral("iso"),
                        QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs)}};
}

QJsonArray listAt(const ParquetLists& lists, const ParquetColumnData& d, size_t row) {
    QJsonArray out;
    for (size_t k = 0; k < lists.elementCount(row); ++k) {
        const size_t e = lists.begin[row] + k;
        if (d.isNull(e))
            out.append(QJsonValue());
        else if (d.storage == ParquetColumnData::Storage::Doubles)
            out.append(jsonNumber(d.doubles[e]));
        else
            out.append(QString::fromUtf8(d.bytes(e)));
    }
    return out;
}

QString text(const ParquetColumnData& d, size_t i) {
    return QString::fromUtf8(d.bytes(i).data(), qsizetype(d.bytes(i).size()));
}

// Reads every row of an exporter file through the general reader.
QList<Row> readRows(const QString& path) {
    ParquetFile f;
    QString error;
    if (!f.open(path, &error)) qFatal("%s: %s", qPrintable(path), qPrintable(error));
    const char* names[] = {"attribute_path", "attribute_type", "step",
                           "timestamp",      "int_value",      "float_value",
                           "string_value",   "bool_value",     "datetime_value"};
    std::vector<int> flat;
    for (const char* n : names)
        flat.push_back(f.findColumn({n}));
    const int set = f.findColumn({"string_set_value", "list", "element"});
    const int filePath = f.findColumn({"file_value", "path"});
    const int histType = f.findColumn({"histogram_value", "type"});
    const int edges = f.findColumn({"histogram_value", "edges", "list", "element"});
    const int values = f.findColumn({"histogram_value", "values", "list", "element"});
    for (int c : flat)
        if (c < 0) qFatal("a column is missing in %s", qPrintable(path));
    QList<Row> rows;
    for (int g = 0; g < f.rowGroupCount(); ++g) {
        std::vector<ParquetColumnData> d(flat.size());
        for (size_t k = 0; k < flat.size(); ++k)
            if (!f.readColumn(g, flat[k], d[k], &error)) qFatal("%s", qPrintable(error));
        ParquetColumnData setData, fileData, typeData, edgeData, valueData;
        for (auto [col, data] : {std::pair{set, &setData}, std::pair{filePath, &fileData},
                                 std::pair{histType, &typeData}, std::pair{edges, &edgeData},
                                 std::pair{values, &valueData}})
            if (!f.readColumn(g, col, *data, &error)) qFatal("%s", qPrintable(error));
        ParquetLists setLists, edgeLists, valueLists;
        if (!setLists.build(f.column(set), setData, &error) ||
            !edgeLists.build(f.column(edges), edgeData, &error) ||
            !valueLists.build(f.column(values), valueData, &error))
            qFatal("%s", qPrintable(error));
        const auto& stepColumn = f.column(flat[2]);
        for (size_t i = 0; i < d[0].size; ++i) {
            Row r;
            r.path = text(d[0], i);
            r.type = text(d[1], i);
            if (!d[2].isNull(i)) r.step = decimalText(d[2].ints[i], stepColumn.scale);
            if (!d[3].isNull(i)) r.timestamp = timeMs(d[3], f.column(flat[3]), i);
            if (!d[4].isNull(i))
                r.value = qint64(d[4].ints[i]);
            else if (!d[5].isNull(i))
                r.value = jsonNumber(d[5].doubles[i]);
            else if (!d[6].isNull(i))
                r.value = text(d[6], i);
            else if (!d[7].isNull(i))
                r.value = d[7].ints[i] != 0;
            else if (!d[8].isNull(i))
                r.value = datetime(timeMs(d[8], f.column(flat[8]), i));
            else if (!setLists.isNullAt(i, f.column(set).nodes[0].definitionLevel))
                r.value = listAt(setLists, setData, i);
            // file_value{path}: null struct (def 0), struct with null path (1), path (2).
            if (!fileData.isNull(i)) r.file = text(fileData, i);
            const int histogramLevel = f.column(histType).nodes[0].definitionLevel;
            if (typeData.definitionLevels[i] >= histogramLevel)
                r.histogram = QJsonObject{
                    {QStringLiteral("type"), typeData.isNull(i) ? QJsonValue() : text(typeData, i)},
                    {QStringLiteral("edges"), listAt(edgeLists, edgeData, i)},
                    {QStringLiteral("values"), listAt(valueLists, valueData, i)}};
            rows.append(r);
        }
    }
    return rows;
}

QJsonObject point(const Row& r, const QJsonValue& value) {
    return QJsonObject{{QStringLiteral("step"), r.step},
                       {QStringLiteral("value"), value},
                       {QStringLiteral("timestamp_ms"), r.timestamp}};
}

bool isParamType(const QString& t) {
    return t == u"float" || t == u"int" || t == u"string" || t == u"bool" || t == u"datetime" ||
           t == u"string_set";
}

// Compares JSON values; numbers as doubles, and as integers where exact (int64 past 2^53).
void compareJson(const QJsonValue& got, const QJsonValue& want, const QString& where) {
    const bool same =
        got.isDouble() && want.isDouble()
            ? got.toDouble() == want.toDouble() && got.toInteger(-7) == want.toInteger(-7)
            : got == want;
    QVERIFY2(same, qPrintable(where + QStringLiteral(": got ") +
                              QJsonDocument(QJsonArray{got}).toJson(QJsonDocument::Compact) +
                              QStringLiteral(" want ") +
                              QJsonDocument(QJsonArray{want}).toJson(QJsonDocument::Compact)));
}

}  // namespace

class TestParquet : public QObject {
    Q_OBJECT

private slots:
    void everyRowOfEveryWriter_data();
    void everyRowOfEveryWriter();
    void decimalsAndTimestampsAsEachWriterStoresThem();
    void fallsBackFromDictionaryToPlainInsideAChunk();
    void ownWriterRoundTrips_data();
    void ownWriterRoundTrips();
    void damagedFiles_data();
    void damagedFiles();
    void damagedPages_data();
    void damagedPages();
    void boundsOnHostileSizes();
};

void TestParquet::everyRowOfEveryWriter_data() {
    QTest::addColumn<QString>("writer");
    for (const char* w : {"duckdb", "parquet-wasm", "pyarrow-layout"})
        QTest::newRow(w) << QString::fromLatin1(w);
}

void TestParquet::everyRowOfEveryWriter() {
    QFETCH(QString, writer);
    const QJsonObject all = expected();
    const QString dir = exporterDir() + u'/' + writer + QStringLiteral("/data/") +
                        all[QStringLiteral("project_dir")].toString();
    int checked = 0;
    for (const QJsonValue& runValue : all[QStringLiteral("runs")].toArray()) {
        const QJsonObject run = runValue.toObject();
        const QString runId = run[QStringLiteral("run_id")].toString();
        QList<Row> rows;
        for (const QJsonValue& part : run[QStringLiteral("parts")].toArray())
            rows += readRows(dir + u'/' + part.toObject()[QStringLiteral("file")].toString());
        QCOMPARE(rows.size(), run[QStringLiteral("row_count")].toInt());
        QMap<QString, int> byType;
        QJsonObject params, files;
        QMap<QString, QList<const Row*>> series;
        for (const Row& r : rows) {
            ++byType[r.type];
            if (isParamType(r.type))
                params[r.path] = QJsonObject{{QStringLiteral("type"), r.type},
                                             {QStringLiteral("value"), r.value}};
            else if (r.type == u"file")
                files[r.path] = r.file;
            else
                series[r.path].append(&r);
        }
        const QJsonObject types = run[QStringLiteral("rows_by_attribute_type")].toObject();
        for (auto it = types.begin(); it != types.end(); ++it)
            QCOMPARE(byType.value(it.key()), it.value().toInt());
        QCOMPARE(params.keys(), run[QStringLiteral("params")].toObject().keys());
        for (auto it = params.begin(); it != params.end(); ++it)
            compareJson(it.value(), run[QStringLiteral("params")].toObject()[it.key()],
                        runId + u' ' + it.key());
        compareJson(files, run[QStringLiteral("files")], runId + QStringLiteral(" files"));
        // Series: points sorted by step (rows are interleaved and split over parts).
        for (auto it = series.begin(); it != series.end(); ++it) {
            QList<const Row*> points = it.value();
            std::stable_sort(points.begin(), points.end(), [](const Row* a, const Row* b) {
                return a->step.toString().toDouble() < b->step.toString().toDouble();
            });
            const QString type = points.front()->type;
            const QString where = runId + u' ' + it.key();
            if (type == u"float_series") {
                const QJsonObject want =
                    run[QStringLiteral("float_series")].toObject()[it.key()].toObject();
                QCOMPARE(points.size(), want[QStringLiteral("count")].toInt());
                int nulls = 0, nans = 0;
                for (const Row* p : points) {
                    nulls += p->value.isNull();
                    nans += p->value == QJsonValue(QStringLiteral("NaN"));
                }
                QCOMPARE(nulls, want[QStringLiteral("null_values")].toInt());
                QCOMPARE(nans, want[QStringLiteral("nan_values")].toInt());
                compareJson(point(*points.front(), points.front()->value),
                            want[QStringLiteral("first")], where + QStringLiteral(" first"));
                compareJson(point(*points.back(), points.back()->value),
                            want[QStringLiteral("last")], where + QStringLiteral(" last"));
                const QString key = runId + QStringLiteral(" :: ") + it.key();
                if (all[QStringLiteral("full_series")].toObject().contains(key)) {
                    const QJsonArray full =
                        all[QStringLiteral("full_series")].toObject()[key].toArray();
                    QCOMPARE(qsizetype(full.size()), qsizetype(points.size()));
                    for (int i = 0; i < full.size(); ++i)
                        compareJson(
                            QJsonArray{points[i]->step, points[i]->value, points[i]->timestamp},
                            full[i], where + QStringLiteral(" point %1").arg(i));
                }
            } else if (type == u"string_series" || type == u"histogram_series") {
                const QJsonObject want = run[type].toObject()[it.key()].toObject();
                QCOMPARE(points.size(), want[QStringLiteral("count")].toInt());
                const auto valueOf = [&](const Row* p) {
                    return type == u"string_series" ? p->value : p->histogram;
                };
                compareJson(point(*points.front(), valueOf(points.front())),
                            want[QStringLiteral("first")], where + QStringLiteral(" first"));
                compareJson(point(*points.back(), valueOf(points.back())),
                            want[QStringLiteral("last")], where + QStringLiteral(" last"));
            } else if (type == u"file_series") {
                QJsonArray got;
                for (const Row* p : points)
                    got.append(QJsonObject{{QStringLiteral("step"), p->step},
                                           {QStringLiteral("path"), p->file},
                                           {QStringLiteral("timestamp_ms"), p->timestamp}});
                compareJson(got, run[QStringLiteral("file_series")].toObject()[it.key()], where);
            }
            ++checked;
        }
    }
    QVERIFY(checked > 40);
}

void TestParquet::decimalsAndTimestampsAsEachWriterStoresThem() {
    // FEATURES.md 1: the step decimal is INT64 for DuckDB and arrow-rs, FIXED_LEN_BYTE_ARRAY(8)
    // for the pyarrow layout (as the exporter's real files); DuckDB's timestamps are MICROS.
    const QString run = QStringLiteral(
        "/data/acme-vision_cifar100-sweeps-1b93e02f9cc64918/"
        "vit-b16-ft_2025-03-02T10_15-a8f838e0a3fe427b_part_%1.parquet");
    for (const auto& [writer, physical, unit] :
         {std::tuple{"duckdb", ParquetPhysicalType::Int64, ParquetTimeUnit::Micros},
          std::tuple{"parquet-wasm", ParquetPhysicalType::Int64, ParquetTimeUnit::Millis},
          std::tuple{"pyarrow-layout", ParquetPhysicalType::FixedLenByteArray,
                     ParquetTimeUnit::Millis}}) {
        bool sawThird = false;
        for (int part = 0; part < 2; ++part) {
            ParquetFile f;
            QString error;
            QVERIFY2(f.open(exporterDir() + u'/' + QLatin1String(writer) + run.arg(part), &error),
                     qPrintable(error));
            const ParquetColumnDescriptor& step = f.column(f.findColumn({"step"}));
            QCOMPARE(step.physicalType, physical);
            QVERIFY(step.isDecimal);
            QCOMPARE(step.scale, 6);
            QCOMPARE(step.precision, 18);
            QCOMPARE(f.column(f.findColumn({"timestamp"})).timestampUnit, unit);
            QVERIFY(f.column(f.findColumn({"attribute_path"})).isString);  // DuckDB: UTF8 only
            // The forked run's epoch_progress starts at 600.333333 (i/3): a fraction, exact.
            for (int g = 0; g < f.rowGroupCount(); ++g) {
                ParquetColumnData d;
                QVERIFY2(f.readColumn(g, f.findColumn({"step"}), d, &error), qPrintable(error));
                for (size_t i = 0; i < d.size; ++i)
                    sawThird = sawThird || (!d.isNull(i) && d.ints[i] == 600333333);
            }
        }
        QVERIFY(sawThird);
    }
}

namespace {

// The page headers of one column chunk, walked with the reader's own header parser.
QList<ParquetPageHeader> pagesOf(const std::string& bytes, const ParquetMetadata::ColumnChunk& c) {
    QList<ParquetPageHeader> out;
    size_t pos = size_t(c.dictionaryPageOffset > 0 ? c.dictionaryPageOffset : c.dataPageOffset);
    const size_t end = pos + size_t(c.totalCompressedSize);
    while (pos < end) {
        ParquetPageHeader h;
        size_t headerSize = 0;
        if (!ParquetPageHeader::parse(bytes.data() + pos, end - pos, h, headerSize, nullptr)) break;
        out.append(h);
        pos += headerSize + size_t(h.compressedSize);
    }
    return out;
}

}  // namespace

void TestParquet::fallsBackFromDictionaryToPlainInsideAChunk() {
    // HOW.md: arrow-rs wrote the sweep run with a 4 KiB dictionary limit and ZSTD.
    const QString path = exporterDir() + QStringLiteral(
                                             "/parquet-wasm/data/acme-vision_cifar100-sweeps-"
                                             "1b93e02f9cc64918/sweep_lr_3e-4_bs_128-"
                                             "7387e4baa83e2e2e_part_0.parquet");
    const std::string bytes = readBytes(path);
    ParquetFile f;
    QString error;
    QVERIFY2(f.open(path, &error), qPrintable(error));
    int mixed = 0;
    for (int g = 0; g < f.rowGroupCount(); ++g) {
        for (int c = 0; c < int(f.schema().columns().size()); ++c) {
            QCOMPARE(f.chunk(g, c).codec, ParquetCodec::Zstd);
            bool dictionary = false, plain = false;
            for (const ParquetPageHeader& h : pagesOf(bytes, f.chunk(g, c))) {
                if (h.type != ParquetPageType::DataPage) continue;
                dictionary = dictionary || h.encoding == ParquetEncoding::RleDictionary;
                plain = plain || h.encoding == ParquetEncoding::Plain;
            }
            mixed += dictionary && plain;
        }
    }
    QCOMPARE(mixed, 7);  // FEATURES.md 1: "yes, 7 chunks"; their values are checked above
}

Q_DECLARE_METATYPE(parquettest::ChunkOptions)

void TestParquet::ownWriterRoundTrips_data() {
    QTest::addColumn<parquettest::ChunkOptions>("options");
    using namespace parquettest;
    QTest::newRow("v1 snappy dictionary") << ChunkOptions{kSnappy, true, false, 1000, SIZE_MAX};
    QTest::newRow("v2 snappy dictionary") << ChunkOptions{kSnappy, true, true, 1000, SIZE_MAX};
    QTest::newRow("v2 gzip plain") << ChunkOptions{kGzip, false, true, 700, SIZE_MAX};
    QTest::newRow("v1 gzip fallback") << ChunkOptions{kGzip, true, false, 300, 200};
    QTest::newRow("v2 zstd fallback") << ChunkOptions{kZstd, true, true, 300, 200};
    QTest::newRow("v1 uncompressed plain")
        << ChunkOptions{kUncompressed, false, false, 4096, SIZE_MAX};
}

void TestParquet::ownWriterRoundTrips() {
    // What no fixture holds: V2 pages, GZIP, plain booleans and INT32, required columns, a
    // list of doubles with null and empty lists, several pages per chunk.
    QFETCH(parquettest::ChunkOptions, options);
    using namespace parquettest;
    const std::vector<Element> schema = {
        {"schema", -1, -1, 6},
        {"id", kInt32, 0},
        {"flag", kBoolean, 1},
        {"name", kByteArray, 1, 0, 0, 0, 0, 0, 1},
        {"values", -1, 1, 1, 0, 3, 0, 0, 3},
        {"list", -1, 2, 1},
        {"element", kDouble, 1},
        {"price", kFlba, 1, 0, 16, 5, 2, 20, 5},
        {"nothing", kInt64, 1},  // every value null: an empty dictionary page
    };
    const int rows = 2500;
    Chunk id(0, 0), flag, name, values(3, 1), price, nothing;
    for (int r = 0; r < rows; ++r) {
        id.ints.push_back(r - 1000);
        flag.def.push_back(r % 7 != 0);
        if (r % 7 != 0) flag.ints.push_back(r % 3 == 0);
        name.def.push_back(r % 5 != 0);
        if (r % 5 != 0) name.strings.push_back("name " + std::to_string(r % 450));
        price.def.push_back(1);
        nothing.def.push_back(0);
        price.ints.push_back(int64_t(r) * 1000003 - 1234567890123LL);  // 16-byte decimal
        const int n = r % 4;  // r % 4 == 0: null list if r % 8 == 0, else empty
        if (n == 0) {
            values.def.push_back(r % 8 == 0 ? 0 : 1);
            values.rep.push_back(0);
        }
        for (int k = 0; k < n; ++k) {
            values.rep.push_back(k == 0 ? 0 : 1);
            const bool null = (r + k) % 11 == 0;
            values.def.push_back(null ? 2 : 3);
            if (!null) values.doubles.push_back(r + k / 10.0);
        }
    }
    Writer w(schema);
    for (int g = 0; g < 2; ++g) {  // the same rows twice, in two row groups
        w.beginRowGroup(rows);
        for (const Chunk* c : {&id, &flag, &name, &values, &price, &nothing})
            w.addChunk(*c, options);
    }
    ParquetFile f;
    QString error;
    QVERIFY2(f.openBytes(w.finish(), &error), qPrintable(error));
    QCOMPARE(f.rowGroupCount(), 2);
    QCOMPARE(f.column(4).precision, 20);
    for (int g = 0; g < 2; ++g) {
        ParquetColumnData d[6];
        for (int c = 0; c < 6; ++c)
            QVERIFY2(f.readColumn(g, c, d[c], &error), qPrintable(error));
        ParquetLists lists;
        QVERIFY2(lists.build(f.column(3), d[3], &error), qPrintable(error));
        QCOMPARE(lists.rows(), size_t(rows));
        size_t element = 0;
        for (int r = 0; r < rows; ++r) {
            QCOMPARE(d[0].ints[size_t(r)], qint64(r - 1000));
            QCOMPARE(d[1].isNull(size_t(r)), r % 7 == 0);
            if (r % 7 != 0) QCOMPARE(d[1].ints[size_t(r)], qint64(r % 3 == 0));
            QCOMPARE(d[2].isNull(size_t(r)), r % 5 == 0);
            if (r % 5 != 0)
                QCOMPARE(std::string(d[2].bytes(size_t(r))), "name " + std::to_string(r % 450));
            QCOMPARE(d[4].ints[size_t(r)], qint64(r) * 1000003 - 1234567890123LL);
            QVERIFY(d[5].isNull(size_t(r)));
            const int n = r % 4;
            QCOMPARE(lists.elementCount(size_t(r)), size_t(n));
            QCOMPARE(lists.isNullAt(size_t(r), f.column(3).nodes[0].definitionLevel),
                     n == 0 && r % 8 == 0);
            for (int k = 0; k < n; ++k) {
                const size_t e = lists.begin[size_t(r)] + size_t(k);
                QCOMPARE(d[3].isNull(e), (r + k) % 11 == 0);
                if (!d[3].isNull(e)) QCOMPARE(d[3].doubles[e], values.doubles[element++]);
            }
        }
    }
}

namespace {

QString pyarrowFile() {
    return exporterDir() + QStringLiteral(
                               "/pyarrow-layout/data/acme-vision_cifar100-sweeps-1b93e02f9cc64918/"
                               "resnet50-baseline-01-d2dcc273a2e436ee_part_0.parquet");
}

}  // namespace

void TestParquet::damagedFiles_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    const std::string real = readBytes(pyarrowFile());
    const QByteArray whole = QByteArray::fromStdString(real);
    QTest::newRow("cut in half") << whole.left(whole.size() / 2)
                                 << QStringLiteral("does not end in PAR1");
    QTest::newRow("footer gone") << whole.left(whole.size() - 8)
                                 << QStringLiteral("does not end in PAR1");
    QByteArray magic = whole;
    magic.replace(0, 4, "PK\3\4");
    QTest::newRow("wrong magic") << magic << QStringLiteral("does not start with PAR1");
    QByteArray encrypted = whole;
    encrypted.replace(encrypted.size() - 4, 4, "PARE");
    QTest::newRow("encrypted") << encrypted << QStringLiteral("encrypted");
    QByteArray longFooter = whole;
    longFooter.replace(longFooter.size() - 8, 4, QByteArray("\xff\xff\xff\x7f", 4));
    QTest::newRow("footer longer than the file")
        << longFooter << QStringLiteral("its footer is cut off");
    // Footer bytes replaced by noise: a field of an unknown type, or a list past the end.
    QByteArray noise = whole;
    const quint32 footerLength =
        *reinterpret_cast<const quint32*>(whole.constData() + whole.size() - 8);
    for (qsizetype i = whole.size() - 8 - footerLength; i < whole.size() - 8; ++i)
        noise[i] = char(0x1f + (i * 7919) % 13);
    QTest::newRow("footer noise") << noise << QStringLiteral("metadata");
    QTest::newRow("too short") << QByteArray("PAR1PAR1") << QStringLiteral("too short");
}

void TestParquet::damagedFiles() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    ParquetFile f;
    QString error;
    QVERIFY(!f.openBytes(bytes.toStdString(), &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(!error.contains(u'\n'));
}

void TestParquet::damagedPages_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("rowGroup");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("message");
    const std::string real = readBytes(pyarrowFile());
    ParquetFile f;
    if (!f.openBytes(real, nullptr)) qFatal("fixture unreadable");
    // Row group 1 holds metrics: attribute_path and float_value have many values.
    const auto& path = f.chunk(1, f.findColumn({"attribute_path"}));
    const auto& values = f.chunk(1, f.findColumn({"float_value"}));
    const size_t pathData = size_t(path.dataPageOffset);
    const size_t pathDictionary = size_t(path.dictionaryPageOffset);
    const size_t valuesData = size_t(values.dataPageOffset);

    std::string outOfRange = real;  // the dictionary says 1 entry: later indices point past it
    overwrite(outOfRange, findPageField(real, pathDictionary, 7, 1), 1);
    QTest::newRow("dictionary index out of range")
        << QByteArray::fromStdString(outOfRange) << 1 << QStringLiteral("attribute_path")
        << QStringLiteral("past the dictionary's 1 entries");

    std::string inflates = real;  // the page inflates past the size its header states
    const FieldSpot size = findPageField(real, valuesData, 2);
    overwrite(inflates, size, size.value - 1);
    QTest::newRow("page inflates past its size")
        << QByteArray::fromStdString(inflates) << 1 << QStringLiteral("float_value")
        << QStringLiteral("inflates past");

    std::string cut = real;  // the page claims more bytes than its chunk holds
    const FieldSpot compressed = findPageField(real, pathData, 3);
    overwrite(cut, compressed, (int64_t(1) << (7 * compressed.length - 1)) - 1);
    QTest::newRow("page cut off") << QByteArray::fromStdString(cut) << 1
                                  << QStringLiteral("attribute_path") << QStringLiteral("cut off");

    std::string moreValues = real;  // the page claims more values than the chunk
    const FieldSpot count = findPageField(real, valuesData, 5, 1);
    overwrite(moreValues, count, count.value + 1);
    QTest::newRow("more values than the chunk")
        << QByteArray::fromStdString(moreValues) << 1 << QStringLiteral("float_value")
        << QStringLiteral("more values than its column chunk");

    // A file cut inside its data with its footer put back: chunks past the cut lie outside.
    const size_t cutAt = valuesData + 10;
    const size_t footerAt =
        real.size() - 8 - *reinterpret_cast<const uint32_t*>(real.data() + real.size() - 8);
    std::string truncated = real.substr(0, cutAt) + real.substr(footerAt);
    QTest::newRow("data cut, footer kept")
        << QByteArray::fromStdString(truncated) << 1 << QStringLiteral("float_value")
        << QStringLiteral("outside the file's data");
}

void TestParquet::damagedPages() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, rowGroup);
    QFETCH(QString, column);
    QFETCH(QString, message);
    ParquetFile f;
    QString error;
    QVERIFY2(f.openBytes(bytes.toStdString(), &error), qPrintable(error));
    ParquetColumnData d;
    const int index = f.findColumn({column.toStdString()});
    QVERIFY(!f.readColumn(rowGroup, index, d, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(
        error.startsWith(QStringLiteral("row group %1, column %2: ").arg(rowGroup).arg(column)),
        qPrintable(error));
    // The damage costs that chunk: the first row group (parameters) still reads whole.
    for (int c = 0; c < int(f.schema().columns().size()); ++c)
        QVERIFY2(f.readColumn(0, c, d, &error), qPrintable(error));
}

void TestParquet::boundsOnHostileSizes() {
    ParquetFile f;
    QString error;
    QVERIFY(f.openBytes(readBytes(pyarrowFile()), &error));
    ParquetColumnData d;
    const int values = f.findColumn({"float_value"});
    f.limits().maxPageBytes = 1000;  // a page that claims more than the bound is not inflated
    QVERIFY(!f.readColumn(1, values, d, &error));
    QVERIFY2(error.contains(QStringLiteral("past the bound")), qPrintable(error));
    f.limits() = {};
    f.limits().maxChunkValues = 100;
    QVERIFY(!f.readColumn(1, values, d, &error));
    QVERIFY2(error.contains(QStringLiteral("past the bound of 100")), qPrintable(error));
    f.limits() = {};
    QVERIFY2(f.readColumn(1, values, d, &error), qPrintable(error));
    // A footer that claims more than the bound is not read at all.
    ParquetFile g;
    g.limits().maxFooterBytes = 100;
    QVERIFY(!g.open(pyarrowFile(), &error));
    QVERIFY2(error.contains(QStringLiteral("footer claims")), qPrintable(error));
    // Not a regular file: refused before any read (LocalFiles).
    QVERIFY(!g.open(QStringLiteral("/dev/zero"), &error));
    QVERIFY2(error.contains(QStringLiteral("not a regular file")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestParquet)
#include "tst_parquet.moc"
