#pragma once

#include <QHash>
#include <QMutex>

#include <QFileInfo>

#include "OptunaSource.h"
#include "codec/FileStamp.h"

namespace runlens {

// Optuna's JournalFileStorage: a log of JSON operations, one per line, replayed in order
// (optuna/storages/_journal/storage.py). Non-finite floats are bare NaN / Infinity tokens;
// an unterminated last line is a line being written and waits for the next read; changes to
// a trial that already finished are ignored, as Optuna ignores them.
class OptunaJournalSource : public OptunaSource {
public:
    static constexpr auto kKind = "optuna-journal";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit OptunaJournalSource(QString path);
    // True if the first line of `path` is an Optuna journal operation (op_code and worker_id).
    static bool looksLikeJournal(const QString& path);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_path; }
    ScanDelta scan(const ScanOptions& options) override;
    // The journal only grows: a scan is worth it when its size or time changed.
    bool mayHaveChanged() override;
    QStringList watchPaths() const override { return {m_path, QFileInfo(m_path).absolutePath()}; }

    // Replays journal text into studies (exposed for tests and the fuzz target). Returns the
    // bytes consumed (up to the last complete line) and fills `problems` for bad lines.
    static size_t replay(std::string_view text, std::vector<OptunaStudy>& studies,
                         QStringList& problems);

private:
    QString m_path;
    FileStamp m_seen;
};

}  // namespace runlens
