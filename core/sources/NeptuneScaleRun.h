#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "NeptuneAttributes.h"
#include "NeptuneScaleOperation.h"
#include "codec/FileStamp.h"
#include "model/Run.h"

namespace runlens {

// What the metadata table of a neptune-scale database names: the run it logs.
struct NeptuneScaleMetadata {
    QString version;  // "v1" .. "v5"
    QString project;  // "workspace/project"
    QString runId;
};

// One neptune-scale run read from its `run_operations.sqlite3` database(s) (a resumed run
// logs to a new database beside the first), kept between scans so a later scan reads only
// rows past the last one read (../shared/FORMATS.md, neptune-scale). The databases are opened
// read-only through SqliteDatabase: a live writer's -wal is read through, nothing is left
// beside them. Acknowledged rows are deleted by async mode: what is left is replayed.
class NeptuneScaleRun {
public:
    explicit NeptuneScaleRun(NeptuneScaleMetadata metadata) : m_metadata(std::move(metadata)) {}

    // The metadata row of the database at `path`; false with `error` set when it cannot be
    // read (not SQLite, not neptune-scale's, damaged).
    static bool readMetadata(const QString& path, NeptuneScaleMetadata& out, QString* error);

    // Reads the rows added since the last update, database by database in the order given.
    // A database replaced, or one gone or new before the last, makes the run start over.
    bool update(const QStringList& databases);
    bool updateGuarded(const QStringList& databases);

    // The run as listed; its parent is set by the source, which knows the other runs.
    Run makeRun(const QString& kind, const QString& root) const;
    const NeptuneAttributes& attributes() const { return m_attributes; }
    // Moves the run's float series into `store` under `key` (NeptuneAttributes::stow).
    void stow(KeptHistories& store, const QString& key) { m_attributes.stow(store, key); }
    const NeptuneScaleRunInfo& info() const { return m_info; }
    const NeptuneScaleMetadata& metadata() const { return m_metadata; }
    QString newestDatabase() const {
        return m_databases.empty() ? QString() : m_databases.back().path;
    }

private:
    struct DatabaseState {
        QString path;
        FileStamp stamp;
        qint64 lastSequence = 0;   // rows up to it were applied
        qint64 firstSequence = 0;  // the first met: above 1 when acknowledged rows were deleted
        qint64 lastEnqueuedMs = 0;
        qint64 firstEnqueuedMs = 0;
        QString problem;  // the database could not be read
        QString note;     // read from a private copy, and why
    };
    void reset();
    bool readDatabase(DatabaseState& state, bool& restart);

    NeptuneScaleMetadata m_metadata;
    std::vector<DatabaseState> m_databases;
    NeptuneScaleRunInfo m_info;
    NeptuneAttributes m_attributes;
    int m_malformed = 0;
    QString m_firstMalformed;  // "#12 in run_operations.sqlite3"
    int m_unknownTypes = 0;
    QString m_firstUnknown;
    QString m_failure;
};

}  // namespace runlens
