#include "OptunaSqlSource.h"

#include <QFileInfo>
#include <QHash>
#include <cmath>
#include <future>
#include <limits>

#include "codec/SqliteDatabase.h"

namespace runlens {

namespace {

// value_type / intermediate_value_type: FINITE, INF_POS, INF_NEG, NAN (value is NULL then).
double decode(const SqliteStatement& row, int valueColumn, int typeColumn) {
    const std::string_view type = row.bytes(typeColumn);
    if (type == "INF_POS") return std::numeric_limits<double>::infinity();
    if (type == "INF_NEG") return -std::numeric_limits<double>::infinity();
    if (type == "NAN" || row.isNull(valueColumn)) return std::numeric_limits<double>::quiet_NaN();
    return row.real(valueColumn);
}

}  // namespace

OptunaSqlSource::OptunaSqlSource(QString path) : m_path(QFileInfo(path).absoluteFilePath()) {}

bool OptunaSqlSource::hasTables(const SqliteTables& tables) {
    return tables.has({"studies", "trials", "trial_params", "version_info"});
}

ScanDelta OptunaSqlSource::scan(const ScanOptions& options) {
    m_probe.changed();  // a commit from here on is a change for the next look
    ScanDelta delta;
    QString error;
    const auto db = SqliteDatabase::openReadOnly(m_path, &error);
    if (!db) {
        delta.problems.append({m_path, QStringLiteral("%1 %2; no trials were read from it")
                                           .arg(QFileInfo(m_path).fileName(), error)});
        return delta;
    }
    if (!db->note().isEmpty())
        delta.problems.append({m_path, QFileInfo(m_path).fileName() + u' ' + db->note()});
    // The largest table is read in two halves by rowid, one on a second connection and core
    // while this thread reads the other tables, then the other half here.
    struct IntermediateRow {
        qint64 trialId, step;
        double value;
    };
    qint64 middle = 0;
    {
        SqliteStatement last(*db,
                             QStringLiteral("SELECT max(rowid) FROM trial_intermediate_values"));
        if (last.next()) middle = last.int64(0) / 2;
    }
    const QString intermediateColumns =
        QStringLiteral("trial_id, step, intermediate_value, intermediate_value_type");
    auto readIntermediate = [&](const SqliteDatabase& from, const QString& where,
                                std::vector<IntermediateRow>& rows, QString* why) {
        return from.forEachChunk(
            QStringLiteral("trial_intermediate_values"), intermediateColumns, where,
            [&](SqliteStatement& row) {
                rows.push_back({row.int64(1), row.int64(2), decode(row, 3, 4)});
            },
            why);
    };
    std::vector<IntermediateRow> firstHalf, secondHalf;
    QString intermediateError;
    // On a thread of its own, at the caller's priority (a pool thread made from the app's
    // lowered loader would stay lowered for Qt's own work).
    std::future<bool> intermediate = std::async(std::launch::async, [&] {
        try {
            const auto second = SqliteDatabase::openReadOnly(m_path, &intermediateError);
            return second && readIntermediate(*second, QStringLiteral("rowid <= %1").arg(middle),
                                              firstHalf, &intermediateError);
        } catch (const std::exception& e) {
            intermediateError = QString::fromLocal8Bit(e.what());
            return false;
        }
    });
    std::vector<OptunaStudy> studies;
    QHash<qint64, size_t> studyIndex;
    struct TrialRef {
        size_t study, trial;
    };
    QHash<qint64, TrialRef> trialIndex;
    auto fail = [&](const QString& what) {
        intermediate.wait();
        delta.problems.append(
            {m_path, QStringLiteral("Reading Optuna's %1 failed: %2").arg(what, error)});
        return delta;
    };
    if (!db->forEachChunk(
            QStringLiteral("studies"), QStringLiteral("study_id, study_name"), {},
            [&](SqliteStatement& row) {
                studyIndex.insert(row.int64(1), studies.size());
                studies.push_back({row.text(2), {}, {}});
            },
            &error))
        return fail(QStringLiteral("studies"));
    std::vector<std::pair<qint64, std::pair<int, QString>>> directions;
    if (!db->forEachChunk(
            QStringLiteral("study_directions"), QStringLiteral("study_id, objective, direction"),
            {},
            [&](SqliteStatement& row) {
                directions.push_back({row.int64(1), {int(row.int64(2)), row.text(3)}});
            },
            &error))
        return fail(QStringLiteral("study directions"));
    std::sort(directions.begin(), directions.end());
    for (const auto& [study, d] : directions)
        if (studyIndex.contains(study)) studies[studyIndex[study]].directions << d.second;

    if (!db->forEachChunk(
            QStringLiteral("trials"),
            QStringLiteral("trial_id, number, study_id, state, datetime_start, datetime_complete"),
            {},
            [&](SqliteStatement& row) {
                const auto s = studyIndex.find(row.int64(3));
                if (s == studyIndex.end()) return;
                OptunaTrial trial;
                trial.number = int(row.int64(2));
                trial.state = row.text(4);
                trial.datetimeStart = row.text(5);
                trial.datetimeComplete = row.text(6);
                std::vector<OptunaTrial>& trials = studies[*s].trials;
                trialIndex.insert(row.int64(1), {*s, trials.size()});
                trials.push_back(std::move(trial));
            },
            &error))
        return fail(QStringLiteral("trials"));
    auto trialOf = [&](qint64 id) -> OptunaTrial* {
        const auto it = trialIndex.find(id);
        return it == trialIndex.end() ? nullptr : &studies[it->study].trials[it->trial];
    };
    if (!db->forEachChunk(
            QStringLiteral("trial_params"),
            QStringLiteral("trial_id, param_name, param_value, distribution_json"), {},
            [&](SqliteStatement& row) {
                if (OptunaTrial* t = trialOf(row.int64(1)))
                    t->params.push_back({row.text(2), row.real(3), row.text(4)});
            },
            &error))
        return fail(QStringLiteral("trial params"));
    if (!db->forEachChunk(
            QStringLiteral("trial_values"),
            QStringLiteral("trial_id, objective, value, value_type"), {},
            [&](SqliteStatement& row) {
                OptunaTrial* t = trialOf(row.int64(1));
                const auto objective = size_t(row.int64(2));
                if (!t || objective > 64) return;
                if (t->values.size() <= objective)
                    t->values.resize(objective + 1, std::numeric_limits<double>::quiet_NaN());
                t->values[objective] = decode(row, 3, 4);
            },
            &error))
        return fail(QStringLiteral("trial values"));
    if (!readIntermediate(*db, QStringLiteral("rowid > %1").arg(middle), secondHalf, &error))
        return fail(QStringLiteral("intermediate values"));
    if (!intermediate.get()) {
        error = intermediateError;
        return fail(QStringLiteral("intermediate values"));
    }
    for (const auto* half : {&firstHalf, &secondHalf})
        for (const IntermediateRow& row : *half)
            if (OptunaTrial* t = trialOf(row.trialId))
                t->intermediate.append(row.step, row.value, 0);
    for (const auto& [table, isUser] :
         {std::pair{"trial_user_attributes", true}, std::pair{"trial_system_attributes", false}}) {
        const bool user = isUser;  // clang 14 cannot capture a structured binding
        if (!db->forEachChunk(
                QString::fromLatin1(table), QStringLiteral("trial_id, key, value_json"), {},
                [&](SqliteStatement& row) {
                    if (OptunaTrial* t = trialOf(row.int64(1)))
                        (user ? t->userAttrs : t->systemAttrs).insert(row.text(2), row.text(3));
                },
                &error))
            return fail(QString::fromLatin1(table));
    }
    for (OptunaStudy& study : studies)
        std::sort(study.trials.begin(), study.trials.end(),
                  [](const OptunaTrial& a, const OptunaTrial& b) { return a.number < b.number; });
    delta.runs = publish(std::move(studies), options);
    return delta;
}

Format OptunaSqlSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral("Optuna studies in an SQLite storage (.db, .sqlite)")};
    f.claim = [](const Candidate& c) {
        if (c.isDir || c.isSpecial) return Claim{};
        if (!(c.isOpened || c.name == "mlflow.db" || c.hasSuffix({".db", ".sqlite", ".sqlite3"})))
            return Claim{};
        return hasTables(c.sqliteTables()) ? Claim::mine(60) : Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<OptunaSqlSource>(paths.first());
    };
    return f;
}

}  // namespace runlens
