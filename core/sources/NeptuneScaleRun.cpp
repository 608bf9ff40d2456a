#include "NeptuneScaleRun.h"

#include <QDir>
#include <QFileInfo>
#include <cmath>

#include "codec/LocalFiles.h"
#include "codec/SqliteDatabase.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

// The database's own name for problems: run_operations.sqlite3 is every run's, so its folder.
QString shownName(const QString& path) {
    const QFileInfo info(path);
    return info.fileName() == u"run_operations.sqlite3"
               ? info.absoluteDir().dirName() + u'/' + info.fileName()
               : info.fileName();
}

qint64 fileSize(const QString& path) {
    return FileStamp::of(toLocalPath(path)).size;
}

}  // namespace

bool NeptuneScaleRun::readMetadata(const QString& path, NeptuneScaleMetadata& out, QString* error) {
    const auto db = SqliteDatabase::openReadOnly(path, error);
    if (!db) return false;
    SqliteStatement row(*db, QStringLiteral("SELECT version, project, run_id FROM metadata "
                                            "ORDER BY id LIMIT 1"));
    if (!row.ok()) {
        if (error)
            *error = QStringLiteral("has no metadata table (%1): it is not a neptune-scale run")
                         .arg(row.error());
        return false;
    }
    if (!row.next()) {
        if (error)
            *error = row.error().isEmpty()
                         ? QStringLiteral("has an empty metadata table: it names no run")
                         : QStringLiteral("cannot be read by SQLite: %1").arg(row.error());
        return false;
    }
    out = {row.text(0), row.text(1), row.text(2)};
    return true;
}

void NeptuneScaleRun::reset() {
    m_databases.clear();
    m_info = {};
    m_attributes = NeptuneAttributes();
    m_malformed = m_unknownTypes = 0;
    m_firstMalformed.clear();
    m_firstUnknown.clear();
    m_failure.clear();
}

bool NeptuneScaleRun::update(const QStringList& databases) {
    bool same = databases.size() >= qsizetype(m_databases.size());
    for (size_t i = 0; same && i < m_databases.size(); ++i)
        same = m_databases[i].path == databases[qsizetype(i)];
    if (!same) reset();
    bool changed = !same;
    for (qsizetype i = qsizetype(m_databases.size()); i < databases.size(); ++i) {
        m_databases.push_back({});
        m_databases.back().path = databases[i];
        changed = true;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool restart = false;
        for (DatabaseState& state : m_databases) {
            changed = readDatabase(state, restart) || changed;
            if (restart) break;
        }
        // Points stowed in a damaged cache entry: replayed again from the start.
        if (!restart && !m_attributes.lostPoints()) return changed;
        reset();
        for (const QString& path : databases) {
            m_databases.push_back({});
            m_databases.back().path = path;
        }
        changed = true;
    }
    return changed;
}

bool NeptuneScaleRun::updateGuarded(const QStringList& databases) {
    try {
        return update(databases);
    } catch (const std::exception& e) {
        reset();
        m_failure = QStringLiteral("reading it failed (%1); it will be read again when it changes")
                        .arg(QString::fromUtf8(e.what()));
        return true;
    }
}

bool NeptuneScaleRun::readDatabase(DatabaseState& state, bool& restart) {
    const FileStamp stamp = FileStamp::of(toLocalPath(state.path));
    if (state.stamp.inode != 0 && stamp.inode != state.stamp.inode) {
        restart = true;  // replaced: the rows replayed no longer hold
        return true;
    }
    state.stamp = stamp;
    QString error;
    const auto db = SqliteDatabase::openReadOnly(state.path, &error);
    const QString previous = state.problem;
    state.problem.clear();
    if (!db) {
        state.problem = QStringLiteral("%1 %2").arg(shownName(state.path), error);
        return state.problem != previous;
    }
    state.note = db->note();
    const QString name = shownName(state.path);
    bool changed = false;
    // Rows past the last one read, each window its own short read transaction.
    const bool ok = db->forEachChunk(
        QStringLiteral("run_operations"), QStringLiteral("operation_type, operation, timestamp"),
        QStringLiteral("rowid > %1").arg(state.lastSequence),
        [&](SqliteStatement& row) {
            const qint64 sequence = row.int64(0);
            const qint64 enqueuedMs = row.int64(3);
            if (state.firstSequence == 0) {
                state.firstSequence = sequence;
                state.firstEnqueuedMs = enqueuedMs;
            }
            state.lastEnqueuedMs = std::max(state.lastEnqueuedMs, enqueuedMs);
            switch (NeptuneScaleOperation::apply(row.int64(1), row.blob(2), double(enqueuedMs),
                                                 m_info, m_attributes)) {
                case NeptuneScaleOperation::Outcome::Applied:
                    break;
                case NeptuneScaleOperation::Outcome::Malformed:
                    if (m_malformed++ == 0)
                        m_firstMalformed = QStringLiteral("#%1 in %2").arg(sequence).arg(name);
                    break;
                case NeptuneScaleOperation::Outcome::UnknownType:
                    if (m_unknownTypes++ == 0)
                        m_firstUnknown = QStringLiteral("#%1 in %2, type %3")
                                             .arg(sequence)
                                             .arg(name)
                                             .arg(row.int64(1));
                    break;
            }
            state.lastSequence = sequence;
            changed = true;
        },
        &error);
    if (!ok)
        state.problem = QStringLiteral("%1: reading its operations failed: %2").arg(name, error);
    return changed || state.problem != previous;
}

