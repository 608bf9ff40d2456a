// The command line of runlens-cli, parsed once: runlens-cli and runlens-draw (which draws the
// pictures of `chart` and `parallel`) read the same arguments the same way.

#pragma once

#include <QByteArray>
#include <QSize>
#include <QString>
#include <QStringList>

#include "project/ProjectLoader.h"

namespace runlens {

// Exit codes (DESIGN.md, "Command line").
constexpr int kOk = 0;
constexpr int kNothingRead = 1;
constexpr int kBadArguments = 2;

struct Arguments {
    QString command;
    QString path;
    QString format;
    QString filter;
    QString run;
    QString metric;
    bool includeDeleted = false;
    bool metricStats = false;
    bool purgeRestarts = true;
    bool joinHparamsRuns = true;
    bool useCache = true;
    bool clearCache = false;
    QString out;
    QString x = QStringLiteral("step");
    double smoothing = 0;
    bool logY = false;
    QSize size{1200, 700};
    QStringList axes;
    QString colorBy;
};

// Returns an error sentence, or an empty string when the arguments make sense.
QString parseArguments(const QStringList& args, Arguments& out);

ScanOptions scanOptions(const Arguments& args);

bool isCsvPath(const QString& path);

// `chart` or `parallel` into a PNG or SVG: drawn by runlens-draw, which links the GUI.
bool drawsPicture(const Arguments& args);

// Writes "runlens-cli: message" to stderr and returns `code`.
int fail(int code, const QString& message);

// Exit 1 with the reason on stderr when nothing could be read: no source found, or sources
// that gave only problems (a garbage mlflow.db). An empty store read cleanly is exit 0.
int nothingReadExit(const LoadedProject& project, const QString& path);

void writeOut(const QByteArray& bytes);

int writeFile(const QString& path, const QByteArray& bytes);

}  // namespace runlens
