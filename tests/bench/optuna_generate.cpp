// Writes one Optuna study of N trials x P params x S intermediate values, both as an SQLite
// storage (starting from a database Optuna itself created, --sqlite-template, so the schema
// is Optuna's own) and as a JournalFileStorage log, with Optuna 3.1's op codes.
//   optuna_generate --out DIR --sqlite-template OPTUNA_DB [--trials 10000] [--params 10] [--steps
//   100]

#include <sqlite3.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

namespace {

std::string num(double v) {
    char buf[40];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK)
        qFatal("sql: %s", error);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{"out", "Folder", "dir"},
                       {"sqlite-template", "A database Optuna created", "file"},
                       {"trials", "Trials", "n", "10000"},
                       {"params", "Params per trial", "n", "10"},
                       {"steps", "Intermediate values per trial", "n", "100"}});
    parser.process(app);
    const QString out = parser.value("out");
    const int trials = parser.value("trials").toInt(), params = parser.value("params").toInt(),
              steps = parser.value("steps").toInt();
    if (out.isEmpty() || parser.value("sqlite-template").isEmpty()) {
        fprintf(stderr, "need --out DIR and --sqlite-template OPTUNA_DB\n");
        return 2;
    }
    QDir().mkpath(out);
    const QString dbPath = out + "/optuna.db";
    QFile::remove(dbPath);
    if (!QFile::copy(parser.value("sqlite-template"), dbPath)) qFatal("cannot copy the template");
    QFile::setPermissions(dbPath, QFile::ReadOwner | QFile::WriteOwner);
    sqlite3* db = nullptr;
    sqlite3_open(dbPath.toUtf8().constData(), &db);
    exec(db, "BEGIN");
    for (const char* t :
         {"trial_intermediate_values", "trial_values", "trial_params", "trial_user_attributes",
          "trial_system_attributes", "trial_heartbeats", "trials", "study_directions",
          "study_user_attributes", "study_system_attributes", "studies"})
        exec(db, std::string("DELETE FROM ") + t);
    exec(db, "INSERT INTO studies(study_id, study_name) VALUES(1, 'bench')");
    exec(db,
         "INSERT INTO study_directions(study_id, direction, objective) VALUES(1, 'MINIMIZE', 0)");

    std::string journal =
        "{\"op_code\": 0, \"worker_id\": \"bench\", \"study_name\": \"bench\", \"directions\": "
        "[1]}\n";
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> unit(0, 1);
    const std::string distribution =
        "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 1e-05, "
        "\"high\": 1.0, \"log\": true}}";
    std::string escaped;
    for (char c : distribution)
        escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
    sqlite3_stmt* trial = nullptr;
    sqlite3_stmt* param = nullptr;
    sqlite3_stmt* value = nullptr;
    sqlite3_stmt* inter = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO trials(trial_id, number, study_id, state, datetime_start, "
                       "datetime_complete) VALUES(?,?,1,'COMPLETE',?,?)",
                       -1, &trial, nullptr);
    sqlite3_prepare_v2(db,
                       "INSERT INTO trial_params(trial_id, param_name, param_value, "
                       "distribution_json) VALUES(?,?,?,?)",
                       -1, &param, nullptr);
    sqlite3_prepare_v2(
        db,
        "INSERT INTO trial_values(trial_id, objective, value, value_type) VALUES(?,0,?,'FINITE')",
        -1, &value, nullptr);
    sqlite3_prepare_v2(db,
                       "INSERT INTO trial_intermediate_values(trial_id, step, intermediate_value, "
                       "intermediate_value_type) VALUES(?,?,?,'FINITE')",
                       -1, &inter, nullptr);
    auto done = [](sqlite3_stmt* st) {
        if (sqlite3_step(st) != SQLITE_DONE) qFatal("insert failed");
        sqlite3_reset(st);
    };
    for (int t = 0; t < trials; ++t) {
        const std::string start = "2026-11-27 21:" + std::to_string(10 + t / 6000 % 50) + ":" +
                                  std::to_string(10 + t / 100 % 50) + ".123456";
        const std::string end = start.substr(0, start.size() - 6) + "654321";
        sqlite3_bind_int(trial, 1, t + 1);
        sqlite3_bind_int(trial, 2, t);
        sqlite3_bind_text(trial, 3, start.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(trial, 4, end.c_str(), -1, SQLITE_TRANSIENT);
        done(trial);
        std::string isoStart = start;
        isoStart[10] = 'T';
        journal +=
            "{\"op_code\": 4, \"worker_id\": \"bench\", \"study_id\": 0, \"datetime_start\": \"" +
            isoStart + "\"}\n";
        double loss = 0;
        for (int p = 0; p < params; ++p) {
            const double v = std::pow(10.0, -5 * unit(rng));
            loss += v;
            const std::string name = "p" + std::to_string(p);
            sqlite3_bind_int(param, 1, t + 1);
            sqlite3_bind_text(param, 2, name.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(param, 3, v);
            sqlite3_bind_text(param, 4, distribution.c_str(), -1, SQLITE_TRANSIENT);
            done(param);
            journal +=
                "{\"op_code\": 5, \"worker_id\": \"bench\", \"trial_id\": " + std::to_string(t) +
                ", \"param_name\": \"" + name + "\", \"param_value_internal\": " + num(v) +
                ", \"distribution\": \"" + escaped + "\"}\n";
        }
        double last = 0;
        for (int s = 0; s < steps; ++s) {
            last = loss * std::exp(-s / 30.0) + 0.01 * unit(rng);
            sqlite3_bind_int(inter, 1, t + 1);
            sqlite3_bind_int(inter, 2, s);
            sqlite3_bind_double(inter, 3, last);
            done(inter);
            journal +=
                "{\"op_code\": 7, \"worker_id\": \"bench\", \"trial_id\": " + std::to_string(t) +
                ", \"step\": " + std::to_string(s) + ", \"intermediate_value\": " + num(last) +
                "}\n";
        }
        sqlite3_bind_int(value, 1, t + 1);
        sqlite3_bind_double(value, 2, last);
        done(value);
        std::string isoEnd = end;
        isoEnd[10] = 'T';
        journal += "{\"op_code\": 6, \"worker_id\": \"bench\", \"trial_id\": " + std::to_string(t) +
                   ", \"state\": 1, \"values\": [" + num(last) + "], \"datetime_complete\": \"" +
                   isoEnd + "\"}\n";
    }
    for (sqlite3_stmt* st : {trial, param, value, inter})
        sqlite3_finalize(st);
    exec(db, "COMMIT");
    sqlite3_close(db);
    QFile f(out + "/journal.log");
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write the journal");
    f.write(journal.data(), qint64(journal.size()));
    printf("wrote %d trials x %d params x %d intermediate values (%.0f MB journal)\n", trials,
           params, steps, journal.size() / 1e6);
    return 0;
}
