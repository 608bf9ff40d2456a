#pragma once

#include <QMap>
#include <QString>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "NeptuneAttributes.h"
#include "codec/FileStamp.h"
#include "model/Run.h"

namespace runlens {

// One neptune-client container (a run) read from its execution folders, kept between scans
// so a later scan reads only what was appended (../shared/FORMATS.md, neptune-client).
//
// An execution folder holds the operation journal of one process: `data-<N>.log` files (N the
// first version in the file; core/components/queue/disk_queue.py), one JSON object a line,
// `{"obj": {"type", "path", ...}, "version", "at"}`, replayed in version order across files
// and executions (internal/operation.py). `last_put_version` / `last_ack_version` say what an
// async run still had to send; `metadata.json` (1.9+) its creation time.
class NeptuneClientRun {
public:
    struct Execution {
        QString dir;  // the folder holding data-<N>.log
        bool async = false;
        bool operator==(const Execution&) const = default;
    };

    // What replaying one execution's journal kept track of (for problems and times).
    struct Journal {
        QString containerId;      // CopyAttribute within the run copies, from others not
        QString file;             // the journal file being read, for problems
        int line = 0;             // lines of `file` read so far
        qint64 lastVersion = 0;   // operations up to it were applied
        qint64 firstVersion = 0;  // the first one met: above 1 when older files were removed
        double firstAt = 0;       // `at` (unix seconds, 1.9+) of the first and last operation
        double lastAt = 0;
        int badLines = 0;      // not a JSON object: cut short or damaged
        QString firstBadLine;  // "data-1.log line 5"
        int malformed = 0;     // an operation missing a field Neptune needs
        QString firstMalformed;
        QMap<QString, int> unknownTypes;
        QString firstUnknown;
        int foreignCopies = 0;  // CopyAttribute from another run: not on disk
    };

    explicit NeptuneClientRun(QString id) : m_id(std::move(id)) {}

    // Reads what the executions' journals gained since the last update. Executions that
    // changed (one gone or new before the last), or a journal replaced or shrunk, make the run
    // start over. Returns false if nothing changed.
    bool update(const std::vector<Execution>& executions);
    // update() inside a pool task: an exception (out of memory on a hostile file) empties the
    // run, which starts over next time, with one problem saying why.
    bool updateGuarded(const std::vector<Execution>& executions);

    // The run as listed: `experiment` is the folder holding the journals' data directory.
    Run makeRun(const QString& kind, const QString& root, const QString& experiment) const;
    const NeptuneAttributes& attributes() const { return m_attributes; }
    // Moves the run's float series into `store` under `key` (NeptuneAttributes::stow).
    void stow(KeptHistories& store, const QString& key) { m_attributes.stow(store, key); }
    // The newest journal of the newest execution: where a running run appends.
    QString newestJournal() const;

    // The N of a journal's name `data-<N>.log`, or nullopt for any other name.
    static std::optional<qint64> journalVersion(const std::string& name);

    // Replays complete lines of journal text into `into`. Returns the bytes consumed: up to the
    // last newline, or all of `text` when `tailIsComplete` (a file no longer written).
    static size_t replay(std::string_view text, bool tailIsComplete, Journal& journal,
                         NeptuneAttributes& into);

private:
    struct JournalFile {
        qint64 version = 0;  // N of data-<N>.log
        std::string path;
        FileStamp stamp;
        uint64_t offset = 0;
        int lines = 0;           // lines read, for problem line numbers
        bool tailTaken = false;  // its last line had no newline but was taken (settled)
    };
    struct ExecutionState {
        Execution execution;
        std::vector<JournalFile> files;  // in version order
        Journal journal;
        std::optional<qint64> createdMs;  // metadata.json, else the folder name's time
        qint64 lastPut = 0, lastAck = 0;
        QStringList problems;  // files that could not be read
    };

    void reset();
    bool readExecution(ExecutionState& state, bool& restart);
    static std::vector<Execution> ordered(const std::vector<Execution>& executions);

    QString m_id;
    std::vector<ExecutionState> m_executions;
    NeptuneAttributes m_attributes;
    QString m_failure;  // an exception met while reading
};

}  // namespace runlens
