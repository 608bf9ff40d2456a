// The MLflow tracking server over its REST API: the recorded exchanges with a live MLflow 3.11
// server (tests/data/mlflow_server/mlflow_rest) served again from 127.0.0.1, and every run,
// param, tag, latest metric and the 5 histories read back equal to what MLflow's own client
// reports (expected.json). Addresses, credentials, proxies, detection and the command line.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTest>

#include "MlflowServerExpected.h"
#include "RecordedMlflow.h"
#include "TestSupport.h"
#include "codec/EnvironmentProxy.h"
#include "codec/HttpLogins.h"
#include "project/Detector.h"
#include "project/ProjectLoader.h"
#include "sources/MlflowRestSource.h"

using namespace runlens;
using namespace testsupport;

class TestMlflowRest : public QObject {
    Q_OBJECT

    TestHttpServer m_server;
    RecordedMlflow m_recorded{fixtures() + QStringLiteral("/mlflow_server/mlflow_rest")};
    MlflowServerExpected m_expected;

    std::vector<HttpExchange> requestsTo(const QString& endpoint) const {
        std::vector<HttpExchange> out;
        for (const HttpExchange& r : m_server.requests())
            if (r.path.endsWith(endpoint)) out.push_back(r);
        return out;
    }

private slots:
    void initTestCase() {
        // Nothing of the machine's own: no proxy, no MLflow login.
        for (const char* name :
             {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
              "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"})
            qunsetenv(name);
        m_server.setHandler([this](const HttpExchange& r) { return m_recorded.answer(r); });
    }
    void init() { m_server.clearRequests(); }
    void cleanup() {
        QVERIFY2(m_recorded.unmatched().isEmpty(), qPrintable(m_recorded.unmatched().join(u'\n')));
    }

    void everyRunAsMlflowReportsIt() {
        MlflowRestSource source(m_server.url());
        const ScanDelta delta = source.scan({});
        QVERIFY2(delta.problems.isEmpty(), qPrintable(delta.problems.value(0).message));
        m_expected.checkRuns(delta.runs, QStringLiteral("mlflow-rest"), m_server.url());
        if (QTest::currentTestFailed()) return;
        // Every page was followed: experiments in 2 pages, runs in 4 (as recorded).
        QCOMPARE(int(requestsTo("experiments/search").size()), 2);
        QCOMPARE(int(requestsTo("runs/search").size()), 4);
        for (const HttpExchange& r : m_server.requests()) {
            QCOMPARE(r.method, QByteArray("POST"));
            QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        }
        const Run& first = delta.runs.front();
        QCOMPARE(first.location, m_server.url() + "/#/experiments/" + first.experimentId +
                                     "/runs/" + first.nativeId);
        QCOMPARE(first.id, RunId::make(u"mlflow-rest", m_server.url(), first.nativeId));
        // The latest value only: min, max and count are unknown, as with latest_metrics.
        QVERIFY(!first.metrics.first().hasStats);
    }

    void everyHistoryAsMlflowReportsIt() {
        MlflowRestSource source(m_server.url());
        const ScanDelta delta = source.scan({});
        m_server.clearRequests();
        m_expected.checkHistories(delta.runs, [&](const Run& run, const QString& key) {
            return source.loadHistory(run, key);
        });
        // One request per history, each with max_results set (MLflow 3.11 never ends without).
        const auto requests = requestsTo("metrics/get-history");
        QCOMPARE(int(requests.size()), 5);
        for (const HttpExchange& r : requests)
            QCOMPARE(r.queryValue("max_results"), QStringLiteral("25000"));
    }

    void historyFollowsItsPages() {
        MlflowRestSource source(m_server.url());
        source.setPageSizes(1000, 800);  // as recorded in 036-038
        const ScanDelta delta = source.scan({});
        const Run* baseline = nullptr;
        for (const Run& run : delta.runs)
            if (run.name == u"baseline-resnet50") baseline = &run;
        QVERIFY(baseline);
        m_server.clearRequests();
        const HistoryResult paged = source.loadHistory(*baseline, "train/loss");
        QVERIFY(paged.problems.isEmpty());
        QCOMPARE(int(paged.series.size()), 2000);
        QCOMPARE(int(requestsTo("metrics/get-history").size()), 3);
        QVERIFY(m_recorded.used().contains("038-metrics-get-history-paged-p3"));
        source.setPageSizes(1000, 25000);
        const HistoryResult whole = source.loadHistory(*baseline, "train/loss");
        QCOMPARE(paged.series.steps, whole.series.steps);
        QCOMPARE(paged.series.values, whole.series.values);
        QCOMPARE(paged.series.wallTimesMs, whole.series.wallTimesMs);
    }

