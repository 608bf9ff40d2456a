// The series cache's size a point on each format that uses it: opens each project given (as
// the app does, with a fresh cache folder), then adds up its entries by kind (the name's
// prefix): bytes on disk, series and points they hold (issue 19, docs/PERFORMANCE.md). Also
// the memory an open project holds once listed (resident growth, freed heap returned) and a
// scan of it again, unchanged (a live look); with --no-cache, those alone without the cache
// (every history in memory), for a process of its own.
//   bench_cache_bytes [--no-cache] PROJECT...

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <cstdio>
#include <map>

#include "codec/SeriesCacheFile.h"
#include "project/FreedMemory.h"
#include "project/ProjectLoader.h"

using namespace runlens;

namespace {

struct Tally {
    int entries = 0;
    uint64_t bytes = 0, series = 0, points = 0;
};

// The entries' identities are not known here: each is opened with the identity its own
// directory names (its first bytes after the blocks), read back by trying the file itself.
std::map<QString, Tally> tally(const QString& cacheDir) {
    std::map<QString, Tally> out;
    const QDir dir(cacheDir + QStringLiteral("/series"));
    for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.rlsc")}, QDir::Files)) {
        const QString kind = info.fileName().left(info.fileName().lastIndexOf(u'-'));
        Tally& t = out[kind];
        ++t.entries;
        t.bytes += uint64_t(info.size());
        const auto entry =
            SeriesCacheFile::open(info.filePath(), SeriesCacheFile::identityOf(info.filePath()));
        if (!entry) continue;
        t.series += entry->series().size();
        for (const CachedSeriesInfo& s : entry->series())
            t.points += s.count;
    }
    return out;
}

// VmRSS of this process, in MB, after the heap's free pages went back.
double residentMb() {
    returnFreedMemory();
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:")) return line.mid(6).trimmed().split(' ')[0].toDouble() / 1024;
    return 0;
}

struct Listing {
    size_t runs = 0;
    qint64 ms = 0, rescanMs = 0;  // the listing; every source scanned again, unchanged
    double heldMb = 0;            // resident growth while the project stays open
};

Listing list(const QString& project, const QString& cacheDir) {
    Listing out;
    const double before = residentMb();
    ScanOptions options;
    options.cacheDir = cacheDir;
    QElapsedTimer timer;
    timer.start();
    const LoadedProject loaded = loadProject(project, options);
    out.ms = timer.elapsed();
    out.runs = loaded.delta.runs.size();
    out.heldMb = residentMb() - before;
    timer.restart();
    for (const SourcePtr& source : loaded.sources)
        source->scan(options);
    out.rescanMs = timer.elapsed();
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QStringList projects = app.arguments().mid(1);
    const bool noCache = projects.removeAll(QStringLiteral("--no-cache")) > 0;
    for (const QString& project : std::as_const(projects)) {
        QTemporaryDir cache;
        const Listing l = list(project, noCache ? QString() : cache.path());
        std::printf(
            "%s: %zu runs listed in %lld ms, holding %.0f MB %s; scanned again "
            "unchanged in %lld ms\n",
            qPrintable(project), l.runs, l.ms, l.heldMb, noCache ? "(no cache)" : "(cache cold)",
            l.rescanMs);
        for (const auto& [kind, t] : tally(cache.path()))
            std::printf(
                "  %-15s %6d entries %8llu series %12llu points %12llu bytes: %.2f bytes a "
                "point\n",
                qPrintable(kind), t.entries, (unsigned long long)t.series,
                (unsigned long long)t.points, (unsigned long long)t.bytes,
                t.points ? double(t.bytes) / double(t.points) : 0.0);
    }
    return 0;
}
