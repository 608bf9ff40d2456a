// Optuna studies against Optuna's own answers (fixtures/optuna/*/expected.json).

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

#include "TestSupport.h"
#include "sources/OptunaJournalSource.h"
#include "sources/OptunaSqlSource.h"

using namespace runlens;
using namespace testsupport;

namespace {

double expectedNumber(const QJsonValue& v) {
    if (v.isString()) {
        const QString s = v.toString();
        if (s == u"NaN") return std::nan("");
        if (s == u"Infinity") return INFINITY;
        if (s == u"-Infinity") return -INFINITY;
    }
    return v.toDouble();
}

bool same(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

}  // namespace

class TestOptuna : public QObject {
    Q_OBJECT

    void compareWithOptuna(const QString& path, const QString& expectedPath) {
        QFile f(expectedPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray studies =
            QJsonDocument::fromJson(f.readAll()).object()["studies"].toArray();
        ScanOptions options;
        const LoadedProject project = loadProject(path, options);
        QCOMPARE(project.sources.size(), size_t(1));
        QMap<QString, const Run*> byId;
        for (const Run& run : project.delta.runs)
            byId.insert(run.nativeId, &run);
        int trials = 0;
        for (const QJsonValue& s : studies) {
            const QJsonObject study = s.toObject();
            const QString name = study["study_name"].toString();
            QStringList directions;
            for (const QJsonValue& d : study["directions"].toArray())
                directions << d.toString();
            for (const QJsonValue& t : study["trials"].toArray()) {
                const QJsonObject trial = t.toObject();
                const QString id = name + u'#' + QString::number(trial["number"].toInt());
                QVERIFY2(byId.contains(id), qPrintable(id));
                const Run& run = *byId[id];
                ++trials;
                QCOMPARE(run.experiment, name);
                QCOMPARE(run.name, QStringLiteral("trial %1").arg(trial["number"].toInt()));
                QCOMPARE(run.tags.value("optuna.directions"), directions.join(u','));
                const QString state = trial["state"].toString();
                const RunStatus want = state == u"COMPLETE"  ? RunStatus::Finished
                                       : state == u"PRUNED"  ? RunStatus::Pruned
                                       : state == u"FAIL"    ? RunStatus::Failed
                                       : state == u"RUNNING" ? RunStatus::Running
                                                             : RunStatus::Scheduled;
                QCOMPARE(statusName(run.status), statusName(want));
                QCOMPARE(run.startTimeMs.value_or(-1),
                         trial["datetime_start_ms"].isNull()
                             ? -1
                             : trial["datetime_start_ms"].toInteger());
                QCOMPARE(run.endTimeMs.value_or(-1),
                         trial["datetime_complete_ms"].isNull()
                             ? -1
                             : trial["datetime_complete_ms"].toInteger());
                // Typed params: ints are ints, categoricals their choices, bools bools.
                const QJsonObject params = trial["params"].toObject();
                const QJsonObject types = trial["param_types"].toObject();
                for (auto it = params.begin(); it != params.end(); ++it) {
                    const ParamValue p = run.params.value(it.key());
                    const QString type = types[it.key()].toString();
                    if (type == u"int") {
                        QCOMPARE(p.type(), ParamValue::Type::Int);
                        QCOMPARE(p.toInt(), it.value().toInteger());
                    } else if (type == u"float") {
                        QCOMPARE(p.type(), ParamValue::Type::Double);
                        QCOMPARE(p.toDouble(), it.value().toDouble());
                    } else if (type == u"bool") {
                        QCOMPARE(p.type(), ParamValue::Type::Bool);
                        QCOMPARE(p.toBool(), it.value().toBool());
                    } else if (type == u"str") {
                        QCOMPARE(p.text(), it.value().toString());
                    } else {
                        QCOMPARE(p.type(), ParamValue::Type::Null);
                    }
                }
                // Objective values.
                const QJsonArray values = trial["values"].toArray();
                if (trial["values"].isNull()) {
                    QVERIFY(!run.metrics.contains("value") && !run.metrics.contains("values_0"));
                } else if (values.size() == 1) {
                    QVERIFY(same(run.metrics.value("value").last, expectedNumber(values[0])));
                    // Its history: one point at the trial's number (the optimization history).
                    const HistoryResult objective =
                        project.sourceFor(run)->loadHistory(run, "value");
                    QVERIFY(objective.found);
                    QCOMPARE(objective.series.size(), size_t(1));
                    QCOMPARE(objective.series.steps[0], qint64(trial["number"].toInt()));
                    QVERIFY(same(objective.series.values[0], expectedNumber(values[0])));
                } else {
                    for (qsizetype i = 0; i < values.size(); ++i)
                        QVERIFY(same(run.metrics.value(QStringLiteral("values_%1").arg(i)).last,
                                     expectedNumber(values[i])));
                }
                // Intermediate values: every step and value, NaN and infinities kept.
                const QJsonObject intermediate = trial["intermediate_values"].toObject();
                const HistoryResult history =
                    project.sourceFor(run)->loadHistory(run, "intermediate_value");
                QCOMPARE(history.series.size(), size_t(intermediate.size()));
                for (size_t i = 0; i < history.series.size(); ++i)
                    QVERIFY(
                        same(history.series.values[i],
                             expectedNumber(
                                 intermediate[QString::number(qint64(history.series.steps[i]))])));
                // Attributes.
                const QJsonObject user = trial["user_attrs"].toObject();
                for (auto it = user.begin(); it != user.end(); ++it) {
                    const ParamValue p = run.params.value("user_attrs." + it.key());
                    if (it.value().isString())
                        QCOMPARE(p.text(), it.value().toString());
                    else if (it.value().isDouble())
                        QCOMPARE(p.toDouble(), it.value().toDouble());
                    else
                        QVERIFY(!p.text().isEmpty());
                }
                const QJsonObject system = trial["system_attrs"].toObject();
                for (auto it = system.begin(); it != system.end(); ++it)
                    QVERIFY(run.tags.contains(it.key()));
            }
        }
        QCOMPARE(trials, 54);
        QCOMPARE(int(project.delta.runs.size()), trials);
    }

private slots:
    void sqliteEqualsOptuna() {
        QTemporaryDir tmp;
        const QString db = copyFixture("optuna/sqlite/optuna.db", tmp.path());
        compareWithOptuna(tmp.path(), fixtures() + "/optuna/sqlite/expected.json");
        // Read-only: the file is still byte for byte what Optuna wrote, nothing beside it.
        QFile written(fixtures() + "/optuna/sqlite/optuna.as-written.db");
        QFile now(db);
        QVERIFY(written.open(QIODevice::ReadOnly) && now.open(QIODevice::ReadOnly));
        QCOMPARE(now.readAll(), written.readAll());
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"optuna.db"});
    }

