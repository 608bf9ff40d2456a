// Writes an MLflow file store and/or an MLflow SQLite store, in MLflow's exact on-disk format,
// with N runs x P params x M metrics x S steps. Used by the benchmarks and to make the demo
// project. The SQLite copy starts from a database MLflow itself created (--sqlite-template,
// e.g. ../shared/fixtures/mlflow/v3_11/mlflow.db) so its schema is MLflow's own.
//
//   mlflow_generate --out DIR [--runs 2000] [--params 5] [--metrics 10] [--steps 500]
//                   [--sqlite FILE --sqlite-template MLFLOW_DB] [--demo] [--seed 7]

#include <sqlite3.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>

namespace {

struct Settings {
    QString out;
    QString sqlite;
    QString sqliteTemplate;
    int runs = 2000, params = 5, metrics = 10, steps = 500;
    bool demo = false;
    unsigned seed = 7;
};

// Python's repr of a float, as MLflow writes it: shortest round trip, ".0" on whole numbers.
std::string pythonFloat(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[40];
    char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    std::string s(buf, end);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

std::string hexId(std::mt19937_64& rng) {
    char buf[33];
    snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)rng(),
             (unsigned long long)rng());
    return buf;
}

void writeFile(const QString& path, const std::string& content) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(content.data(), qint64(content.size()));
}

struct RunPlan {
    std::string id, name;
    qint64 start = 0, end = 0;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> metricKeys;
    double lr = 0.01, quality = 1;
};

struct Experiment {
    std::string id, name;
};

const char* const kOptimizers[] = {"adam", "sgd", "adamw", "rmsprop"};
const char* const kDemoMetrics[] = {"train/loss", "val/loss", "val/acc", "lr"};

std::vector<RunPlan> planRuns(const Settings& s, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<RunPlan> runs;
    qint64 clock = 1764000000000;  // 2025-11-24
    for (int r = 0; r < s.runs; ++r) {
        RunPlan run;
        run.id = hexId(rng);
        run.lr = std::pow(10.0, -4 + 3 * unit(rng));
        if (s.demo) {  // what a person would type: three significant digits
            const double scale = std::pow(10.0, 2 - std::floor(std::log10(run.lr)));
            run.lr = std::round(run.lr * scale) / scale;
        }
        run.quality = 0.6 + 0.4 * unit(rng);
        const int batch = 16 << (r % 4);
        const int depth = 2 + int(unit(rng) * 6);
        run.name = s.demo ? "resnet-d" + std::to_string(depth) + "-lr" + pythonFloat(run.lr)
                          : "run-" + std::to_string(r);
        run.params = {{"lr", pythonFloat(run.lr)},
                      {"batch_size", std::to_string(batch)},
                      {"optimizer", kOptimizers[r % 4]},
                      {"model/depth", std::to_string(depth)},
                      {"seed", std::to_string(r % 3)}};
        for (int p = 5; p < s.params; ++p)
            run.params.push_back({"param_" + std::to_string(p), pythonFloat(unit(rng))});
        run.params.resize(size_t(std::min<int>(s.params, int(run.params.size()))));
        for (int m = 0; m < s.metrics; ++m)
            run.metricKeys.push_back(s.demo && m < 4 ? kDemoMetrics[m]
                                                     : "metric_" + std::to_string(m));
        run.start = clock;
        run.end = clock + qint64(s.steps) * 250 + 1000;
        clock += 60'000;
        runs.push_back(std::move(run));
    }
    return runs;
}

// A plausible training curve: decaying loss with noise, rising accuracy, cosine lr.
double metricValue(const RunPlan& run, size_t metric, int step, int steps, std::mt19937_64& rng) {
    std::normal_distribution<double> noise(0, 0.02);
    const double progress = double(step) / std::max(1, steps - 1);
    const double speed = 3 + 20 * run.lr * 100 / (1 + run.lr * 100);
    const double loss = 2.3 * std::exp(-speed * progress * run.quality) + 0.1 / run.quality;
    switch (metric % 4) {
        case 0:
            return loss * (1 + noise(rng));
        case 1:
            return loss * 1.1 * (1 + noise(rng)) + 0.05 * progress * progress;
        case 2:
            return std::clamp(
                run.quality * (1 - std::exp(-speed * progress)) * 0.95 + noise(rng) / 4, 0.0, 1.0);
        default:
            return run.lr * 0.5 * (1 + std::cos(M_PI * progress));
    }
}

