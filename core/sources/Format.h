#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/SqliteDatabase.h"
#include "sources/Source.h"

namespace runlens {

// A file or folder met while looking for stores, as every format's claim sees it. What is
// costly to learn (an SQLite file's tables) is learned once, whichever format asks first.
class Candidate {
public:
    Candidate(QString path, std::string name, bool isDir, bool isSpecial, bool isOpened,
              bool isUrl = false)
        : path(std::move(path)),
          name(std::move(name)),
          isDir(isDir),
          isSpecial(isSpecial),
          isOpened(isOpened),
          isUrl(isUrl) {}

    // The URL the user opened (`https://mlflow.example.com`), offered only to the formats
    // that name its scheme: nothing on disk, `name` empty.
    static Candidate url(const QString& url) { return {url, {}, false, false, true, true}; }

    const QString path;
    const std::string name;  // the last part of path, as on disk
    const bool isDir;
    const bool isSpecial;  // a FIFO, socket or device: claims decide by name, never open it
    const bool isOpened;   // the path the user opened, not one found below it
    const bool isUrl;      // `path` is a URL: a server or database, not a file

    bool hasSuffix(std::initializer_list<const char*> suffixes) const;
    // The file's tables when it is an SQLite database (SqliteTables::isSqlite).
    const SqliteTables& sqliteTables() const;

private:
    mutable std::optional<SqliteTables> m_tables;
};

// A format's answer for one candidate. `score` 0 says "not mine"; where two formats claim
// one path (an SQLite file with Optuna's tables is also named like a database) the higher
// score wins. `problem`, with score 0, says why a path that looked like this format's could
// not be read; it is reported only if no format claims the path.
struct Claim {
    int score = 0;
    QString path;  // what is kept for the source; the candidate's path when empty
    QString problem;

    static Claim mine(int score, QString path = {}) { return {score, std::move(path), {}}; }
    static Claim unreadable(QString why) { return {0, {}, std::move(why)}; }
};

// One tracker's on-disk format: how it recognises its stores, and how it makes sources of
// them. Each Source class gives its own (`XSource::format()`); FormatRegistry lists them, and
// the Detector asks every format about every folder and file it walks by.
struct Format {
    enum class Grouping {
        PerPath,  // one source per path claimed (an mlruns folder, a database, a journal)
        Gathered  // one source for all paths claimed under the opened folder (run folders)
    };

    QString kind;              // Source::kind() of its sources
    QStringList descriptions;  // what gives it away, a line per flavour, for users
    // URL schemes it reads ("http", "https", "postgresql"): a URL is offered only to the
    // formats naming its scheme, files and folders only to those naming none.
    QStringList schemes;
    Grouping grouping = Grouping::PerPath;
    std::function<Claim(const Candidate&)> claim;
    // PerPath: one path; Gathered: every path claimed, and the folder opened.
    std::function<SourcePtr(const QString& opened, const QStringList& paths)> create;
    // Where the run `onlyRun` names (ScanOptions::onlyRun: a run id of this format, or a
    // native id) would be below an opened folder holding this format's runs, as a relative
    // path, for formats whose run names are their folders (a TensorBoard run); empty when it
    // cannot say. The Detector then looks only on the way there (DetectOptions::onlyRun).
    std::function<QString(const QString& onlyRun)> placeOfRun;
    // True if names that are not valid UTF-8 or special files named like this format's
    // should be said rather than passed by quietly.
    std::function<bool(const std::string& name)> namedLikeData;
};

}  // namespace runlens
