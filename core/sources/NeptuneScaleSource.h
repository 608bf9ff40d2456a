#pragma once

#include <QMutex>
#include <map>
#include <memory>

#include "Format.h"
#include "KeptHistories.h"
#include "NeptuneScaleRun.h"
#include "Source.h"
#include "codec/FileStamp.h"
#include "codec/SqliteDatabase.h"

namespace runlens {

// neptune-scale (Neptune 3.x) runs kept on disk: offline runs and async runs not yet synced,
// one SQLite database of protobuf operations each (../shared/FORMATS.md, neptune-scale):
// `<log dir>/<project>_<run id>_<time ns>/run_operations.sqlite3` (0.12+) and
// `<log dir>/<project>_<run id>_<time ns>.sqlite3` (0.11). Databases naming the same run
// (a resumed run) are one run, replayed in the order of their folders' times. A fork names
// its parent run and the step it forked at, and is listed under its parent when the parent
// is here too. Histograms and files are listed, not read.
//
// The root is the log directory (`.neptune`), one run's folder or one database, as opened.
// Live: a database being written is read from the last row read on, when its PRAGMA
// data_version (or its -wal, or the folder) moved.
class NeptuneScaleSource : public Source {
public:
    static constexpr auto kKind = "neptune-scale";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit NeptuneScaleSource(QString root);
    ~NeptuneScaleSource() override;

    // True if `dir` holds a neptune-scale database named run_operations.sqlite3.
    static bool isRunFolder(const QString& dir);
    static bool hasTables(const SqliteTables& tables);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    bool mayHaveChanged() override;
    QStringList watchPaths() const override;
    QStringList followedFiles(const Run& run) const override;
    QMap<QString, QStringList> skippedTags() const override;

private:
    struct KnownDatabase {
        quint64 inode = 0;
        NeptuneScaleMetadata metadata;
        QString error;  // why its metadata could not be read
    };
    QStringList findDatabases() const;
    void followLiveDatabases(const QStringList& databases);

    QString m_root;
    mutable QMutex m_mutex;  // guards the members below between a scan, history loads, looks
    std::map<QString, std::unique_ptr<NeptuneScaleRun>> m_runs;  // by project and run id
    KeptHistories m_histories;           // float series, by m_runs key (NeptuneAttributes::stow)
    QHash<QString, QString> m_keyOfRun;  // native id -> m_runs key
    std::map<QString, KnownDatabase> m_known;                        // by database path
    std::map<QString, std::unique_ptr<SqliteChangeProbe>> m_probes;  // databases with a -wal
    FilesStamp m_stamp;
};

}  // namespace runlens
