// Writes a TensorBoard logdir exactly as PyTorch's SummaryWriter writes scalars: per run one
// event file, a file_version event, then one Event per add_scalar (wall_time, step,
// summary.value { tag, simple_value }), each in CRC32C-checked TFRecord framing.
//   tfevents_generate --out DIR [--runs 200] [--tags 20] [--steps 5000]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <cmath>
#include <cstdio>

#include "TfEventWriter.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{"out", "Logdir to write", "dir"},
                       {"runs", "Runs", "n", "200"},
                       {"tags", "Scalar tags per run", "n", "20"},
                       {"steps", "Steps per tag", "n", "5000"}});
    parser.process(app);
    const QString out = parser.value("out");
    const int runs = parser.value("runs").toInt(), tags = parser.value("tags").toInt(),
              steps = parser.value("steps").toInt();
    if (out.isEmpty()) {
        fprintf(stderr, "need --out DIR\n");
        return 2;
    }
    std::vector<std::string> tagNames;
    for (int t = 0; t < tags; ++t)
        tagNames.push_back((t % 2 ? "val/metric_" : "train/metric_") + std::to_string(t));
    size_t bytes = 0;
    for (int r = 0; r < runs; ++r) {
        const QString dir = QStringLiteral("%1/run_%2").arg(out).arg(r, 3, 10, QLatin1Char('0'));
        QDir().mkpath(dir);
        double wall = 1764000000.0 + r * 600;
        std::string file;
        file.reserve(size_t(tags) * size_t(steps) * 56 + 64);
        tfwriter::appendRecord(file, tfwriter::fileVersionEvent(wall));
        for (int step = 0; step < steps; ++step)
            for (int t = 0; t < tags; ++t) {
                wall += 0.0001;
                const float value =
                    float(std::exp(-step / 1500.0) * (1 + t) + 0.01 * std::sin(step * 0.37 + r));
                tfwriter::appendRecord(
                    file, tfwriter::scalarEvent(wall, step, tagNames[size_t(t)], value));
            }
        QFile f(QStringLiteral("%1/events.out.tfevents.%2.benchhost.%3.0")
                    .arg(dir)
                    .arg(qint64(wall))
                    .arg(r));
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(f.fileName()));
        f.write(file.data(), qint64(file.size()));
        bytes += file.size();
    }
    printf("wrote %d runs x %d tags x %d steps (%lld scalar events, %.2f GB)\n", runs, tags, steps,
           qint64(runs) * tags * steps, double(bytes) / 1e9);
    return 0;
}