    void deletedRunsOnRequest() {
        MlflowRestSource source(m_server.url());
        ScanOptions options;
        options.includeDeleted = true;
        const ScanDelta delta = source.scan(options);
        QVERIFY(delta.problems.isEmpty());
        QCOMPARE(int(delta.runs.size()), 39);
        QSet<QString> deleted;
        for (const Run& run : delta.runs)
            if (run.deleted) deleted.insert(run.nativeId);
        QSet<QString> expected;
        for (const QJsonValue& v : m_expected.deletedRuns())
            expected.insert(v.toObject().value("run_id").toString());
        QCOMPARE(deleted, expected);
        for (const Run& run : delta.runs)
            if (run.name == u"restored-run")
                QVERIFY(!run.deleted);
            else if (run.name.startsWith(u"scratch-"))
                QCOMPARE(run.experiment, QStringLiteral("teamscale/scratch-to-delete"));
        // The same source without them again: the deleted ones go, by id.
        const ScanDelta again = source.scan({});
        QCOMPARE(int(again.removed.size()), 6);
    }

    // Reading never writes: every request RunLens sends is a search or a history read
    // (experiments/search and runs/search are POSTs that change nothing on the server).
    void onlyReadsTheServer() {
        MlflowRestSource source(m_server.url());
        ScanOptions options;
        options.includeDeleted = true;
        const ScanDelta delta = source.scan(options);
        source.scan({});
        source.setFullListingInterval(0);
        source.scan({});
        for (const Run& run : delta.runs)
            for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
                source.loadHistory(run, it.key());
        m_recorded.clearUnmatched();  // polls and most histories are not recorded
        QVERIFY(m_server.requestCount() > 80);
        const QStringList reads = {"/api/2.0/mlflow/experiments/search",
                                   "/api/2.0/mlflow/runs/search",
                                   "/api/2.0/mlflow/metrics/get-history"};
        for (const HttpExchange& r : m_server.requests()) {
            QVERIFY2(reads.contains(r.path), qPrintable(r.path));
            QCOMPARE(r.method, QByteArray(r.path.endsWith("get-history") ? "GET" : "POST"));
        }
    }

    void unknownRunHasNoHistory() {
        MlflowRestSource source(m_server.url());
        Run ghost;
        ghost.nativeId = "0123456789abcdef0123456789abcdef";
        const HistoryResult h = source.loadHistory(ghost, "train/loss");  // 200 {} (051)
        QVERIFY(!h.found);
        QVERIFY(h.problems.isEmpty());
    }

