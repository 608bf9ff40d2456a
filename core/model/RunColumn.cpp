#include "RunColumn.h"

#include <QHash>
#include <QSet>
#include <algorithm>

#include "NumberText.h"

namespace runlens {

namespace {
struct Prefix {
    const char16_t* text;
    ColumnRef::Kind kind;
};
constexpr Prefix kPrefixes[] = {{u"params.", ColumnRef::Kind::Param},
                                {u"metrics.", ColumnRef::Kind::Metric},
                                {u"tags.", ColumnRef::Kind::Tag},
                                {u"attributes.", ColumnRef::Kind::Attribute}};

bool plainKey(const QString& name) {
    if (name.isEmpty()) return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) {
        return c.isLetterOrNumber() || c == u'_' || c == u'.' || c == u'/' || c == u':';
    });
}
}  // namespace

ColumnRef ColumnRef::parse(const QString& key) {
    for (const Prefix& p : kPrefixes) {
        const QString prefix = QString::fromUtf16(p.text);
        if (key.startsWith(prefix)) return {p.kind, key.mid(prefix.size())};
    }
    return {Kind::Param, key};
}

QString ColumnRef::key() const {
    for (const Prefix& p : kPrefixes)
        if (p.kind == kind) return QString::fromUtf16(p.text) + name;
    return name;
}

QString ColumnRef::filterKey() const {
    const QString prefix = key().left(key().size() - name.size());
    if (plainKey(name)) return prefix + name;
    QString quoted = name;
    quoted.replace(u'`', QStringLiteral("``"));
    return prefix + u'`' + quoted + u'`';
}

const QStringList& viewAttributes() {
    static const QStringList attributes = {QStringLiteral("status"), QStringLiteral("experiment"),
                                           QStringLiteral("source"), QStringLiteral("start_time"),
                                           QStringLiteral("duration")};
    return attributes;
}

CellValue cellValue(const Run& run, const ColumnRef& column, MetricStat stat) {
    CellValue v;
    auto number = [&v](double n, QString text) {
        v.kind = CellValue::Kind::Number;
        v.number = n;
        v.text = text.isEmpty() ? numberText(n) : std::move(text);
    };
    auto text = [&v](QString t) {
        v.kind = CellValue::Kind::Text;
        v.text = std::move(t);
    };
    switch (column.kind) {
        case ColumnRef::Kind::Param:
            if (auto it = run.params.find(column.name); it != run.params.end()) {
                if (it->isNumeric())
                    number(it->toDouble(), it->text());
                else
                    text(it->text().isEmpty() && it->isNull() ? QStringLiteral("null")
                                                              : it->text());
            }
            break;
        case ColumnRef::Kind::Metric:
            if (auto it = run.metrics.find(column.name); it != run.metrics.end()) {
                if (stat == MetricStat::Last)
                    number(it->last, {});
                else if (it->hasStats)
                    number(stat == MetricStat::Min ? it->min : it->max, {});
            }
            break;
        case ColumnRef::Kind::Tag:
            if (auto it = run.tags.find(column.name); it != run.tags.end()) text(*it);
            break;
        case ColumnRef::Kind::Attribute:
            if (column.name == u"status") {
                text(statusName(run.status));
            } else if (column.name == u"experiment") {
                text(run.experiment);
            } else if (column.name == u"source") {
                text(run.sourceKind);
            } else if (column.name == u"start_time" && run.startTimeMs) {
                number(double(*run.startTimeMs), {});
            } else if (column.name == u"duration" && run.startTimeMs && run.endTimeMs) {
                number(double(*run.endTimeMs - *run.startTimeMs), {});
            }
            break;
    }
    return v;
}

std::vector<ColumnRef> parallelColumns(const std::vector<const Run*>& runs,
                                       const std::vector<ColumnRef>& chosen, QString* experiment,
                                       int* experimentRuns) {
    if (experiment) experiment->clear();
    if (experimentRuns) *experimentRuns = 0;
    if (!chosen.empty()) return chosen;
    const QString largest = largestExperiment(runs);
    std::vector<const Run*> study;
    for (const Run* run : runs)
        if (largest.isEmpty() || run->experiment == largest) study.push_back(run);
    if (experiment) *experiment = largest;
    if (experimentRuns) *experimentRuns = int(study.size());
    return defaultAxes(study);
}

