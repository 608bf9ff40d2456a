// Prints what reading an MLflow tracking server over REST costs, against a server in this
// process on 127.0.0.1 (tests/support/TestHttpServer.h; it only writes bytes made beforehand):
//  1. parsing one runs/search answer of 1,000 runs x 5 params x 10 metrics (2.8 MB, the shape
//     MLflow 3.11 writes), median of 20;
//  2. 100 histories of 10,000 points each, through MlflowRestSource::loadHistory from 2 threads
//     (the thread pool on this machine) and from 8;
//  3. listing 10,000 runs (10 pages), and what one poll then asks with 10 of them running.
//   bench_mlflow_rest [--part parse|histories|listing]
//   bench_mlflow_rest --serve [--recorded DIR | --experiments N]   serves the recorded exchanges
//       or made-up runs until killed, on a free port it prints (to look at the app on them)

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cstdio>

#include "FakeMlflow.h"
#include "RecordedMlflow.h"
#include "TestHttpServer.h"
#include "sources/MlflowRestReply.h"
#include "sources/MlflowRestSource.h"

using namespace runlens;
using namespace testsupport;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// One run as the server writes it into runs/search (indent 2, as in the recordings).
QByteArray runJson(int i, int indent) {
    const QByteArray pad(indent, ' ');
    QByteArray out = pad + "{\n" + pad + "  \"info\": {\n";
    const QByteArray id = QByteArray::number(0x1000000000000000LL + i, 16) + "0000000000000000";
    auto field = [&](const char* key, const QByteArray& value, bool last = false) {
        out += pad + "    \"" + key + "\": " + value + (last ? "\n" : ",\n");
    };
    field("run_uuid", '"' + id + '"');
    field("experiment_id", "\"1\"");
    field("run_name", "\"run-" + QByteArray::number(i) + '"');
    field("user_id", "\"alice\"");
    field("status", "\"FINISHED\"");
    field("start_time", QByteArray::number(1795600000000LL + i * 1000));
    field("end_time", QByteArray::number(1795600000000LL + i * 1000 + 500));
    field("artifact_uri", "\"/srv/mlflow/artifactroot/1/" + id + "/artifacts\"");
    field("lifecycle_stage", "\"active\"");
    field("run_id", '"' + id + '"', true);
    out += pad + "  },\n" + pad + "  \"data\": {\n" + pad + "    \"metrics\": [\n";
    for (int m = 0; m < 10; ++m)
        out += pad + "      {\n" + pad + "        \"key\": \"metric_" + QByteArray::number(m) +
               "\",\n" + pad +
               "        \"value\": " + QByteArray::number(0.1234567 * (m + 1) + i * 1e-6, 'g', 9) +
               ",\n" + pad +
               "        \"timestamp\": " + QByteArray::number(1795600000000LL + i * 1000 + 99) +
               ",\n" + pad + "        \"step\": 99\n" + pad + (m < 9 ? "      },\n" : "      }\n");
    out += pad + "    ],\n" + pad + "    \"params\": [\n";
    for (int p = 0; p < 5; ++p)
        out += pad + "      {\n" + pad + "        \"key\": \"param_" + QByteArray::number(p) +
               "\",\n" + pad + "        \"value\": \"" + QByteArray::number(0.001 * (i % 7 + p)) +
               "\"\n" + pad + (p < 4 ? "      },\n" : "      }\n");
    out += pad + "    ],\n" + pad + "    \"tags\": [\n";
    const std::pair<const char*, QByteArray> tags[] = {
        {"mlflow.user", "alice"},
        {"mlflow.source.name", "train.py"},
        {"mlflow.source.type", "LOCAL"},
        {"mlflow.runName", "run-" + QByteArray::number(i)}};
    for (size_t t = 0; t < std::size(tags); ++t)
        out += pad + "      {\n" + pad + "        \"key\": \"" + tags[t].first + "\",\n" + pad +
               "        \"value\": \"" + tags[t].second + "\"\n" + pad +
               (t + 1 < std::size(tags) ? "      },\n" : "      }\n");
    out += pad + "    ]\n" + pad + "  },\n" + pad + "  \"inputs\": {},\n" + pad +
           "  \"outputs\": {}\n" + pad + "}";
    return out;
}