    // Recording 034: without max_results MLflow 3.11 answers no points and a token that points
    // back at the start. A server that does so even with max_results is left after one repeat.
    void pageTokenThatNeverMovesOn() {
        const CannedReply loop = m_recorded.find("034-metrics-get-history-no-max-results")->reply;
        m_server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            if (r.path.endsWith("get-history")) return loop;
            return m_recorded.answer(r);
        });
        MlflowRestSource source(m_server.url());
        Run run;
        run.nativeId = "74bda31afb024b358e528e7086cf8111";
        const HistoryResult h = source.loadHistory(run, "train/loss");
        m_server.setHandler([this](const HttpExchange& r) { return m_recorded.answer(r); });
        QVERIFY(!h.found);
        QCOMPARE(int(h.problems.size()), 1);
        QVERIFY2(h.problems[0].message.contains("never end"), qPrintable(h.problems[0].message));
        QCOMPARE(int(requestsTo("get-history").size()), 2);
    }

    void gzipAnswers() {
        m_server.setGzip(true);
        MlflowRestSource source(m_server.url());
        const ScanDelta delta = source.scan({});
        m_server.setGzip(false);
        m_expected.checkRuns(delta.runs, QStringLiteral("mlflow-rest"), m_server.url());
        QVERIFY(m_server.requests().front().headers.value("accept-encoding").contains("gzip"));
    }

    void requestsShareConnections() {
        MlflowRestSource source(m_server.url());
        const int before = m_server.connectionsAccepted();
        const ScanDelta delta = source.scan({});
        for (const Run& run : delta.runs)
            for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
                source.loadHistory(run, it.key());
        // Keep-alive: dozens of requests, one connection (most histories are not recorded:
        // their 404s keep the connection too).
        QVERIFY(m_server.requestCount() > 50);
        QCOMPARE(m_server.connectionsAccepted() - before, 1);
        m_recorded.clearUnmatched();
    }

    void keysAreSentAsThemselves() {
        QString received;
        m_server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            received = r.queryValue("metric_key");
            return CannedReply::json(200, "{}");
        });
        MlflowRestSource source(m_server.url());
        Run run;
        run.nativeId = "abc";
        const QString key = QStringLiteral("loss a+b&c=d#e %/ü");
        source.loadHistory(run, key);
        m_server.setHandler([this](const HttpExchange& r) { return m_recorded.answer(r); });
        QCOMPARE(received, key);
    }

    void addresses() {
        auto a = MlflowServerAddress::parse(
            "https://user@mlflow.example.com/team/mlflow/#/experiments/7/runs/abc");
        QVERIFY(a);
        QCOMPARE(a->base(), QStringLiteral("https://mlflow.example.com/team/mlflow"));
        QCOMPARE(a->origin(), QStringLiteral("https://mlflow.example.com:443"));
        QCOMPARE(a->experimentIds(), QStringList{"7"});
        QCOMPARE(a->user(), QStringLiteral("user"));
        QCOMPARE(
            a->api("runs/search").toString(),
            QStringLiteral("https://mlflow.example.com/team/mlflow/api/2.0/mlflow/runs/search"));
        a = MlflowServerAddress::parse("http://host:5000/#/experiments/1,2");
        QCOMPARE(a->experimentIds(), (QStringList{"1", "2"}));
        QCOMPARE(a->base(), QStringLiteral("http://host:5000"));
        QCOMPARE(a->withExperiments({"3", "4"}),
                 QStringLiteral("http://host:5000/#/experiments/3,4"));
        a = MlflowServerAddress::parse(
            "http://host:5000/#/compare-experiments/s?experiments=%5B%221%22%2C%222%22%5D");
        QCOMPARE(a->experimentIds(), (QStringList{"1", "2"}));
        QVERIFY(MlflowServerAddress::parse("http://host:5000")->experimentIds().isEmpty());
        QVERIFY(!MlflowServerAddress::parse("ftp://host"));
        QVERIFY(!MlflowServerAddress::parse("http://"));
        // A password in the address is never kept in what is remembered.
        QCOMPARE(MlflowServerAddress::parse("http://u:secret@h:1")->withExperiments({}),
                 QStringLiteral("http://u@h:1"));
    }

    void experimentsNamedInTheAddress() {
        MlflowRestSource source(m_server.url() + "/#/experiments/2");
        // Only experiment 2's runs are asked for; the recordings hold no such search, so the
        // answer is checked on the request itself.
        source.scan({});
        const auto searches = requestsTo("runs/search");
        QCOMPARE(int(searches.size()), 1);
        QCOMPARE(
            QJsonDocument::fromJson(searches[0].body).object().value("experiment_ids").toArray(),
            QJsonArray{"2"});
        m_recorded.clearUnmatched();
    }

    void credentialsAsMlflowTakesThem() {
        auto authorization = [&](const QString& url) {
            m_server.clearRequests();
            MlflowRestSource source(url);
            source.scan({});
            return m_server.requests().front().headers.value("authorization");
        };
        QCOMPARE(authorization(m_server.url()), QByteArray());
        qputenv("MLFLOW_TRACKING_TOKEN", "t0k3n");
        QCOMPARE(authorization(m_server.url()), QByteArray("Bearer t0k3n"));
        qputenv("MLFLOW_TRACKING_USERNAME", "alice");
        qputenv("MLFLOW_TRACKING_PASSWORD", "pässword");
        QCOMPARE(authorization(m_server.url()), "Basic " + QByteArray("alice:pässword").toBase64());
        // A login typed in the app this session comes first.
        const QString origin = MlflowServerAddress::parse(m_server.url())->origin();
        HttpLogins::set(origin, {"bob", "pw"});
        QCOMPARE(authorization(m_server.url()), "Basic " + QByteArray("bob:pw").toBase64());
        HttpLogins::forget(origin);
        for (const char* name :
             {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"})
            qunsetenv(name);
        qputenv("MLFLOW_TRACKING_INSECURE_TLS", "true");
        qputenv("MLFLOW_TRACKING_SERVER_CERT_PATH", "/etc/ssl/team-ca.pem");
        qputenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "7");
        const HttpSettings s = MlflowServerAddress::parse(m_server.url())->httpSettings();
        QVERIFY(s.insecureTls);
        QCOMPARE(s.caCertificates, QStringLiteral("/etc/ssl/team-ca.pem"));
        QCOMPARE(s.timeoutMs, 7000);
        for (const char* name : {"MLFLOW_TRACKING_INSECURE_TLS", "MLFLOW_TRACKING_SERVER_CERT_PATH",
                                 "MLFLOW_HTTP_REQUEST_TIMEOUT"})
            qunsetenv(name);
    }

    void proxiesFromEnvironment() {
        const QHash<QString, QString> vars{{"https_proxy", "http://proxy.corp:3128"},
                                           {"http_proxy", "socks5://user:pw@socks.corp"},
                                           {"no_proxy", "localhost,.internal, 10.0.0.1:5000"}};
        QNetworkProxy p = EnvironmentProxy::proxyFor(QUrl("https://mlflow.example.com"), vars);
        QCOMPARE(p.type(), QNetworkProxy::HttpProxy);
        QCOMPARE(p.hostName(), QStringLiteral("proxy.corp"));
        QCOMPARE(p.port(), quint16(3128));
        p = EnvironmentProxy::proxyFor(QUrl("http://mlflow.example.com"), vars);
        QCOMPARE(p.type(), QNetworkProxy::Socks5Proxy);
        QCOMPARE(p.user(), QStringLiteral("user"));
        for (const char* url : {"http://localhost:5000", "https://mlflow.internal",
                                "https://a.b.internal", "http://10.0.0.1:5000"})
            QCOMPARE(EnvironmentProxy::proxyFor(QUrl(url), vars).type(), QNetworkProxy::NoProxy);
        QCOMPARE(EnvironmentProxy::proxyFor(QUrl("http://10.0.0.1:6000"), vars).type(),
                 QNetworkProxy::Socks5Proxy);
        QCOMPARE(EnvironmentProxy::proxyFor(QUrl("http://x"), {}).type(), QNetworkProxy::NoProxy);
    }

    void detectorOffersUrlsToUrlFormats() {
        DetectResult result = detectSources(m_server.url());
        QCOMPARE(int(result.sources.size()), 1);
        QCOMPARE(result.sources[0]->kind(), QStringLiteral("mlflow-rest"));
        QCOMPARE(result.sources[0]->root(), m_server.url());
        result = detectSources("https://mlflow.example.com/#/experiments/3");
        QCOMPARE(result.sources[0]->root(), QStringLiteral("https://mlflow.example.com"));
        result = detectSources("ftp://files.example.com/mlruns");
        QVERIFY(result.sources.empty());
        QCOMPARE(int(result.problems.size()), 1);
        QVERIFY2(result.problems[0].message.contains("ftp://"),
                 qPrintable(result.problems[0].message));
        QVERIFY(knownFormats().join(u'\n').contains("http://"));
    }

    void loadsLikeAFolder() {
        ScanOptions options;
        const LoadedProject project = loadProject(m_server.url(), options);
        QVERIFY(!project.nothingRead());
        QCOMPARE(int(project.delta.runs.size()), 33);
        QCOMPARE(project.sourceFor(project.delta.runs.front()), project.sources.front().get());
    }

    void commandLine() {
        CliResult cli = runCli({"runs", m_server.url(), "--format", "json"});
        QCOMPARE(cli.exitCode, 0);
        const QJsonArray runs = QJsonDocument::fromJson(cli.out).object().value("runs").toArray();
        QCOMPARE(runs.size(), 33);
        cli = runCli({"history", m_server.url(), "--run", "3992d81dd6d4428bbe761a6c889e337e",
                      "--metric", "edge/values", "--format", "json"});
        QCOMPARE(cli.exitCode, 0);
        const QJsonArray points =
            QJsonDocument::fromJson(cli.out).object().value("points").toArray();
        QCOMPARE(points.size(), 12);
        // NaN and the clamped infinities, as the CLI writes non-finite numbers.
        QStringList values;
        for (const QJsonValue& p : points)
            values << p.toArray().at(1).toVariant().toString();
        QVERIFY2(
            values.contains("NaN") && values.contains("Infinity") && values.contains("-Infinity"),
            qPrintable(values.join(u' ')));
        // Nothing listens: one clear line, exit 1.
        QTcpServer closed;
        closed.listen(QHostAddress::LocalHost, 0);
        const quint16 port = closed.serverPort();
        closed.close();
        cli = runCli({"runs", QStringLiteral("http://127.0.0.1:%1").arg(port)});
        QCOMPARE(cli.exitCode, 1);
        QVERIFY2(cli.err.contains("refused the connection"), cli.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestMlflowRest)
#include "tst_mlflow_rest.moc"