Run NeptuneScaleRun::makeRun(const QString& kind, const QString& root) const {
    Run run;
    run.sourceKind = kind;
    run.nativeId = m_metadata.runId;
    run.id = RunId::make(kind, root, run.nativeId);
    run.experiment = m_metadata.project;
    run.experimentId = m_metadata.project;
    m_attributes.fillRun(run);
    // Run.experiment_id is the experiment's name, shown as the run's sys/name.
    const std::optional<ParamValue> assigned = m_attributes.atom(QStringLiteral("sys/name"));
    if (!m_info.experimentId.isEmpty() && !assigned)
        run.tags.insert(QStringLiteral("sys/name"), m_info.experimentId);
    run.name = assigned && !assigned->text().isEmpty() ? assigned->text()
               : !m_info.experimentId.isEmpty()        ? m_info.experimentId
                                                       : m_metadata.runId;
    run.tags.insert(QStringLiteral("sys/custom_run_id"), m_metadata.runId);
    if (!m_info.family.isEmpty()) run.tags.insert(QStringLiteral("sys/family"), m_info.family);
    if (!m_info.parentRunId.isEmpty()) {
        run.tags.insert(QStringLiteral("sys/forking/parent"), m_info.parentRunId);
        if (m_info.forkStep)
            run.tags.insert(QStringLiteral("sys/forking/step"), stepText(*m_info.forkStep));
    }

    qint64 firstEnqueued = 0, lastEnqueued = 0;
    for (const DatabaseState& s : m_databases) {
        if (!s.problem.isEmpty()) run.problems << s.problem;
        if (!s.note.isEmpty()) run.problems << shownName(s.path) + u' ' + s.note;
        if (s.firstSequence > 1)
            run.problems << QStringLiteral(
                                "operations before #%1 were sent to Neptune and deleted from %2; "
                                "the run shows what came after them")
                                .arg(s.firstSequence)
                                .arg(shownName(s.path));
        if (s.firstEnqueuedMs > 0 && (firstEnqueued == 0 || s.firstEnqueuedMs < firstEnqueued))
            firstEnqueued = s.firstEnqueuedMs;
        lastEnqueued = std::max(lastEnqueued, s.lastEnqueuedMs);
    }
    if (m_malformed > 0)
        run.problems << skippedProblem(
            m_malformed, QStringLiteral("operation"),
            QStringLiteral("whose BLOB is not a well-formed protobuf message"),
            QStringLiteral("the first: ") + m_firstMalformed);
    if (m_unknownTypes > 0)
        run.problems << skippedProblem(m_unknownTypes, QStringLiteral("operation"),
                                       QStringLiteral("of a type this reader does not know"),
                                       QStringLiteral("the first: ") + m_firstUnknown);
    if (const QString refused = m_attributes.refusedProblem(); !refused.isEmpty())
        run.problems << refused;
    if (!m_failure.isEmpty()) run.problems << m_failure;

    // The writer's connection keeps a -wal with frames beside the database; a clean close
    // removes it (or leaves it empty). Frames there: still being written, or the writer died.
    const QString newest = newestDatabase();
    const std::optional<ParamValue> failed = m_attributes.atom(QStringLiteral("sys/failed"));
    run.status =
        failed && failed->type() == ParamValue::Type::Bool && failed->toBool() ? RunStatus::Failed
        : !newest.isEmpty() && fileSize(newest + QStringLiteral("-wal")) > 0   ? RunStatus::Running
                                                                             : RunStatus::Finished;
    if (m_info.creationMs)
        run.startTimeMs = toInt64(std::floor(*m_info.creationMs));
    else if (firstEnqueued > 0)
        run.startTimeMs = firstEnqueued;
    if (run.status != RunStatus::Running && lastEnqueued > 0) run.endTimeMs = lastEnqueued;
    if (!newest.isEmpty()) {
        const QFileInfo info(newest);
        run.location = info.fileName() == u"run_operations.sqlite3" ? info.absolutePath() : newest;
    }
    return run;
}

}  // namespace runlens