QByteArray runsPage(int first, int count, const QByteArray& nextToken) {
    QByteArray out = "{\n  \"runs\": [\n";
    for (int i = first; i < first + count; ++i)
        out += runJson(i, 4) + (i + 1 < first + count ? ",\n" : "\n");
    out += "  ]";
    if (!nextToken.isEmpty()) out += ",\n  \"next_page_token\": \"" + nextToken + '"';
    return out + "\n}";
}

QByteArray historyJson(int points) {
    QByteArray out = "{\n  \"metrics\": [\n";
    out.reserve(points * 110);
    for (int s = 0; s < points; ++s)
        out += "    {\n      \"key\": \"loss\",\n      \"value\": " +
               QByteArray::number(1.0 / (s + 1) + 0.01 * std::sin(s), 'g', 17) +
               ",\n      \"timestamp\": " + QByteArray::number(1795600000000LL + s * 100) +
               ",\n      \"step\": " + QByteArray::number(s) +
               (s + 1 < points ? "\n    },\n" : "\n    }\n");
    return out + "  ]\n}";
}

void benchParse() {
    const QByteArray page = runsPage(0, 1000, {});
    MlflowRunContext context{QStringLiteral("mlflow-rest"), QStringLiteral("http://bench"), {}};
    std::vector<double> ms;
    size_t runs = 0;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer t;
        t.start();
        const MlflowRestReply::Runs parsed = MlflowRestReply::runs(page.toStdString(), context);
        ms.push_back(t.nsecsElapsed() / 1e6);
        runs = parsed.runs.size();
    }
    printf("parse runs/search: %zu runs, %.2f MB: median %.1f ms (min %.1f)\n", runs,
           page.size() / 1e6, median(ms), *std::min_element(ms.begin(), ms.end()));
}

void benchHistories() {
    TestHttpServer server;
    const QByteArray body = historyJson(10'000);
    server.setHandler([&](const HttpExchange&) { return CannedReply::json(200, body); });
    MlflowRestSource source(server.url());
    std::vector<Run> runs(100);
    for (int i = 0; i < 100; ++i)
        runs[size_t(i)].nativeId = QStringLiteral("run%1").arg(i);
    for (const int threads : {2, 8}) {
        QThreadPool pool;
        pool.setMaxThreadCount(threads);
        std::vector<double> ms;
        size_t points = 0;
        for (int repeat = 0; repeat < 5; ++repeat) {
            QElapsedTimer t;
            t.start();
            const std::vector<qsizetype> sizes =
                QtConcurrent::blockingMapped(&pool, runs, [&](const Run& run) {
                    return qsizetype(source.loadHistory(run, QStringLiteral("loss")).series.size());
                });
            ms.push_back(t.nsecsElapsed() / 1e6);
            points = 0;
            for (qsizetype n : sizes)
                points += size_t(n);
        }
        printf(
            "100 histories x 10,000 points (%.1f MB each), %d threads: median %.0f ms (min "
            "%.0f), %zu points\n",
            body.size() / 1e6, threads, median(ms), *std::min_element(ms.begin(), ms.end()),
            points);
    }
}

void benchListingAndPoll() {
    TestHttpServer server;
    constexpr int kRuns = 10'000;
    std::vector<QByteArray> pages;
    for (int p = 0; p < kRuns / 1000; ++p)
        pages.push_back(
            runsPage(p * 1000, 1000,
                     p + 1 < kRuns / 1000 ? QByteArray::number(p + 1).toBase64() : QByteArray()));
    FakeMlflow fake;  // experiments, and the polls' searches (10 running runs)
    for (int i = 0; i < 10; ++i) {
        FakeMlflow::FakeRun run;
        run.id = QStringLiteral("running%1").arg(i);
        run.status = QStringLiteral("RUNNING");
        run.start = 1795600000000LL + qint64(kRuns + i) * 1000;
        run.metrics[QStringLiteral("loss")] = {{0, 1.0, run.start}};
        fake.put(run);
    }
    server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        if (r.path.endsWith("runs/search") && !body.contains(QStringLiteral("filter"))) {
            const int page =
                QByteArray::fromBase64(body.value("page_token").toString().toLatin1()).toInt();
            return CannedReply::json(200, pages[size_t(page)]);
        }
        return fake.answer(r);
    });
    std::vector<double> ms;
    for (int repeat = 0; repeat < 3; ++repeat) {
        MlflowRestSource source(server.url());
        QElapsedTimer t;
        t.start();
        const ScanDelta delta = source.scan({});
        ms.push_back(t.nsecsElapsed() / 1e6);
        if (repeat == 2) {
            printf("list %zu runs (10 pages of 1,000, %.1f MB): median %.0f ms\n",
                   delta.runs.size(), pages.size() * pages[0].size() / 1e6, median(ms));
            const int before = source.requestsSent();
            fake.resetCounts();
            server.clearRequests();
            t.restart();
            source.scan({});
            printf(
                "one poll with 10 of %d runs running: %d requests, %lld runs answered, %.1f ms\n",
                kRuns + 10, source.requestsSent() - before, fake.runsAnswered(),
                t.nsecsElapsed() / 1e6);
        }
    }
}

