#include "CliArguments.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <cstdio>

#include "project/CacheFolder.h"
#include "query/RunFilter.h"

namespace runlens {

void writeOut(const QByteArray& bytes) {
    fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    fflush(stdout);
}

int fail(int code, const QString& message) {
    fprintf(stderr, "runlens-cli: %s\n", qPrintable(message));
    return code;
}

int nothingReadExit(const LoadedProject& project, const QString& path) {
    if (!project.nothingRead()) return kOk;
    if (project.sources.empty() && project.delta.problems.isEmpty())
        return fail(kNothingRead, QStringLiteral("no runs found under %1").arg(path));
    const Problem& first = project.delta.problems.first();
    return fail(kNothingRead, QStringLiteral("no runs could be read from %1: %2: %3")
                                  .arg(path, first.path, first.message));
}

ScanOptions scanOptions(const Arguments& args) {
    ScanOptions options;
    options.includeDeleted = args.includeDeleted;
    options.metricStats = args.metricStats;
    options.purgeRestarts = args.purgeRestarts;
    options.joinHparamsRuns = args.joinHparamsRuns;
    if (args.useCache) options.cacheDir = CacheFolder::path();
    return options;
}

QString parseArguments(const QStringList& args, Arguments& out) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("command"), {});
    parser.addPositionalArgument(QStringLiteral("path"), {});
    parser.addOptions({
        {QStringLiteral("format"), {}, QStringLiteral("format")},
        {QStringLiteral("filter"), {}, QStringLiteral("expr")},
        {QStringLiteral("run"), {}, QStringLiteral("id")},
        {QStringLiteral("metric"), {}, QStringLiteral("key")},
        {QStringLiteral("include-deleted"), {}},
        {QStringLiteral("metric-stats"), {}},
        {QStringLiteral("no-purge"), {}},
        {QStringLiteral("no-join"), {}},
        {QStringLiteral("no-cache"), {}},
        {QStringLiteral("clear"), {}},
        {QStringLiteral("out"), {}, QStringLiteral("file")},
        {QStringLiteral("x"), {}, QStringLiteral("axis")},
        {QStringLiteral("smoothing"), {}, QStringLiteral("weight")},
        {QStringLiteral("log-y"), {}},
        {QStringLiteral("size"), {}, QStringLiteral("WxH")},
        {QStringLiteral("axes"), {}, QStringLiteral("keys")},
        {QStringLiteral("color-by"), {}, QStringLiteral("key")},
    });
    if (!parser.parse(args)) return parser.errorText();
    const QStringList positional = parser.positionalArguments();
    if (positional.value(0) == u"cache") {
        if (positional.size() != 1) return QStringLiteral("cache takes no PATH");
        out.command = positional[0];
        out.clearCache = parser.isSet(QStringLiteral("clear"));
        return {};
    }
    if (positional.size() != 2) return QStringLiteral("expected a command and a PATH");
    out.command = positional[0];
    out.path = positional[1];
    out.useCache = !parser.isSet(QStringLiteral("no-cache"));
    out.filter = parser.value(QStringLiteral("filter"));
    out.run = parser.value(QStringLiteral("run"));
    out.metric = parser.value(QStringLiteral("metric"));
    out.includeDeleted = parser.isSet(QStringLiteral("include-deleted"));
    out.metricStats = parser.isSet(QStringLiteral("metric-stats"));
    out.purgeRestarts = !parser.isSet(QStringLiteral("no-purge"));
    out.joinHparamsRuns = !parser.isSet(QStringLiteral("no-join"));
    out.format = parser.value(QStringLiteral("format"));

    QStringList formats;
    if (out.command == u"sources")
        formats = {QStringLiteral("table"), QStringLiteral("json")};
    else if (out.command == u"runs")
        formats = {QStringLiteral("table"), QStringLiteral("csv"), QStringLiteral("json")};
    else if (out.command == u"history")
        formats = {QStringLiteral("csv"), QStringLiteral("json")};
    else if (out.command == u"chart" || out.command == u"parallel")
        formats = {QStringLiteral("file")};  // the format is --out's suffix
    else
        return QStringLiteral(
                   "unknown command '%1' (sources, runs, history, chart, parallel, cache)")
            .arg(out.command);
    if (out.format.isEmpty()) out.format = formats.first();
    if (!formats.contains(out.format))
        return QStringLiteral("--format for %1 is one of %2").arg(out.command, formats.join(u'|'));
    if (out.command == u"history" && (out.run.isEmpty() || out.metric.isEmpty()))
        return QStringLiteral("history needs --run ID and --metric KEY");
    if (out.command == u"chart" || out.command == u"parallel") {
        out.out = parser.value(QStringLiteral("out"));
        if (out.command == u"chart" && (out.metric.isEmpty() || out.out.isEmpty()))
            return QStringLiteral("chart needs --metric KEY and --out FILE");
        if (out.out.isEmpty()) return QStringLiteral("parallel needs --out FILE");
        for (const QString& key :
             parser.value(QStringLiteral("axes")).split(u',', Qt::SkipEmptyParts))
            out.axes << key.trimmed();
        out.colorBy = parser.value(QStringLiteral("color-by"));
        const QString suffix = QFileInfo(out.out).suffix().toLower();
        if (suffix != u"png" && suffix != u"svg" && suffix != u"csv")
            return QStringLiteral("--out must end in .png, .svg or .csv");
        if (parser.isSet(QStringLiteral("x"))) out.x = parser.value(QStringLiteral("x"));
        if (out.x != u"step" && out.x != u"wall" && out.x != u"relative")
            return QStringLiteral("--x is step, wall or relative");
        bool ok = true;
        if (parser.isSet(QStringLiteral("smoothing")))
            out.smoothing = parser.value(QStringLiteral("smoothing")).toDouble(&ok);
        if (!ok || out.smoothing < 0 || out.smoothing > 0.999)
            return QStringLiteral("--smoothing is a number from 0 to 0.999");
        out.logY = parser.isSet(QStringLiteral("log-y"));
        if (parser.isSet(QStringLiteral("size"))) {
            const QStringList wh = parser.value(QStringLiteral("size")).split(u'x');
            const int w = wh.value(0).toInt(), h = wh.value(1).toInt();
            if (wh.size() != 2 || w < 100 || h < 100 || w > 10000 || h > 10000)
                return QStringLiteral("--size is WxH, e.g. 1200x700");
            out.size = QSize(w, h);
        }
    }
    FilterSyntaxError syntax;
    if (!RunFilter::parse(out.filter, &syntax).isValid())
        return QStringLiteral("--filter: %1 at column %2\n  %3\n  %4^")
            .arg(syntax.message)
            .arg(syntax.column)
            .arg(out.filter, QString(syntax.column - 1, u' '));
    return {};
}

bool isCsvPath(const QString& path) {
    return QFileInfo(path).suffix().compare(u"csv", Qt::CaseInsensitive) == 0;
}

int writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0)
        return fail(kNothingRead, QStringLiteral("cannot write %1").arg(path));
    return kOk;
}

bool drawsPicture(const Arguments& args) {
    return (args.command == u"chart" || args.command == u"parallel") && !isCsvPath(args.out);
}

}  // namespace runlens
