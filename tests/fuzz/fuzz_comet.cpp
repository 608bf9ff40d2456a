// Fuzz target: a Comet offline archive, the zip container and its JSON entries together.
// Structure-aware: random bytes are rarely a zip the reader accepts (700,000 runs of the
// byte-level target grew its corpus from 2 inputs to 12), so an input that does not start
// with "PK" is taken as `experiment.json` NUL `messages.json` and packed into a valid archive
// here, and the mutations reach the JSON parser and the message dialects. An input starting
// with "PK" is still written as the archive itself, for the container's own damage.
// Seeds: tests/fuzz/seeds/comet (stored and deflated archives, and structured pairs).

#include <zip.h>

#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sources/CometSource.h"

namespace {

bool writeArchive(const QString& path, std::string_view experiment, std::string_view messages) {
    int error = 0;
    zip_t* zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip) return false;
    for (const auto& [name, bytes] :
         {std::pair{"experiment.json", experiment}, std::pair{"messages.json", messages}}) {
        zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
        const zip_int64_t index = zip_file_add(zip, name, source, ZIP_FL_OVERWRITE);
        if (index >= 0) zip_set_file_compression(zip, zip_uint64_t(index), ZIP_CM_STORE, 0);
    }
    return zip_close(zip) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static QTemporaryDir tmp;
    static const QString path = tmp.path() + "/run.zip";
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (input.starts_with("PK")) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(input.data(), qint64(size));
    } else {
        const size_t split = std::min(input.find('\0'), input.size());
        const std::string_view messages =
            split < input.size() ? input.substr(split + 1) : std::string_view();
        if (!writeArchive(path, input.substr(0, split), messages)) return 0;
    }
    runlens::CometSource source(tmp.path(), {path});
    runlens::ScanOptions options;
    options.maxInflatedBytes = 16 << 20;  // inputs may claim huge entries
    const runlens::ScanDelta delta = source.scan(options);
    if (delta.runs.size() != 1) abort();  // a damaged archive costs its values, never the run
    const runlens::Run& run = delta.runs.front();
    for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
        if (qint64(source.loadHistory(run, it.key()).series.size()) != it->count) abort();
    return 0;
}
