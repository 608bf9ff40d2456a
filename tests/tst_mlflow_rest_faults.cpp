// An MLflow tracking server that fails, or changes while RunLens follows it, against a test
// server on 127.0.0.1: each fault is one clear problem, what was read before stays, nothing
// hangs (timeouts, Cancel at once); polls cost what the running runs cost, not all runs; a
// server that goes away is "offline since", and followed again when it is back.

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>
#include <thread>

#include "FakeMlflow.h"
#include "TestSupport.h"
#include "project/LiveProject.h"
#include "sources/MlflowRestSource.h"

using namespace runlens;
using namespace testsupport;

namespace {

FakeMlflow::FakeRun fakeRun(int i, const QString& status = QStringLiteral("FINISHED")) {
    FakeMlflow::FakeRun run;
    run.id = QStringLiteral("run%1").arg(i, 5, 10, QChar(u'0'));
    run.name = QStringLiteral("run-%1").arg(i);
    run.status = status;
    run.start = 1'800'000'000'000 + qint64(i) * 1000;
    if (status != u"RUNNING" && status != u"SCHEDULED") run.end = run.start + 500;
    run.params.insert(QStringLiteral("lr"), QStringLiteral("0.1"));
    for (int s = 0; s < 5; ++s)
        run.metrics[QStringLiteral("loss")].push_back({s, 1.0 / (s + 1), run.start + s});
    return run;
}

// Quick retries and a short wait, so each fault takes milliseconds.
HttpSettings quick(int timeoutMs = 2000) {
    HttpSettings s;
    s.backoffMs = 5;
    s.maxBackoffMs = 20;
    s.timeoutMs = timeoutMs;
    return s;
}

QString firstProblem(const ScanDelta& delta) {
    return delta.problems.isEmpty() ? QString() : delta.problems.first().message;
}

CannedReply busy() {
    CannedReply reply = CannedReply::json(429, R"({"error_code": "RESOURCE_EXHAUSTED"})");
    reply.addHeader("Retry-After", "0");
    return reply;
}

int countRequests(const TestHttpServer& server, const char* endpoint) {
    int n = 0;
    for (const HttpExchange& r : server.requests())
        n += r.path.endsWith(QLatin1String(endpoint));
    return n;
}

}  // namespace

class TestMlflowRestFaults : public QObject {
    Q_OBJECT

    // A server whose every answer is `reply`.
    static std::unique_ptr<TestHttpServer> answering(const CannedReply& reply) {
        auto server = std::make_unique<TestHttpServer>();
        server->setHandler([reply](const HttpExchange&) { return reply; });
        return server;
    }

    static std::unique_ptr<MlflowRestSource> sourceOf(const QString& url,
                                                      const HttpSettings& settings = quick()) {
        auto source = std::make_unique<MlflowRestSource>(url);
        source->setHttpSettings(settings);
        return source;
    }

    static ScanDelta scanOf(const QString& url) { return sourceOf(url)->scan({}); }

private slots:
    void initTestCase() {
        for (const char* name :
             {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
              "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"})
            qunsetenv(name);
    }

    void connectionRefused() {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
        closed.close();
        auto source = sourceOf(url);
        const ScanDelta delta = source->scan({});
        QVERIFY(delta.runs.empty());
        QCOMPARE(int(delta.problems.size()), 1);
        QCOMPARE(firstProblem(delta),
                 QStringLiteral("The server refused the connection (nothing listens at %1); no "
                                "runs were read")
                     .arg(url));
        QVERIFY(source->unreachable().since.isValid());
    }

    void tlsToAPlainServer() {
        auto server = answering(CannedReply::json(200, "{}"));
        const ScanDelta delta = scanOf(QStringLiteral("https://127.0.0.1:%1").arg(server->port()));
        QVERIFY2(firstProblem(delta).startsWith("The TLS handshake with the server failed"),
                 qPrintable(firstProblem(delta)));
    }

    void hostNotFound() {
        const ScanDelta delta = scanOf(QStringLiteral("http://no-such-host.invalid:5000"));
        QVERIFY2(firstProblem(delta).startsWith("The server's name could not be resolved"),
                 qPrintable(firstProblem(delta)));
    }

    void loginRequired() {
        auto server = answering(CannedReply::json(401, "Unauthorized"));
        const ScanDelta delta = scanOf(server->url());
        QVERIFY2(
            firstProblem(delta).startsWith("The server asks for a login (HTTP 401 on "
                                           "experiments/search): set MLFLOW_TRACKING_USERNAME"),
            qPrintable(firstProblem(delta)));
        QCOMPARE(server->requestCount(), 1);  // not asked again
    }