void writeFileStore(const Settings& s, const std::vector<RunPlan>& runs,
                    const std::vector<Experiment>& experiments, std::mt19937_64 rng) {
    const QString root = s.out + "/mlruns";
    QDir().mkpath(root + "/.trash");
    const std::string artifactRoot = "file://" + QDir(root).absolutePath().toStdString();
    auto writeExperiment = [&](const Experiment& e) {
        const QString dir = root + '/' + QString::fromStdString(e.id);
        QDir().mkpath(dir + "/tags");
        writeFile(dir + "/meta.yaml",
                  "artifact_location: " + artifactRoot + "/" + e.id +
                      "\ncreation_time: 1764000000000\nexperiment_id: '" + e.id +
                      "'\nlast_update_time: 1764000000000\nlifecycle_stage: active\nname: " +
                      e.name + "\n");
    };
    writeExperiment({"0", "Default"});
    for (const Experiment& e : experiments)
        writeExperiment(e);
    std::string lines;
    for (size_t r = 0; r < runs.size(); ++r) {
        const RunPlan& run = runs[r];
        const Experiment& e = experiments[r % experiments.size()];
        const QString dir = root + '/' + QString::fromStdString(e.id + "/" + run.id);
        for (const char* sub : {"/artifacts", "/metrics", "/params", "/tags"})
            QDir().mkpath(dir + sub);
        writeFile(dir + "/meta.yaml",
                  "artifact_uri: " + artifactRoot + "/" + e.id + "/" + run.id +
                      "/artifacts\nend_time: " + std::to_string(run.end) +
                      "\nentry_point_name: ''\nexperiment_id: '" + e.id +
                      "'\nlifecycle_stage: active\nrun_id: " + run.id + "\nrun_name: " + run.name +
                      "\nrun_uuid: " + run.id +
                      "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: " +
                      std::to_string(run.start) + "\nstatus: 3\ntags: []\nuser_id: bench\n");
        for (const auto& [k, v] : run.params) {
            if (k.find('/') != std::string::npos)
                QDir().mkpath(dir + "/params/" + QString::fromStdString(k.substr(0, k.rfind('/'))));
            writeFile(dir + "/params/" + QString::fromStdString(k), v);
        }
        writeFile(dir + "/tags/mlflow.runName", run.name);
        writeFile(dir + "/tags/mlflow.user", "bench");
        writeFile(dir + "/tags/mlflow.source.type", "LOCAL");
        for (size_t m = 0; m < run.metricKeys.size(); ++m) {
            const std::string& key = run.metricKeys[m];
            if (key.find('/') != std::string::npos)
                QDir().mkpath(dir + "/metrics/" +
                              QString::fromStdString(key.substr(0, key.rfind('/'))));
            lines.clear();
            std::mt19937_64 local(rng() ^ m);
            for (int step = 0; step < s.steps; ++step) {
                lines += std::to_string(run.start + 1000 + qint64(step) * 250) + ' ' +
                         pythonFloat(metricValue(run, m, step, s.steps, local)) + ' ' +
                         std::to_string(step) + '\n';
            }
            writeFile(dir + "/metrics/" + QString::fromStdString(key), lines);
        }
    }
}

void exec(sqlite3* db, const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK)
        qFatal("sql: %s: %s", sql, error);
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
        qFatal("prepare: %s", sqlite3_errmsg(db));
    return stmt;
}

void bindText(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), int(s.size()), SQLITE_TRANSIENT);
}

void stepReset(sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE)
        qFatal("insert failed: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
}