// Serves until killed: the recorded exchanges (a poll's searches get every recorded run back,
// unchanged; histories not recorded have no points), or made-up runs in `experiments`
// experiments, which polls see as they change.
int serve(const QString& recorded, int experiments) {
    TestHttpServer server;
    std::unique_ptr<RecordedMlflow> recordings;
    FakeMlflow fake;
    QByteArray everyRun;  // the recorded runs of every stage: what a poll sees unchanged
    if (!recorded.isEmpty()) {
        recordings = std::make_unique<RecordedMlflow>(recorded);
        QJsonArray runs;
        for (const char* stem : {"020-runs-search-view-all-p1", "021-runs-search-view-all-p2"})
            for (const QJsonValue& run :
                 QJsonDocument::fromJson(recordings->find(QLatin1String(stem))->reply.body)
                     .object()
                     .value("runs")
                     .toArray())
                runs.append(run);
        everyRun = QJsonDocument(QJsonObject{{"runs", runs}}).toJson();
        server.setHandler([&](const HttpExchange& r) {
            CannedReply reply = recordings->answer(r);
            if (reply.status != 404) return reply;
            if (r.path.endsWith("get-history")) return CannedReply::json(200, "{}");
            if (r.body.contains("\"filter\"")) return CannedReply::json(200, everyRun);
            return reply;
        });
    } else {
        fake.setExperimentCount(experiments);
        for (int i = 0; i < 200; ++i) {
            FakeMlflow::FakeRun run;
            run.id = QStringLiteral("%1").arg(i, 32, 16, QChar(u'0'));
            run.experimentId = QString::number(1 + i % experiments);
            run.name = QStringLiteral("trial-%1").arg(i);
            run.start = QDateTime::currentMSecsSinceEpoch() - (200 - i) * 60'000;
            run.status = i % 50 == 49 ? QStringLiteral("RUNNING") : QStringLiteral("FINISHED");
            if (run.status != u"RUNNING") run.end = run.start + 50'000;
            run.params.insert(QStringLiteral("lr"), QString::number(0.001 * (1 + i % 7)));
            for (int s = 0; s < 100; ++s)
                run.metrics[QStringLiteral("loss")].push_back(
                    {s, 2.0 / (1 + s * (1 + i % 5) * 0.05), run.start + s * 500});
            fake.put(run);
        }
        fake.serve(server);
    }
    printf("serving %s on %s (Ctrl+C ends)\n",
           recorded.isEmpty() ? "made-up runs" : qPrintable(recorded), qPrintable(server.url()));
    fflush(stdout);
    return QCoreApplication::exec();
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption serveOption(QStringLiteral("serve"),
                                         QStringLiteral("Serve until killed"));
    const QCommandLineOption recordedOption(QStringLiteral("recorded"),
                                            QStringLiteral("Recorded exchanges to serve"),
                                            QStringLiteral("dir"));
    const QCommandLineOption experimentsOption(QStringLiteral("experiments"),
                                               QStringLiteral("Made-up experiments to serve"),
                                               QStringLiteral("n"), QStringLiteral("30"));
    const QCommandLineOption partOption(QStringLiteral("part"),
                                        QStringLiteral("Only parse, histories or listing"),
                                        QStringLiteral("name"));
    parser.addOptions({serveOption, recordedOption, experimentsOption, partOption});
    parser.process(app);
    if (parser.isSet(serveOption))
        return serve(parser.value(recordedOption), parser.value(experimentsOption).toInt());
    const QString part = parser.value(partOption);
    if (part.isEmpty() || part == u"parse") benchParse();
    if (part.isEmpty() || part == u"histories") benchHistories();
    if (part.isEmpty() || part == u"listing") benchListingAndPoll();
    return 0;
}
