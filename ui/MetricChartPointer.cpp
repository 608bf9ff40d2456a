// MetricChart: what the pointer reads on a chart: the x under it, the crosshair, each run's
// value nearest it (the tooltip) and the curve nearest it (hover highlights that run).
#include <QDateTime>
#include <QGraphicsLineItem>
#include <algorithm>
#include <cmath>

#include "MetricChart.h"
#include "PlotItem.h"
#include "analysis/Decimation.h"
#include "model/NumberText.h"

namespace runlens {

double MetricChart::xAt(const QPoint& pos) const {
    const QRectF area = chart()->plotArea();
    return m_xMin + (pos.x() - area.left()) / area.width() * (m_xMax - m_xMin);
}

bool MetricChart::crosshairVisible() const {
    return m_crosshair->isVisible();
}

void MetricChart::showCrosshair(double x) {
    const QRectF area = chart()->plotArea();
    if (std::isnan(x) || x < m_xMin || x > m_xMax) {
        m_crosshair->hide();
        return;
    }
    const double px = area.left() + (x - m_xMin) / (m_xMax - m_xMin) * area.width();
    m_crosshair->setLine(px, area.top(), px, area.bottom());
    m_crosshair->show();
}

std::vector<MetricChart::Hit> MetricChart::hitsAt(double x) const {
    std::vector<Hit> hits;
    for (size_t k = 0; k < m_set->size(); ++k) {
        const Curve& c = curve(k);
        if (c.xs.empty() || !m_drawn[k].visible) continue;
        const auto it = std::lower_bound(c.xs.begin(), c.xs.end(), x);
        size_t i = size_t(it - c.xs.begin());
        if (i == c.xs.size() || (i > 0 && x - c.xs[i - 1] < c.xs[i] - x)) --i;
        hits.push_back({std::abs(c.xs[i] - x), k, i});
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.distance < b.distance; });
    return hits;
}

QString MetricChart::xText(double x) const {
    switch (m_xKind) {
        case XKind::WallTime:
            return QDateTime::fromMSecsSinceEpoch(qint64(x)).toString(u"yyyy-MM-dd HH:mm:ss");
        case XKind::RelativeTime:
            return durationText(x);
        default:
            return shortNumberText(x);
    }
}

QStringList MetricChart::valuesAt(double x) const {
    QStringList lines;
    for (const Hit& h : hitsAt(x)) {
        const Curve& c = curve(h.curve);
        lines << QStringLiteral("%1: %2 (at %3)")
                     .arg(m_set->names[qsizetype(h.curve)], shortNumberText(c.ys[h.point]),
                          xText(c.xs[h.point]));
    }
    return lines;
}

// TensorBoard's tooltip: each run's colour, name, smoothed and raw value, step and time, the
// run nearest the cursor first.
QString MetricChart::tooltipAt(double x) const {
    const std::vector<Hit> hits = hitsAt(x);
    if (hits.empty()) return {};
    bool smoothed = false, stepped = false, timed = false;
    for (const Hit& h : hits) {
        const Curve& c = curve(h.curve);
        smoothed = smoothed || !c.rawYs.empty();
        stepped = stepped || !c.steps.empty();
        timed = timed || !c.wallTimesMs.empty();
    }
    QString html = QStringLiteral(
                       "<table cellspacing=0 cellpadding=2><tr><th></th><th "
                       "align=left>%1</th>")
                       .arg(tr("Run"));
    if (smoothed) html += QStringLiteral("<th align=right>%1</th>").arg(tr("Smoothed"));
    html += QStringLiteral("<th align=right>%1</th>").arg(tr("Value"));
    if (stepped) html += QStringLiteral("<th align=right>%1</th>").arg(tr("Step"));
    if (timed) html += QStringLiteral("<th align=left>%1</th>").arg(tr("Time"));
    html += QStringLiteral("</tr>");
    constexpr size_t kRows = 12;
    for (size_t r = 0; r < hits.size() && r < kRows; ++r) {
        const Curve& c = curve(hits[r].curve);
        const size_t i = hits[r].point;
        html += QStringLiteral("<tr><td><span style='color:#%1'>&#9632;</span></td><td>%2</td>")
                    .arg(c.colour & 0xffffff, 6, 16, QLatin1Char('0'))
                    .arg(m_set->fullNames[qsizetype(hits[r].curve)].toHtmlEscaped());
        const double raw = c.rawYs.empty() ? c.ys[i] : c.rawYs[i];
        if (smoothed)
            html += QStringLiteral("<td align=right>%1</td>").arg(shortNumberText(c.ys[i]));
        html += QStringLiteral("<td align=right>%1</td>").arg(shortNumberText(raw));
        if (stepped)
            html += QStringLiteral("<td align=right>%1</td>")
                        .arg(i < c.steps.size() ? stepText(c.steps[i]) : QString());
        if (timed) {
            QString when;
            if (i < c.wallTimesMs.size() && !c.wallTimesMs.empty())
                when = QDateTime::fromMSecsSinceEpoch(qint64(c.wallTimesMs[i]))
                           .toString(u"yyyy-MM-dd HH:mm:ss") +
                       QStringLiteral(" (%1)").arg(
                           durationText((c.wallTimesMs[i] - c.wallTimesMs.front()) / 1000.0));
            html += QStringLiteral("<td>%1</td>").arg(when);
        }
        html += QStringLiteral("</tr>");
    }
    if (hits.size() > kRows)
        html += QStringLiteral("<tr><td></td><td colspan=5>%1</td></tr>")
                    .arg(tr("… %1 more runs").arg(hits.size() - kRows));
    return html + QStringLiteral("</table>");
}

RunId MetricChart::curveNear(const QPoint& pos, double maxPixels) const {
    const QRectF area = chart()->plotArea();
    if (!area.contains(pos) || m_yMax <= m_yMin) return {};
    const double x = xAt(pos);
    auto toPixelY = [&](double y) -> double {
        if (logY()) {
            if (y <= 0) return INFINITY;
            return area.bottom() - (std::log10(y) - std::log10(m_yMin)) /
                                       (std::log10(m_yMax) - std::log10(m_yMin)) * area.height();
        }
        return area.bottom() - (y - m_yMin) / (m_yMax - m_yMin) * area.height();
    };
    RunId best;
    double bestDistance = maxPixels;
    for (size_t k = 0; k < m_set->size(); ++k) {
        const Curve& c = curve(k);
        if (c.xs.empty() || !m_drawn[k].visible) continue;
        const auto it = std::lower_bound(c.xs.begin(), c.xs.end(), x);
        if (it == c.xs.end() || it == c.xs.begin()) continue;
        const size_t i = size_t(it - c.xs.begin());
        // Linear between the two points around x, as the line is drawn.
        const double t = (x - c.xs[i - 1]) / (c.xs[i] - c.xs[i - 1]);
        const double y = c.ys[i - 1] + t * (c.ys[i] - c.ys[i - 1]);
        const double distance = std::abs(toPixelY(y) - pos.y());
        if (distance < bestDistance) bestDistance = distance, best = c.run;
    }
    return best;
}

}  // namespace runlens