    void journalEqualsOptuna() {
        QTemporaryDir tmp;
        copyFixture("optuna/journal/journal.log", tmp.path());
        const auto before = fingerprint(tmp.path());
        compareWithOptuna(tmp.path(), fixtures() + "/optuna/journal/expected.json");
        QCOMPARE(fingerprint(tmp.path()), before);  // read-only
    }

    // A line being written waits; an op on a finished trial is ignored, as Optuna does.
    void journalTailAndFinishedTrials() {
        QFile f(fixtures() + "/optuna/journal/journal.log");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray journal = f.readAll();
        std::vector<OptunaStudy> studies;
        QStringList problems;
        const QByteArray extra =
            "{\"op_code\": 7, \"worker_id\": \"w\", \"trial_id\": 0, \"step\": 99, "
            "\"intermediate_value\": NaN}\n"
            "{\"op_code\": 7, \"worker_id\": \"w\", \"trial_id\": 0, \"step\": 98, \"interm";
        const QByteArray text = journal + extra;
        const size_t consumed = OptunaJournalSource::replay(
            std::string_view(text.constData(), size_t(text.size())), studies, problems);
        QCOMPARE(qsizetype(consumed),
                 journal.size() + extra.indexOf('\n') + 1);  // the cut line waits
        QVERIFY(problems.isEmpty());
        QCOMPARE(studies[0].trials[0].state, QStringLiteral("COMPLETE"));
        QCOMPARE(studies[0].trials[0].intermediate.size(),
                 size_t(5));  // step 99 ignored: trial 0 finished
        // On a running trial the same op lands, NaN and all.
        int running = -1;
        for (size_t i = 0; i < studies[2].trials.size(); ++i)
            if (studies[2].trials[i].state == u"RUNNING") running = int(i);
        QVERIFY(running >= 0);
        const size_t before = studies[2].trials[size_t(running)].intermediate.size();
        // Global trial id of that trial: trials of studies 0 and 1 come first (30 + 20).
        const QByteArray nanOp = "{\"op_code\": 7, \"worker_id\": \"w\", \"trial_id\": " +
                                 QByteArray::number(50 + running) +
                                 ", \"step\": 7, \"intermediate_value\": -Infinity}\n";
        std::vector<OptunaStudy> again;
        const QByteArray text2 = journal + nanOp;
        OptunaJournalSource::replay(std::string_view(text2.constData(), size_t(text2.size())),
                                    again, problems);
        QCOMPARE(again[2].trials[size_t(running)].intermediate.size(), before + 1);
        QCOMPARE(again[2].trials[size_t(running)].intermediate.values.back(), -INFINITY);
    }

    void paramTextIsShortestJson() {
        QCOMPARE(
            optunaParamValue(0.1, R"({"name": "FloatDistribution", "attributes": {"log": false}})")
                .text(),
            QStringLiteral("0.1"));
        QCOMPARE(optunaParamValue(5.0, R"({"name": "IntDistribution", "attributes": {}})").text(),
                 QStringLiteral("5"));
        const QString choices =
            R"({"name": "CategoricalDistribution", "attributes": {"choices": [true, null, 2.5, "x", 3]}})";
        QCOMPARE(optunaParamValue(0, choices).text(), QStringLiteral("true"));
        QCOMPARE(optunaParamValue(1, choices).text(), QStringLiteral("null"));
        QCOMPARE(optunaParamValue(1, choices).type(), ParamValue::Type::Null);
        QCOMPARE(optunaParamValue(2, choices).text(), QStringLiteral("2.5"));
        QCOMPARE(optunaParamValue(3, choices).text(), QStringLiteral("x"));
        QCOMPARE(optunaParamValue(4, choices).type(), ParamValue::Type::Int);
        QCOMPARE(optunaAttrValue("\"gen-node-0\"").text(), QStringLiteral("gen-node-0"));
        QCOMPARE(optunaAttrValue("[2, [4, 5]]").text(), QStringLiteral("[2,[4,5]]"));
    }
};

QTEST_GUILESS_MAIN(TestOptuna)
#include "tst_optuna.moc"