    void accessRefused() {
        auto server = answering(CannedReply::json(
            403,
            R"({"error_code": "PERMISSION_DENIED", "message": "Permission denied for alice"})"));
        QCOMPARE(firstProblem(scanOf(server->url())),
                 QStringLiteral("The server refused access (HTTP 403 on experiments/search: "
                                "Permission denied for alice); no runs were read"));
    }

    void notATrackingServer() {
        auto server = answering({404, "text/html", "<html>Not here</html>"});
        QString problem = firstProblem(scanOf(server->url()));
        QVERIFY2(problem.contains(QStringLiteral("HTTP 404 on experiments/search: is %1 an MLflow "
                                                 "tracking server?")
                                      .arg(server->url())),
                 qPrintable(problem));
        auto page = answering({200, "text/html; charset=utf-8", "<html>Sign in</html>"});
        problem = firstProblem(scanOf(page->url()));
        QVERIFY2(problem.contains("is a web page, not MLflow's JSON"), qPrintable(problem));
        auto cut = answering(CannedReply::json(200, "{\"experiments\": [{\"experi"));
        problem = firstProblem(scanOf(cut->url()));
        QVERIFY2(problem.startsWith("The answer to experiments/search is not valid JSON"),
                 qPrintable(problem));
    }

    void busyServerIsAskedAgain() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.put(fakeRun(1));
        std::atomic_int refusals{2};
        server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            if (r.path.endsWith("runs/search") && refusals-- > 0) return busy();
            return fake.answer(r);
        });
        const ScanDelta delta = scanOf(server.url());
        QVERIFY2(delta.problems.isEmpty(), qPrintable(firstProblem(delta)));
        QCOMPARE(int(delta.runs.size()), 1);
        QCOMPARE(countRequests(server, "runs/search"), 3);
    }

    void serverErrorsGiveUpAfterRetries() {
        auto server = answering(CannedReply::json(
            503,
            R"({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "database is restarting"})"));
        auto source = sourceOf(server->url());
        const ScanDelta delta = source->scan({});
        QCOMPARE(server->requestCount(), 5);  // the first and 4 more
        QCOMPARE(firstProblem(delta),
                 QStringLiteral("The server answered HTTP 503 5 times on experiments/search: "
                                "database is restarting; no runs were read"));
        QVERIFY(source->unreachable().since.isValid());  // a gateway without its server
    }

    void cutBodyKeepsEarlierPages() {
        TestHttpServer server;
        FakeMlflow fake;
        for (int i = 0; i < 5; ++i)
            fake.put(fakeRun(i));
        server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            std::optional<CannedReply> reply = fake.answer(r);
            if (r.path.endsWith("runs/search") && r.body.contains("page_token"))
                reply->mode = CannedReply::Mode::CutBody;
            return reply;
        });
        auto source = sourceOf(server.url());
        source->setPageSizes(2, 100);
        const ScanDelta delta = source->scan({});
        QCOMPARE(int(delta.runs.size()), 2);
        QVERIFY2(firstProblem(delta).startsWith("The server's answer to runs/search stopped "
                                                "sending after"),
                 qPrintable(firstProblem(delta)));
        QVERIFY2(firstProblem(delta).endsWith("; the 2 runs read before are shown"),
                 qPrintable(firstProblem(delta)));
        // A later look reads the listing whole again.
        server.setHandler([&](const HttpExchange& r) { return fake.answer(r); });
        QCOMPARE(int(source->scan({}).runs.size()), 3);
    }

    void closedWithoutAnswer() {
        auto server = answering({200, "application/json", {}, CannedReply::Mode::Close});
        const QString problem = firstProblem(scanOf(server->url()));
        QVERIFY2(problem.startsWith("Reaching the server failed on experiments/search"),
                 qPrintable(problem));
    }

    void pageTokenThatNeverMovesOn() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.put(fakeRun(1));
        server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            if (!r.path.endsWith("runs/search")) return fake.answer(r);
            QJsonObject page = QJsonDocument::fromJson(fake.answer(r)->body).object();
            page.insert("next_page_token", "eyJvZmZzZXQiOiAwfQ==");  // offset 0, for ever
            return CannedReply::json(200, QJsonDocument(page).toJson());
        });
        const ScanDelta delta = scanOf(server.url());
        QCOMPARE(int(delta.runs.size()), 1);
        QCOMPARE(firstProblem(delta),
                 QStringLiteral("The server's runs/search gave page 2 a next-page token it had "
                                "given before, so its pages never end; reading stopped there; the "
                                "run read before is shown"));
        QCOMPARE(countRequests(server, "runs/search"), 2);
    }

    void stallEndsInTime() {
        auto server = answering({200, "application/json", {}, CannedReply::Mode::Stall});
        QElapsedTimer clock;
        clock.start();
        const ScanDelta delta = sourceOf(server->url(), quick(300))->scan({});
        QVERIFY(clock.elapsed() < 3000);
        QCOMPARE(firstProblem(delta),
                 QStringLiteral("The server sent nothing for 0.3 s on experiments/search; no runs "
                                "were read"));
    }

    void cancelEndsAtOnce() {
        auto server = answering({200, "application/json", {}, CannedReply::Mode::Stall});
        auto source = sourceOf(server->url(), quick(30'000));
        std::atomic_bool cancel{false};
        ScanOptions options;
        options.cancel = &cancel;
        std::thread canceller([&] {
            QThread::msleep(100);
            cancel = true;
        });
        QElapsedTimer clock;
        clock.start();
        const ScanDelta delta = source->scan(options);
        const qint64 took = clock.elapsed();
        canceller.join();
        QVERIFY(delta.cancelled);
        QVERIFY2(took < 1000, qPrintable(QString::number(took)));
        QVERIFY(delta.problems.isEmpty());
        QVERIFY(!source->unreachable().since.isValid());
    }

    void historyKeepsPointsBeforeAFault() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.put(fakeRun(1));
        server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            if (r.path.endsWith("get-history") && !r.queryValue("page_token").isEmpty())
                return CannedReply::json(500,
                                         R"({"error_code":"INTERNAL_ERROR","message":"boom"})");
            return fake.answer(r);
        });
        auto source = sourceOf(server.url());
        source->setPageSizes(100, 2);
        const ScanDelta delta = source->scan({});
        const HistoryResult h = source->loadHistory(delta.runs.front(), "loss");
        QCOMPARE(int(h.series.size()), 2);
        QVERIFY(h.found);
        QCOMPARE(int(h.problems.size()), 1);
        QCOMPARE(h.problems[0].message,
                 QStringLiteral("The server answered HTTP 500 5 times on metrics/get-history: "
                                "boom (the history of loss; 2 points were read)"));
    }

    void answerTooLarge() {
        auto server = answering(
            CannedReply::json(200, "{\"experiments\": [" + QByteArray(200'000, ' ') + "]}"));
        HttpSettings settings = quick();
        settings.maxBodyBytes = 100'000;
        const QString problem = firstProblem(sourceOf(server->url(), settings)->scan({}));
        QVERIFY2(problem.startsWith("The server sent an answer longer than"), qPrintable(problem));
    }

    // What a poll asks for does not grow with the finished runs: the same requests and the
    // same runs answered with 200 runs as with 3,000.
    void pollCostsWhatRunningRunsCost() {
        QList<QPair<int, qint64>> costs;
        for (const int finished : {200, 3000}) {
            TestHttpServer server;
            FakeMlflow fake;
            fake.serve(server);
            for (int i = 0; i < finished; ++i)
                fake.put(fakeRun(i));
            fake.put(fakeRun(finished, "RUNNING"));
            fake.put(fakeRun(finished + 1, "RUNNING"));
            auto source = sourceOf(server.url());
            QCOMPARE(int(source->scan({}).runs.size()), finished + 2);
            server.clearRequests();
            fake.resetCounts();
            const ScanDelta quiet = source->scan({});
            QVERIFY(quiet.runs.empty() && quiet.removed.isEmpty() && quiet.problems.isEmpty());
            costs.append({server.requestCount(), fake.runsAnswered()});
            // A point logged by a running run: that run, with its new latest value.
            fake.update(QStringLiteral("run%1").arg(finished, 5, 10, QChar(u'0')),
                        [](FakeMlflow::FakeRun& r) {
                            r.metrics["loss"].push_back({5, 0.01, r.start + 9});
                        });
            const ScanDelta point = source->scan({});
            QCOMPARE(int(point.runs.size()), 1);
            QCOMPARE(point.runs[0].metrics.value("loss").last, 0.01);
            QCOMPARE(point.runs[0].metrics.value("loss").step, 5);
        }
        QCOMPARE(costs[0], costs[1]);
        QCOMPARE(costs[0].first, 2);   // runs started since the newest, running runs
        QCOMPARE(costs[0].second, 3);  // the newest run, and the 2 running (one is the newest)
    }

    void runsStartEndAndGo() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.serve(server);
        fake.put(fakeRun(0, "SCHEDULED"));
        fake.put(fakeRun(1));
        fake.put(fakeRun(2, "RUNNING"));
        fake.put(fakeRun(3, "RUNNING"));
        auto source = sourceOf(server.url());
        QCOMPARE(int(source->scan({}).runs.size()), 4);

        fake.update("run00002", [](FakeMlflow::FakeRun& r) {
            r.status = "FINISHED";
            r.end = r.start + 99;
        });
        fake.update("run00003", [](FakeMlflow::FakeRun& r) { r.deleted = true; });
        fake.put(fakeRun(5, "RUNNING"));
        server.clearRequests();
        const ScanDelta delta = source->scan({});
        QCOMPARE(int(delta.runs.size()), 2);  // newest first
        QCOMPARE(delta.runs[0].nativeId, QStringLiteral("run00005"));
        QCOMPARE(delta.runs[1].nativeId, QStringLiteral("run00002"));
        QCOMPARE(delta.runs[1].status, RunStatus::Finished);
        QCOMPARE(delta.runs[1].endTimeMs.value_or(0), fakeRun(2).start + 99);
        QCOMPARE(delta.removed,
                 QList<RunId>{RunId::make(u"mlflow-rest", server.url(), u"run00003")});
        // The ended, deleted and scheduled runs were asked for by id, in one request.
        QCOMPARE(server.requestCount(), 3);
        const QString filter = QJsonDocument::fromJson(server.requests().back().body)
                                   .object()
                                   .value("filter")
                                   .toString();
        QCOMPARE(filter,
                 QStringLiteral("attributes.run_id IN ('run00000', 'run00002', 'run00003')"));

        // A finished run deleted later is seen by the next whole listing.
        fake.update("run00001", [](FakeMlflow::FakeRun& r) { r.deleted = true; });
        QVERIFY(source->scan({}).removed.isEmpty());
        source->setFullListingInterval(0);
        const ScanDelta full = source->scan({});
        QCOMPARE(full.removed,
                 QList<RunId>{RunId::make(u"mlflow-rest", server.url(), u"run00001")});
        QVERIFY(full.runs.empty());
    }

    void offlineThenBack() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.serve(server);
        fake.put(fakeRun(1, "RUNNING"));
        auto source = sourceOf(server.url());
        QCOMPARE(int(source->scan({}).runs.size()), 1);
        server.goAway();
        const ScanDelta away = source->scan({});
        QVERIFY(away.runs.empty() && away.removed.isEmpty());
        QVERIFY(away.problems.isEmpty());  // said by unreachable(), not on every poll
        const Unreachable offline = source->unreachable();
        QVERIFY(offline.since.isValid());
        QVERIFY2(offline.why.contains("refused the connection"), qPrintable(offline.why));
        source->scan({});
        QCOMPARE(source->unreachable().since, offline.since);  // since the first failed look
        QVERIFY(server.comeBack());
        fake.update("run00001", [](FakeMlflow::FakeRun& r) {
            r.status = "FINISHED";
            r.end = r.start + 1;
        });
        const ScanDelta back = source->scan({});
        QVERIFY(!source->unreachable().since.isValid());
        QCOMPARE(int(back.runs.size()), 1);
        QCOMPARE(back.runs[0].status, RunStatus::Finished);
    }

    // The live project polls a server on its watcher's interval, and says when it is away.
    void liveProjectFollowsAServer() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.serve(server);
        fake.put(fakeRun(1, "RUNNING"));
        auto project = std::make_shared<LoadedProject>(loadProject(server.url(), {}));
        QCOMPARE(int(project->delta.runs.size()), 1);
        LiveProject live;
        live.setMinimumGap(20);
        live.watcher().setPollInterval(100);
        live.start(project, project->delta.runs);
        std::vector<std::shared_ptr<ScanDelta>> updates;
        connect(&live, &LiveProject::updated, this,
                [&](std::shared_ptr<ScanDelta> delta) { updates.push_back(delta); });
        fake.put(fakeRun(2, "RUNNING"));
        QTRY_VERIFY_WITH_TIMEOUT(!updates.empty(), 5000);
        const auto delta = updates.front();
        QCOMPARE(delta->runs.size(), size_t(1));
        QCOMPARE(delta->runs[0].nativeId, QStringLiteral("run00002"));
        server.goAway();
        QTRY_VERIFY_WITH_TIMEOUT(live.unreachable().since.isValid(), 5000);
        QVERIFY(server.comeBack());
        QTRY_VERIFY_WITH_TIMEOUT(!live.unreachable().since.isValid(), 5000);
        live.stop();
    }
};

QTEST_GUILESS_MAIN(TestMlflowRestFaults)
#include "tst_mlflow_rest_faults.moc"