std::vector<ColumnRef> allColumns(const std::vector<const Run*>& runs) {
    QSet<QString> params, metrics;
    for (const Run* run : runs) {
        for (auto it = run->params.keyBegin(); it != run->params.keyEnd(); ++it)
            params.insert(*it);
        for (auto it = run->metrics.keyBegin(); it != run->metrics.keyEnd(); ++it)
            metrics.insert(*it);
    }
    QStringList p(params.begin(), params.end()), m(metrics.begin(), metrics.end());
    p.sort();
    m.sort();
    std::vector<ColumnRef> out;
    for (const QString& k : p)
        out.push_back({ColumnRef::Kind::Param, k});
    for (const QString& k : m)
        out.push_back({ColumnRef::Kind::Metric, k});
    return out;
}

std::vector<ColumnRef> defaultAxes(const std::vector<const Run*>& runs, int limit) {
    // Params in the order of how many runs have them, those that differ only.
    QHash<QString, int> paramRuns, metricRuns;
    QHash<QString, QString> firstText;
    QSet<QString> differs;
    for (const Run* run : runs) {
        for (auto it = run->params.begin(); it != run->params.end(); ++it) {
            ++paramRuns[it.key()];
            auto first = firstText.find(it.key());
            if (first == firstText.end())
                firstText.insert(it.key(), it->text());
            else if (*first != it->text())
                differs.insert(it.key());
        }
        for (auto it = run->metrics.keyBegin(); it != run->metrics.keyEnd(); ++it)
            ++metricRuns[*it];
    }
    // A param some runs lack differs too (missing is a value of its own).
    for (auto it = paramRuns.begin(); it != paramRuns.end(); ++it)
        if (it.value() < int(runs.size())) differs.insert(it.key());

    auto byCoverage = [](const QHash<QString, int>& counts, const QSet<QString>* only) {
        QStringList keys;
        for (auto it = counts.begin(); it != counts.end(); ++it)
            if (!only || only->contains(it.key())) keys << it.key();
        std::sort(keys.begin(), keys.end(), [&counts](const QString& a, const QString& b) {
            const int ca = counts.value(a), cb = counts.value(b);
            return ca != cb ? ca > cb : a < b;
        });
        return keys;
    };
    QStringList params = byCoverage(paramRuns, &differs);
    const QStringList metrics = byCoverage(metricRuns, nullptr);
    const int metricCount =
        std::min<int>(int(metrics.size()), std::max(limit - int(params.size()), 3));
    const int paramCount = std::min<int>(int(params.size()), limit - metricCount);
    // Params keep their names' order among the chosen ones: related names stay together.
    params = params.mid(0, paramCount);
    params.sort();
    std::vector<ColumnRef> out;
    for (const QString& k : params)
        out.push_back({ColumnRef::Kind::Param, k});
    for (int i = 0; i < metricCount && int(out.size()) < limit; ++i)
        out.push_back({ColumnRef::Kind::Metric, metrics[i]});
    return out;
}

QString largestExperiment(const std::vector<const Run*>& runs) {
    struct Count {
        int withParams = 0, all = 0;
    };
    QHash<QString, Count> counts;
    for (const Run* run : runs) {
        Count& count = counts[run->experiment];
        ++count.all;
        count.withParams += run->params.isEmpty() ? 0 : 1;
    }
    if (counts.size() < 2) return {};
    QString best;
    Count most{-1, -1};
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        const Count& c = it.value();
        const bool better = c.withParams != most.withParams ? c.withParams > most.withParams
                            : c.all != most.all             ? c.all > most.all
                                                            : it.key() < best;
        if (better) best = it.key(), most = c;
    }
    return best;
}

}  // namespace runlens
