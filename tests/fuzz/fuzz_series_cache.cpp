// Fuzz target: the series cache (core/codec/SeriesCacheFile, SeriesColumns). Checksums hide
// the decoders from random bytes, so each input is tried three ways: as one series block
// (SeriesColumns::decode, no checksum), as a whole entry file, and as an entry whose
// directory checksum is made right again (so mutations inside the directory reach its parser).
// Seeds: seeds/series_cache (entries the writer made).

#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "codec/Crc32c.h"
#include "codec/SeriesCacheFile.h"
#include "codec/SeriesColumns.h"

namespace {

void readEntry(const QString& path, const std::string& bytes) {
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return;
        f.write(bytes.data(), qint64(bytes.size()));
    }
    const auto entry = runlens::SeriesCacheFile::open(path, QStringLiteral("fuzz"));
    if (!entry) return;
    for (int i = 0; i < int(entry->series().size()); ++i) {
        runlens::MetricSeries s;
        if (entry->read(i, s) && s.size() != entry->series()[size_t(i)].count) abort();
        std::vector<runlens::SeriesPyramidLevel> pyramid;
        entry->readPyramid(i, pyramid);
    }
    for (const runlens::CachedInput& input : entry->inputs())
        if (input.path.size() > bytes.size()) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    runlens::MetricSeries series;
    std::vector<runlens::SeriesPyramidLevel> pyramid;
    if (runlens::SeriesColumns::decode(bytes, series, &pyramid)) {
        if (series.steps.size() != series.values.size() ||
            series.wallTimesMs.size() != series.values.size() || series.size() > size)
            abort();
        // What decodes encodes to something that decodes to the same points.
        runlens::MetricSeries again;
        if (!runlens::SeriesColumns::decode(runlens::SeriesColumns::encode(series), again) ||
            again.size() != series.size() ||
            memcmp(again.steps.data(), series.steps.data(), series.size() * 8) != 0)
            abort();
    }
    runlens::SeriesColumns::decodePyramid(bytes, pyramid);

    static QTemporaryDir tmp;
    const QString path = tmp.path() + QStringLiteral("/entry.rlsc");
    readEntry(path, bytes);
    // The trailer (last 24 bytes) names the directory; give it its checksum back.
    if (size >= 32) {
        std::string fixed = bytes;
        uint64_t offset, length;
        memcpy(&offset, fixed.data() + size - 24, 8);
        memcpy(&length, fixed.data() + size - 16, 8);
        if (offset <= size - 24 && length == size - 24 - offset) {
            const uint32_t crc = runlens::crc32c(fixed.data() + offset, size_t(length));
            memcpy(fixed.data() + size - 8, &crc, 4);
            readEntry(path, fixed);
        }
    }
    return 0;
}
