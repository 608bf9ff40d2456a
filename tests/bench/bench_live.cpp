// Live cost and delay. A writer (a thread here) logs 1,000 points a second spread over 10
// running MLflow runs, as MLflow's file store writes them (one line appended per point).
//  1. Delay: a LiveProject in this process watches the store; for every update, how long ago
//     the newest point it brought was written.
//  2. Cost: the real app (`--app build/app/runlens`, offscreen) is opened on the same store
//     and its CPU time over 10 s of writing is read from /proc.
//   bench_live --app build/app/runlens [--seconds 10]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "model/Catalog.h"
#include "project/LiveProject.h"

using namespace runlens;

namespace {

constexpr int kRuns = 10;
constexpr int kPointsPerSecond = 1000;

QString makeStore(const QString& root) {
    const QString exp = root + QStringLiteral("/mlruns/1");
    QDir().mkpath(exp);
    QFile meta(exp + QStringLiteral("/meta.yaml"));
    meta.open(QIODevice::WriteOnly);
    meta.write(
        "artifact_location: file:///x\nexperiment_id: '1'\nlifecycle_stage: active\n"
        "name: live\n");
    meta.close();
    for (int r = 0; r < kRuns; ++r) {
        const QString id = QStringLiteral("%1").arg(r, 32, 16, QChar(u'0'));
        const QString dir = exp + u'/' + id;
        QDir().mkpath(dir + QStringLiteral("/metrics"));
        QFile m(dir + QStringLiteral("/meta.yaml"));
        m.open(QIODevice::WriteOnly);
        m.write(QStringLiteral("run_id: %1\nrun_name: run-%2\nexperiment_id: '1'\nstatus: 1\n"
                               "start_time: %3\nlifecycle_stage: active\n")
                    .arg(id)
                    .arg(r)
                    .arg(QDateTime::currentMSecsSinceEpoch())
                    .toUtf8());
        m.close();
        QFile loss(dir + QStringLiteral("/metrics/loss"));
        loss.open(QIODevice::WriteOnly);
        loss.write(QStringLiteral("%1 1.0 0\n").arg(QDateTime::currentMSecsSinceEpoch()).toUtf8());
    }
    return root + QStringLiteral("/mlruns");
}

// Appends kPointsPerSecond lines a second, round robin over the runs, until `stop`.
void writePoints(const QString& mlruns, std::atomic_bool& stop, std::atomic_long& written) {
    std::vector<FILE*> files;
    for (int r = 0; r < kRuns; ++r) {
        const QString path =
            mlruns + QStringLiteral("/1/%1/metrics/loss").arg(r, 32, 16, QChar(u'0'));
        files.push_back(fopen(QFile::encodeName(path).constData(), "a"));
    }
    QElapsedTimer clock;
    clock.start();
    long step = 1;
    while (!stop) {
        const long due = clock.elapsed() * kPointsPerSecond / 1000;
        while (written < due) {
            FILE* f = files[size_t(written % kRuns)];
            fprintf(f, "%lld %.6f %ld\n", QDateTime::currentMSecsSinceEpoch(), 1.0 / double(step),
                    step);
            fflush(f);  // MLflow opens, appends and closes per point: the line is on disk
            ++written;
            if (written % kRuns == 0) ++step;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    for (FILE* f : files)
        fclose(f);
}

double cpuSeconds(qint64 pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly)) return 0;
    const QList<QByteArray> fields = stat.readAll().split(' ');
    return fields.size() > 15
               ? double(fields[13].toLong() + fields[14].toLong()) / double(sysconf(_SC_CLK_TCK))
               : 0;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("app"), {}, QStringLiteral("path")},
                       {QStringLiteral("seconds"), {}, QStringLiteral("n"), QStringLiteral("10")}});
    parser.process(app);
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    QTemporaryDir tmp;
    const QString mlruns = makeStore(tmp.path());

    // 1. Delay, in process.
    auto project = std::make_shared<LoadedProject>(loadProject(mlruns, {}));
    Catalog catalog;
    catalog.apply(std::move(project->delta));
    LiveProject live;
    live.watcher().setPollInterval(5000);
    live.start(project, catalog.runs());
    // The oldest point an update brings was written just after the newest point of the
    // update before: its delay is at most now minus that.
    std::vector<double> delays;
    double lastNewest = 0;
    QObject::connect(&live, &LiveProject::updated, [&](std::shared_ptr<ScanDelta> delta) {
        const double now = double(QDateTime::currentMSecsSinceEpoch());
        double newest = 0;
        for (const Run& run : delta->runs)
            newest = std::max(newest, run.metrics.value(QStringLiteral("loss")).timestampMs);
        if (newest > 0 && lastNewest > 0) delays.push_back(now - lastNewest);
        if (newest > 0) lastNewest = newest;
        catalog.apply(std::move(*delta));
    });
    std::atomic_bool stop = false;
    std::atomic_long written = 0;
    std::thread writer(writePoints, mlruns, std::ref(stop), std::ref(written));
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();
    stop = true;
    writer.join();
    live.stop();
    std::sort(delays.begin(), delays.end());
    qint64 held = 0;
    for (const Run& run : catalog.runs())
        held += run.metrics.value(QStringLiteral("loss")).count;
    if (!delays.empty())
        printf(
            "delay from a point written to the update that brings it, at most (%zu updates): "
            "median "
            "%.0f ms, 95th percentile %.0f ms, worst %.0f ms; %ld points written, %lld held\n",
            delays.size(), delays[delays.size() / 2], delays[delays.size() * 95 / 100],
            delays.back(), long(written), qint64(held) - kRuns);

    // 2. Cost: the app itself, offscreen, on the same store while the writer writes.
    const QString appPath = parser.value(QStringLiteral("app"));
    if (appPath.isEmpty()) return 0;
    QTemporaryDir config;
    QProcess gui;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    env.insert(QStringLiteral("XDG_CACHE_HOME"), config.path());
    gui.setProcessEnvironment(env);
    gui.start(appPath, {mlruns});
    gui.waitForStarted();
    std::this_thread::sleep_for(std::chrono::seconds(3));  // loaded, charts drawn
    stop = false;
    written = 0;
    std::thread writer2(writePoints, mlruns, std::ref(stop), std::ref(written));
    const double cpu0 = cpuSeconds(gui.processId());
    QElapsedTimer wall;
    wall.start();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const double cpu1 = cpuSeconds(gui.processId());
    const double elapsed = double(wall.elapsed()) / 1000;
    stop = true;
    writer2.join();
    gui.kill();
    gui.waitForFinished();
    printf(
        "the app (offscreen, 5 runs charted) while %ld points were written in %.1f s: "
        "%.1f%% of one core\n",
        long(written), elapsed, 100 * (cpu1 - cpu0) / elapsed);
    return 0;
}
