#include "NeptuneAttributes.h"

#include <algorithm>

#include "KeptHistories.h"

namespace runlens {

namespace {

QString pathText(std::string_view path) {
    return QString::fromUtf8(path.data(), qsizetype(path.size()));
}

}  // namespace

bool NeptuneAttributes::isSystemPath(QStringView path) {
    for (const char* prefix : {"sys/", "monitoring/", "runtime/", "source_code/"})
        if (path.startsWith(QLatin1String(prefix))) return true;
    return false;
}

bool NeptuneAttributes::isMonitoringPath(QStringView path) {
    return path.startsWith(u"monitoring/") || path.startsWith(u"runtime/");
}

void NeptuneAttributes::assign(std::string_view path, ParamValue value) {
    m_atoms.insert(pathText(path), std::move(value));
}

NeptuneAttributes::Series& NeptuneAttributes::series(std::string_view path, bool text) {
    const auto it = m_seriesIndex.find(path);
    if (it != m_seriesIndex.end()) return m_series[it->second];
    m_seriesIndex.emplace(std::string(path), m_series.size());
    Series& s = m_series.emplace_back();
    s.key = pathText(path);
    if (!m_keyIndex.contains(s.key)) m_keyIndex.insert(s.key, m_series.size() - 1);
    s.text = text;
    return s;
}

std::optional<NeptuneAttributes::Place> NeptuneAttributes::place(Series& s,
                                                                 std::optional<double> step,
                                                                 bool preview) {
    const size_t count = s.text ? size_t(s.texts) : s.points.size();
    const double at = step ? *step : (count == 0 ? 0 : s.lastStep + 1);
    // NaN steps compare false both ways: refused, as the server refuses them.
    if (!(at == at) || (count > 0 && !s.previews && !(at > s.lastStep)) ||
        (s.hasFinal && !(at > s.lastFinalStep))) {
        ++s.refused;
        return std::nullopt;
    }
    if (s.text || (s.previews == 0 && !preview)) {
        s.lastStep = at;
        if (!preview) s.lastFinalStep = at, s.hasFinal = true;
        return Place{count, at};
    }
    // Previews after the last final point, in step order: one at `at` is replaced.
    MetricSeries& p = s.points;
    const size_t tail = p.size() - s.previews;
    const auto begin = p.steps.begin() + qsizetype(tail);
    size_t i = size_t(std::lower_bound(begin, p.steps.end(), at) - p.steps.begin());
    if (i < p.size() && p.steps[i] == at) {
        p.steps.erase(p.steps.begin() + qsizetype(i));
        p.values.erase(p.values.begin() + qsizetype(i));
        p.wallTimesMs.erase(p.wallTimesMs.begin() + qsizetype(i));
        --s.previews;
    }
    if (preview) {
        ++s.previews;
    } else {
        // Previews before this final point stay as they are; those after it stay previews.
        s.previews = p.size() - i;
        s.lastFinalStep = at;
        s.hasFinal = true;
    }
    s.lastStep = std::max(at, p.empty() ? at : p.steps.back());
    return Place{i, at};
}

void NeptuneAttributes::noteWallTime(double ms) {
    if (!(ms > 0)) return;
    if (m_firstWallMs == 0 || ms < m_firstWallMs) m_firstWallMs = ms;
    if (ms > m_lastWallMs) m_lastWallMs = ms;
}

void NeptuneAttributes::appendFloat(std::string_view path, std::optional<double> step, double value,
                                    double wallTimeMs, bool preview) {
    unstow();
    Series& s = series(path, false);
    if (s.text) return;  // a string series at this path: not a float one
    const std::optional<Place> at = place(s, step, preview);
    if (!at) return;
    MetricSeries& p = s.points;
    if (at->index == p.size()) {
        p.append(at->step, value, wallTimeMs);
    } else {
        const qsizetype i = qsizetype(at->index);
        p.steps.insert(p.steps.begin() + i, at->step);
        p.values.insert(p.values.begin() + i, value);
        p.wallTimesMs.insert(p.wallTimesMs.begin() + i, wallTimeMs);
    }
    noteWallTime(wallTimeMs);
}

void NeptuneAttributes::appendString(std::string_view path, std::optional<double> step,
                                     QString text, double wallTimeMs) {
    Series& s = series(path, true);
    if (!s.text || !place(s, step, false)) return;
    s.lastText = std::move(text);
    ++s.texts;
    noteWallTime(wallTimeMs);
}

void NeptuneAttributes::clearSeries(std::string_view path) {
    unstow();
    const auto it = m_seriesIndex.find(path);
    if (it == m_seriesIndex.end()) return;
    Series& s = m_series[it->second];
    s.points = {};
    s.lastText.clear();
    s.texts = 0;
    s.lastStep = s.lastFinalStep = 0;
    s.hasFinal = false;
    s.previews = 0;
}

void NeptuneAttributes::stow(KeptHistories& store, const QString& run) {
    // Still stowed there: what changed since (atoms, sets, text series) was not a point.
    if (m_store == &store && m_storedRun == run) return;
    unstow();
    KeptHistories::Histories points;
    for (size_t i = 0; i < m_series.size(); ++i) {
        Series& s = m_series[i];
        if (s.text || s.points.empty() || m_keyIndex.value(s.key) != i) continue;
        MetricSummary summary;
        for (size_t j = 0; j < s.points.size(); ++j)
            summary.add(s.points.steps[j], s.points.values[j], s.points.wallTimesMs[j]);
        s.stowed = summary;
        points[s.key] = std::exchange(s.points, MetricSeries{});
    }
    store.put(run, std::move(points));
    m_store = &store;
    m_storedRun = run;
}

void NeptuneAttributes::unstow() {
    if (!m_store) return;
    std::optional<KeptHistories::Histories> points = m_store->take(m_storedRun);
    m_store = nullptr;
    for (Series& s : m_series) {
        if (!s.stowed) continue;
        auto kept = points ? points->find(s.key) : KeptHistories::Histories::iterator();
        if (points && kept != points->end() && qint64(kept->second.size()) == s.stowed->count)
            s.points = std::move(kept->second);
        else
            m_lostPoints = true;
        s.stowed.reset();
    }
}

void NeptuneAttributes::addToSet(std::string_view path, const QStringList& values) {
    QSet<QString>& set = m_sets[pathText(path)];
    for (const QString& v : values)
        set.insert(v);
}

void NeptuneAttributes::removeFromSet(std::string_view path, const QStringList& values) {
    QSet<QString>& set = m_sets[pathText(path)];
    for (const QString& v : values)
        set.remove(v);
}

void NeptuneAttributes::clearSet(std::string_view path) {
    m_sets[pathText(path)].clear();
}

void NeptuneAttributes::remove(std::string_view path) {
    const QString key = pathText(path);
    m_atoms.remove(key);
    m_sets.remove(key);
    for (auto it = m_skipped.begin(); it != m_skipped.end(); ++it)
        it->remove(key);
    clearSeries(path);
}

void NeptuneAttributes::skip(const QString& kind, std::string_view path) {
    m_skipped[kind].insert(pathText(path));
}

bool NeptuneAttributes::copyAtom(std::string_view from, std::string_view to) {
    const auto it = m_atoms.constFind(pathText(from));
    if (it == m_atoms.constEnd()) return false;
    m_atoms.insert(pathText(to), *it);
    return true;
}

std::optional<ParamValue> NeptuneAttributes::atom(const QString& path) const {
    const auto it = m_atoms.constFind(path);
    return it == m_atoms.constEnd() ? std::nullopt : std::optional<ParamValue>(*it);
}

const MetricSeries* NeptuneAttributes::floatSeries(const QString& path) const {
    const auto it = m_keyIndex.constFind(path);
    if (it == m_keyIndex.constEnd() || m_series[*it].text) return nullptr;
    return &m_series[*it].points;
}

void NeptuneAttributes::fillRun(Run& run) const {
    for (auto it = m_atoms.begin(); it != m_atoms.end(); ++it) {
        if (isSystemPath(it.key()))
            run.tags.insert(it.key(), it->text());
        else
            run.params.insert(it.key(), *it);
    }
    for (auto it = m_sets.begin(); it != m_sets.end(); ++it) {
        QStringList items(it->begin(), it->end());
        items.sort();  // a set: its order means nothing
        const QString text = items.join(QStringLiteral(", "));
        if (isSystemPath(it.key()))
            run.tags.insert(it.key(), text);
        else
            run.params.insert(it.key(), ParamValue::fromString(text));
    }
    for (size_t i = 0; i < m_series.size(); ++i) {
        const Series& s = m_series[i];
        if (m_keyIndex.value(s.key) != i) continue;  // shown under the same key as another
        if (s.text) {
            if (s.texts > 0) run.tags.insert(s.key, s.lastText);
            continue;
        }
        if (s.points.empty() && !s.stowed) continue;
        MetricSummary summary;
        if (s.stowed) summary = *s.stowed;
        for (size_t i = 0; i < s.points.size(); ++i)
            summary.add(s.points.steps[i], s.points.values[i], s.points.wallTimesMs[i]);
        summary.systemMetric = isMonitoringPath(s.key);
        run.metrics.insert(s.key, summary);
    }
}

QString skippedProblem(int count, const QString& noun, const QString& why, const QString& where) {
    return QStringLiteral("%1 %2%3 %4 (%5) %6 skipped; the others were replayed")
        .arg(count)
        .arg(noun, count == 1 ? QString() : QStringLiteral("s"), why, where,
             count == 1 ? QStringLiteral("was") : QStringLiteral("were"));
}

QString NeptuneAttributes::refusedProblem() const {
    qint64 refused = 0;
    QStringList keys;
    for (const Series& s : m_series) {
        if (s.refused == 0) continue;
        refused += s.refused;
        keys << s.key;
    }
    if (refused == 0) return {};
    keys.sort();
    if (keys.size() > 3) keys = keys.mid(0, 3) << QStringLiteral("...");
    return QStringLiteral(
               "%1 logged points at a step not past the one before were left out, as Neptune's "
               "server refuses them (%2)")
        .arg(refused)
        .arg(keys.join(QStringLiteral(", ")));
}

}  // namespace runlens
