#include "RunDiff.h"

#include "NumberText.h"

#include <QDateTime>
#include <QSet>
#include <charconv>
#include <cmath>

namespace runlens {

namespace {

QString timeText(std::optional<qint64> ms) {
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms).toString(u"yyyy-MM-dd HH:mm:ss") : QString();
}

QString groupOf(const QString& key) {
    const qsizetype cut = std::max(key.lastIndexOf(u'/'), key.lastIndexOf(u'.'));
    return cut > 0 ? key.left(cut) : QString();
}

template <class Map, class Text>
void addSection(std::vector<RunDiffRow>& rows, const std::vector<const Run*>& runs,
                const QString& section, Map Run::*member, Text text) {
    QSet<QString> keySet;
    for (const Run* run : runs)
        for (auto it = (run->*member).keyBegin(); it != (run->*member).keyEnd(); ++it)
            keySet.insert(*it);
    QStringList keys(keySet.begin(), keySet.end());
    keys.sort();
    for (const QString& key : keys) {
        RunDiffRow row{section, key, groupOf(key), {}, false};
        for (const Run* run : runs) {
            const auto it = (run->*member).find(key);
            row.values << (it == (run->*member).end() ? QString() : text(*it));
        }
        row.differs = row.values.count(row.values.front()) != row.values.size();
        rows.push_back(std::move(row));
    }
}

}  // namespace

std::vector<RunDiffRow> diffRuns(const std::vector<const Run*>& runs) {
    std::vector<RunDiffRow> rows;
    if (runs.empty()) return rows;
    auto attribute = [&](const QString& key, auto text) {
        RunDiffRow row{QStringLiteral("Run"), key, {}, {}, false};
        for (const Run* run : runs)
            row.values << text(*run);
        row.differs = row.values.count(row.values.front()) != row.values.size();
        rows.push_back(std::move(row));
    };
    attribute(QStringLiteral("name"), [](const Run& r) { return r.name; });
    attribute(QStringLiteral("experiment"), [](const Run& r) { return r.experiment; });
    attribute(QStringLiteral("source"), [](const Run& r) { return r.sourceKind; });
    attribute(QStringLiteral("status"), [](const Run& r) { return statusName(r.status); });
    attribute(QStringLiteral("start"), [](const Run& r) { return timeText(r.startTimeMs); });
    attribute(QStringLiteral("end"), [](const Run& r) { return timeText(r.endTimeMs); });
    addSection(rows, runs, QStringLiteral("Params"), &Run::params,
               [](const ParamValue& p) { return p.text(); });
    addSection(rows, runs, QStringLiteral("Metrics"), &Run::metrics,
               [](const MetricSummary& m) { return numberText(m.last); });
    addSection(rows, runs, QStringLiteral("Tags"), &Run::tags, [](const QString& t) { return t; });
    return rows;
}

}  // namespace runlens
