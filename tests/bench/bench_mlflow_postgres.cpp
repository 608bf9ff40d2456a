// Prints how long RunLens takes to list MLflow runs straight from PostgreSQL, to look for
// changes, and to read one history. Starts a throwaway cluster of Debian's PostgreSQL (as the
// tests do), gives it MLflow's exact schema (the fixture's pg_dump, emptied), and fills one
// database per size with COPY: N runs x 5 params x 10 metrics x 100 steps, 3 tags a run, 1 in
// 100 runs still running.
//   bench_mlflow_postgres [--runs 1000,10000] [--repeat 5]

#include <libpq-fe.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <random>

#include "BenchStats.h"
#include "PostgresCluster.h"
#include "codec/PostgresConnection.h"
#include "project/ProjectLoader.h"
#include "sources/MlflowPostgresSource.h"

using namespace runlens;
using namespace testsupport;
using bench::median;

namespace {

// Streams rows to `COPY table FROM STDIN` (text format) in large pieces.
class Copy {
public:
    Copy(PGconn* conn, const char* table) : m_conn(conn) {
        PGresult* res = PQexec(conn, QByteArray("COPY ") + table + " FROM STDIN");
        if (PQresultStatus(res) != PGRES_COPY_IN) qFatal("COPY failed: %s", PQerrorMessage(conn));
        PQclear(res);
    }
    void row(const QByteArray& line) {
        m_buffer += line;
        m_buffer += '\n';
        if (m_buffer.size() > (1 << 20)) flush();
    }
    void finish() {
        flush();
        if (PQputCopyEnd(m_conn, nullptr) != 1) qFatal("COPY end failed");
        PGresult* res = PQgetResult(m_conn);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            qFatal("COPY failed: %s", PQerrorMessage(m_conn));
        PQclear(res);
    }

private:
    void flush() {
        if (PQputCopyData(m_conn, m_buffer.constData(), int(m_buffer.size())) != 1)
            qFatal("COPY data failed");
        m_buffer.clear();
    }
    PGconn* m_conn;
    QByteArray m_buffer;
};

void exec(PGconn* conn, const char* sql) {
    PGresult* res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        qFatal("%s: %s", sql, PQerrorMessage(conn));
    PQclear(res);
}

// Fills `db` (MLflow's schema, empty) with `runs` runs as MLflow's server would have.
void generate(const QString& url, int runs) {
    PGconn* conn = PQconnectdb(url.toUtf8().constData());
    if (PQstatus(conn) != CONNECTION_OK) qFatal("%s", PQerrorMessage(conn));
    // Foreign keys are not checked row by row while loading (a superuser's bulk load).
    exec(conn, "SET session_replication_role = replica");
    exec(conn,
         "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
         "creation_time, last_update_time) VALUES (0, 'Default', '/srv/a/0', 'active', "
         "1700000000000, 1700000000000), (1, 'bench', '/srv/a/1', 'active', "
         "1700000000000, 1700000000000)");
    std::mt19937_64 rng(runs);
    std::vector<QByteArray> ids;
    for (int i = 0; i < runs; ++i)
        ids.push_back(QByteArray::number(qulonglong(rng()), 16).rightJustified(16, '0') +
                      QByteArray::number(qulonglong(rng()), 16).rightJustified(16, '0'));
    const qint64 t0 = 1700000000000;
    {
        Copy copy(conn,
                  "runs (run_uuid, name, source_type, source_name, entry_point_name, "
                  "user_id, status, start_time, end_time, source_version, "
                  "lifecycle_stage, artifact_uri, experiment_id)");
        for (int i = 0; i < runs; ++i) {
            const bool running = i % 100 == 99;
            const qint64 start = t0 + qint64(i) * 60000;
            copy.row(ids[i] + "\trun-" + QByteArray::number(i) + "\tLOCAL\ttrain.py\t\tbench\t" +
                     (running ? "RUNNING\t" : "FINISHED\t") + QByteArray::number(start) + '\t' +
                     (running ? QByteArray("\\N") : QByteArray::number(start + 3600000)) +
                     "\t\tactive\t/srv/a/1/" + ids[i] + "/artifacts\t1");
        }
        copy.finish();
    }
    {
        Copy copy(conn, "tags (key, value, run_uuid)");
        for (int i = 0; i < runs; ++i) {
            copy.row("mlflow.runName\trun-" + QByteArray::number(i) + '\t' + ids[i]);
            copy.row("mlflow.user\tbench\t" + ids[i]);
            copy.row("mlflow.source.type\tLOCAL\t" + ids[i]);
        }
        copy.finish();
    }
    {
        Copy copy(conn, "params (key, value, run_uuid)");
        const char* optimizers[] = {"adam", "sgd", "adamw"};
        for (int i = 0; i < runs; ++i) {
            copy.row("lr\t" + QByteArray::number(1e-4 * (1 + i % 50), 'g', 6) + '\t' + ids[i]);
            copy.row("batch_size\t" + QByteArray::number(16 << (i % 4)) + '\t' + ids[i]);
            copy.row(QByteArray("optimizer\t") + optimizers[i % 3] + '\t' + ids[i]);
            copy.row("dropout\t" + QByteArray::number(0.05 * (i % 10), 'g', 6) + '\t' + ids[i]);
            copy.row("seed\t" + QByteArray::number(i) + '\t' + ids[i]);
        }
        copy.finish();
    }
    std::uniform_real_distribution<double> noise(0.0, 0.05);
    // MLflow's indexes on metrics are built once after the load, not row by row.
    exec(conn,
         "ALTER TABLE metrics DROP CONSTRAINT metric_pk; DROP INDEX "
         "index_metrics_run_uuid, index_metrics_run_uuid_key_step");
    {
        Copy metrics(conn, "metrics (key, value, \"timestamp\", run_uuid, step, is_nan)");
        for (int i = 0; i < runs; ++i)
            for (int m = 0; m < 10; ++m)
                for (int step = 0; step < 100; ++step) {
                    const double value = 1.0 / (1 + step * 0.1 * (m + 1)) + noise(rng);
                    metrics.row("metric_" + QByteArray::number(m) + '\t' +
                                QByteArray::number(value, 'g', 17) + '\t' +
                                QByteArray::number(t0 + qint64(i) * 60000 + step * 1000) + '\t' +
                                ids[i] + '\t' + QByteArray::number(step) + "\tf");
                }
        metrics.finish();
    }
    exec(conn,
         "SET maintenance_work_mem = '256MB'; ALTER TABLE metrics ADD CONSTRAINT metric_pk "
         "PRIMARY KEY (key, \"timestamp\", step, run_uuid, value, is_nan); CREATE INDEX "
         "index_metrics_run_uuid ON metrics (run_uuid); CREATE INDEX "
         "index_metrics_run_uuid_key_step ON metrics (run_uuid, key, step)");
    // latest_metrics as MLflow keeps it: the point with the greatest step.
    exec(conn,
         "INSERT INTO latest_metrics (key, value, \"timestamp\", step, is_nan, run_uuid) "
         "SELECT DISTINCT ON (run_uuid, key) key, value, \"timestamp\", step, is_nan, "
         "run_uuid FROM metrics ORDER BY run_uuid, key, step DESC, \"timestamp\" DESC, "
         "value DESC");
    // Measured once the load is on disk: no checkpoint writing gigabytes meanwhile.
    exec(conn, "VACUUM ANALYZE");
    exec(conn, "CHECKPOINT");
    PQfinish(conn);
}

// The bare SQL of a listing, as psql would run it: runs, latest metrics, params and tags.
double bareSqlMs(const QString& url) {
    PGconn* conn = PQconnectdb(url.toUtf8().constData());
    QElapsedTimer t;
    t.start();
    for (const char* sql :
         {"SELECT run_uuid, name, status, start_time, end_time, lifecycle_stage, experiment_id "
          "FROM runs",
          "SELECT run_uuid, key, value, \"timestamp\", step, is_nan FROM latest_metrics",
          "SELECT run_uuid, key, value FROM params", "SELECT run_uuid, key, value FROM tags"})
        PQclear(PQexec(conn, sql));
    const double ms = t.nsecsElapsed() / 1e6;
    PQfinish(conn);
    return ms;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QList<int> sizes{1000, 10000};
    int repeat = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (qstrcmp(argv[i], "--runs") == 0) {
            sizes.clear();
            for (const QByteArray& n : QByteArray(argv[i + 1]).split(','))
                sizes << n.toInt();
        } else if (qstrcmp(argv[i], "--repeat") == 0) {
            repeat = atoi(argv[i + 1]);
        }
    }
    PostgresCluster cluster;
    QString why;
    if (!cluster.start(&why)) {
        fprintf(stderr, "bench_mlflow_postgres: %s\n", qPrintable(why));
        return 1;
    }
    const QString dump =
        QStringLiteral(RUNLENS_FIXTURES "/mlflow_server/mlflow_postgres/mlflow.sql");
    if (!cluster.restore(QStringLiteral("schema"), dump) ||
        !cluster.psql(QStringLiteral("schema"),
                      QStringLiteral("TRUNCATE experiments, runs, metrics, latest_metrics, "
                                     "params, tags, experiment_tags CASCADE")))
        return 1;
    for (const int runs : sizes) {
        const QString db = QStringLiteral("runs%1").arg(runs);
        cluster.psql(QStringLiteral("postgres"),
                     QStringLiteral("CREATE DATABASE %1 TEMPLATE schema").arg(db));
        QElapsedTimer t;
        t.start();
        generate(cluster.url(db), runs);
        printf("%d runs: generated %lld metric rows with COPY in %.1f s\n", runs,
               qlonglong(runs) * 1000, t.nsecsElapsed() / 1e9);

        const QString url = cluster.url(db);
        std::vector<double> open, again, cpu, looks, history, bare;
        size_t listed = 0;
        for (int i = 0; i < repeat; ++i) {
            bare.push_back(bareSqlMs(url));
            t.restart();
            LoadedProject project = loadProject(url, {});
            open.push_back(t.nsecsElapsed() / 1e6);
            listed = project.delta.runs.size();
            Source& source = *project.sources.at(0);
            t.restart();
            const double cpuStart = bench::cpuMs();
            const ScanDelta delta = source.scan({});
            again.push_back(t.nsecsElapsed() / 1e6);
            cpu.push_back(bench::cpuMs() - cpuStart);
            source.mayHaveChanged();  // connects once
            t.restart();
            source.mayHaveChanged();
            looks.push_back(t.nsecsElapsed() / 1e6);
            const Run& run = delta.runs.at(delta.runs.size() / 2);
            t.restart();
            const HistoryResult h = source.loadHistory(run, QStringLiteral("metric_3"));
            history.push_back(t.nsecsElapsed() / 1e6);
            if (h.series.size() != 100) qFatal("history has %zu points", h.series.size());
        }
        printf(
            "%d runs: listing (connect + 4 queries + mapping) median %.1f ms; listed again on "
            "a kept connection %.1f ms (RunLens's own CPU %.1f ms); the bare SQL in libpq %.1f ms; "
            "a look for changes "
            "(%d running) %.2f ms; one history (100 points) %.2f ms [%zu runs listed]\n",
            runs, median(open), median(again), median(cpu), median(bare), runs / 100, median(looks),
            median(history), listed);
        fflush(stdout);
        cluster.psql(QStringLiteral("postgres"), QStringLiteral("DROP DATABASE %1").arg(db));
    }
    return 0;
}
