// Fuzz target: a W&B run log (`run-<id>.wandb`): the LevelDB-log framing, then the whole
// source over one run folder. Seeds: the fixtures' logs (synced, offline, cut off) and
// tests/fuzz/seeds/wandb (records to be framed here: see frameRecords).

#include <zlib.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>

#include "codec/WandbLog.h"
#include "sources/WandbSource.h"

namespace {

// One record as LevelDB's log writer frames it: FULL when it fits the block, else FIRST,
// MIDDLE..., LAST pieces; a block's last 1-6 bytes are zero padding.
void appendRecord(std::string& out, std::string_view payload) {
    bool first = true;
    do {
        size_t left = 32768 - out.size() % 32768;
        if (left < 7) {
            out.append(left, '\0');
            left = 32768;
        }
        const size_t piece = std::min(payload.size(), left - 7);
        const bool last = piece == payload.size();
        const char type = first && last ? 1 : first ? 2 : last ? 4 : 3;
        uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(&type), 1);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), uInt(piece));
        const uint32_t checksum = uint32_t(crc);
        out.append(reinterpret_cast<const char*>(&checksum), 4);
        out += char(piece & 0xff);
        out += char(piece >> 8);
        out += type;
        out.append(payload.substr(0, piece));
        payload.remove_prefix(piece);
        first = false;
    } while (!payload.empty());
}

// Structure-aware inputs: "REC\n" then Record payloads separated by "\n\x1e", framed here with
// valid CRCs (W&B's LevelDB-log blocks), so mutations reach the protobuf
// and JSON readers instead of failing the CRC. Other inputs are the log's bytes as they are.
std::string frameRecords(std::string_view input) {
    std::string out(":W&B\xe1\xbe\x00", 7);
    size_t pos = 4;
    while (pos <= input.size()) {
        const size_t end = std::min(input.find("\n\x1e", pos), input.size());
        appendRecord(out, input.substr(pos, end - pos));
        pos = end + 2;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string framed = input.starts_with("REC\n") ? frameRecords(input) : std::string();
    if (!framed.empty()) {
        data = reinterpret_cast<const uint8_t*>(framed.data());
        size = framed.size();
    }
    // Framing alone: every record handed out lies inside the input (or is a join of pieces
    // that did), and a scan never runs away.
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    size_t total = 0;
    const runlens::WandbLogScan scan = runlens::scanWandbLog(
        bytes, [&](std::string_view record, size_t) { total += record.size(); });
    if (total > size) abort();
    if (scan.records > size / 7 + 1) abort();

    // The source over one run folder: at most one run; its histories agree with its summaries.
    static QTemporaryDir tmp;
    static const QString dir = [] {
        const QString d = tmp.path() + "/wandb/offline-run-20260101_000000-fuzz0001";
        QDir().mkpath(d);
        return d;
    }();
    {
        QFile f(dir + "/run-fuzz0001.wandb");
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(bytes.data(), qint64(size));
    }
    runlens::WandbSource source(tmp.path() + "/wandb");
    const runlens::ScanDelta delta = source.scan({});
    if (delta.runs.size() != 1) abort();  // a damaged log costs its values, never the run
    for (const runlens::Run& run : delta.runs)
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            const runlens::HistoryResult h = source.loadHistory(run, it.key());
            if (h.found && qint64(h.series.size()) != it->count) abort();
        }
    return 0;
}