void writeSqlite(const Settings& s, const std::vector<RunPlan>& runs,
                 const std::vector<Experiment>& experiments, std::mt19937_64 rng) {
    QFile::remove(s.sqlite);
    if (!QFile::copy(s.sqliteTemplate, s.sqlite))
        qFatal("cannot copy template %s", qPrintable(s.sqliteTemplate));
    QFile::setPermissions(
        s.sqlite, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    sqlite3* db = nullptr;
    sqlite3_open(s.sqlite.toUtf8().constData(), &db);
    exec(db, "PRAGMA foreign_keys=OFF; BEGIN;");
    // Empty every table MLflow filled in the template, keeping its schema and alembic version.
    sqlite3_stmt* tables = prepare(db,
                                   "SELECT name FROM sqlite_master WHERE type='table' AND name NOT "
                                   "IN ('alembic_version', 'sqlite_sequence', 'workspaces')");
    std::vector<std::string> names;
    while (sqlite3_step(tables) == SQLITE_ROW)
        names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(tables, 0)));
    sqlite3_finalize(tables);
    for (const std::string& t : names)
        exec(db, ("DELETE FROM \"" + t + "\"").c_str());

    sqlite3_stmt* exp = prepare(
        db,
        "INSERT INTO experiments(experiment_id, name, artifact_location, lifecycle_stage, "
        "creation_time, last_update_time) VALUES(?,?,?,'active',1764000000000,1764000000000)");
    std::vector<Experiment> all = experiments;
    all.insert(all.begin(), {"0", "Default"});
    for (const Experiment& e : all) {
        sqlite3_bind_int64(exp, 1, std::stoll(e.id));
        bindText(exp, 2, e.name);
        bindText(exp, 3, "mlflow-artifacts:/" + e.id);
        stepReset(exp);
    }
    sqlite3_finalize(exp);
    sqlite3_stmt* run = prepare(
        db,
        "INSERT INTO runs(run_uuid, name, source_type, source_name, entry_point_name, user_id, "
        "status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, "
        "experiment_id) VALUES(?,?,'LOCAL','','','bench','FINISHED',?,?,'','active',?,?)");
    sqlite3_stmt* param = prepare(db, "INSERT INTO params(key, value, run_uuid) VALUES(?,?,?)");
    sqlite3_stmt* tag = prepare(db, "INSERT INTO tags(key, value, run_uuid) VALUES(?,?,?)");
    sqlite3_stmt* metric = prepare(
        db,
        "INSERT INTO metrics(key, value, timestamp, run_uuid, step, is_nan) VALUES(?,?,?,?,?,0)");
    sqlite3_stmt* latest = prepare(db,
                                   "INSERT INTO latest_metrics(key, value, timestamp, step, "
                                   "is_nan, run_uuid) VALUES(?,?,?,?,0,?)");
    for (size_t r = 0; r < runs.size(); ++r) {
        const RunPlan& p = runs[r];
        const Experiment& e = experiments[r % experiments.size()];
        bindText(run, 1, p.id);
        bindText(run, 2, p.name);
        sqlite3_bind_int64(run, 3, p.start);
        sqlite3_bind_int64(run, 4, p.end);
        bindText(run, 5, "mlflow-artifacts:/" + e.id + "/" + p.id + "/artifacts");
        sqlite3_bind_int64(run, 6, std::stoll(e.id));
        stepReset(run);
        for (const auto& [k, v] : p.params) {
            bindText(param, 1, k), bindText(param, 2, v), bindText(param, 3, p.id);
            stepReset(param);
        }
        for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
                 {"mlflow.runName", p.name}, {"mlflow.user", "bench"}}) {
            bindText(tag, 1, k), bindText(tag, 2, v), bindText(tag, 3, p.id);
            stepReset(tag);
        }
        for (size_t m = 0; m < p.metricKeys.size(); ++m) {
            std::mt19937_64 local(rng() ^ m);
            double value = 0;
            qint64 ts = 0;
            bindText(metric, 1, p.metricKeys[m]);
            bindText(metric, 4, p.id);
            for (int step = 0; step < s.steps; ++step) {
                value = metricValue(p, m, step, s.steps, local);
                ts = p.start + 1000 + qint64(step) * 250;
                sqlite3_bind_double(metric, 2, value);
                sqlite3_bind_int64(metric, 3, ts);
                sqlite3_bind_int64(metric, 5, step);
                stepReset(metric);
            }
            bindText(latest, 1, p.metricKeys[m]);
            sqlite3_bind_double(latest, 2, value);
            sqlite3_bind_int64(latest, 3, ts);
            sqlite3_bind_int64(latest, 4, s.steps - 1);
            bindText(latest, 5, p.id);
            stepReset(latest);
        }
    }
    for (sqlite3_stmt* st : {run, param, tag, metric, latest})
        sqlite3_finalize(st);
    exec(db, "COMMIT;");
    sqlite3_close(db);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{"out", "Folder for mlruns/", "dir"},
                       {"runs", "Runs", "n", "2000"},
                       {"params", "Params per run", "n", "5"},
                       {"metrics", "Metrics per run", "n", "10"},
                       {"steps", "Points per metric", "n", "500"},
                       {"sqlite", "Also write this SQLite store", "file"},
                       {"sqlite-template", "A database MLflow created", "file"},
                       {"demo", "Realistic names and curves for the demo project"},
                       {"no-files", "Skip the file store"},
                       {"seed", "Random seed", "n", "7"}});
    parser.process(app);
    Settings s;
    s.out = parser.value("out");
    s.runs = parser.value("runs").toInt();
    s.params = parser.value("params").toInt();
    s.metrics = parser.value("metrics").toInt();
    s.steps = parser.value("steps").toInt();
    s.sqlite = parser.value("sqlite");
    s.sqliteTemplate = parser.value("sqlite-template");
    s.demo = parser.isSet("demo");
    s.seed = parser.value("seed").toUInt();
    if ((s.out.isEmpty() && !parser.isSet("no-files")) ||
        (!s.sqlite.isEmpty() && s.sqliteTemplate.isEmpty())) {
        fprintf(stderr, "need --out DIR (or --no-files), and --sqlite-template with --sqlite\n");
        return 2;
    }
    std::mt19937_64 rng(s.seed);
    const std::vector<RunPlan> runs = planRuns(s, rng);
    const std::vector<Experiment> experiments =
        s.demo ? std::vector<Experiment>{{"1", "cifar10-resnet"}, {"2", "cifar10-resnet-ablation"}}
               : std::vector<Experiment>{{"1", "bench"}};
    if (!parser.isSet("no-files")) writeFileStore(s, runs, experiments, rng);
    if (!s.sqlite.isEmpty()) writeSqlite(s, runs, experiments, rng);
    printf("wrote %d runs x %d params x %d metrics x %d steps (%lld points)\n", s.runs, s.params,
           s.metrics, s.steps, qint64(s.runs) * s.metrics * s.steps);
    return 0;
}
