#include "AxisText.h"

#include <QCoreApplication>

namespace runlens {

namespace {
bool isBreak(QChar c) {
    return c == u'/' || c == u'.' || c == u'_' || c == u'-' || c == u' ';
}

QString kindName(ColumnRef::Kind kind) {
    switch (kind) {
        case ColumnRef::Kind::Metric:
            return QCoreApplication::translate("ParallelView", "metric");
        case ColumnRef::Kind::Param:
            return QCoreApplication::translate("ParallelView", "param");
        case ColumnRef::Kind::Tag:
            return QCoreApplication::translate("ParallelView", "tag");
        case ColumnRef::Kind::Attribute:
            break;
    }
    return QCoreApplication::translate("ParallelView", "attribute");
}
}  // namespace

QStringList wrapText(const QString& text, const QFontMetricsF& metrics, qreal width) {
    if (metrics.horizontalAdvance(text) <= width) return {text};
    qsizetype cut = -1;
    qreal narrowest = 1e9;
    for (qsizetype i = 1; i < text.size(); ++i) {
        if (!isBreak(text[i - 1])) continue;
        const qreal wider = std::max(metrics.horizontalAdvance(text.left(i)),
                                     metrics.horizontalAdvance(text.mid(i)));
        if (wider < narrowest) narrowest = wider, cut = i;
    }
    if (cut < 0) {
        // No separator: as many letters as the first line holds.
        cut = 1;
        while (cut + 1 < text.size() && metrics.horizontalAdvance(text.left(cut + 1)) <= width)
            ++cut;
    }
    return {metrics.elidedText(text.left(cut), Qt::ElideRight, width),
            metrics.elidedText(text.mid(cut), Qt::ElideRight, width)};
}

QString fitLabel(const QString& label, const QFontMetricsF& metrics, qreal width) {
    if (metrics.horizontalAdvance(label) <= width) return label;
    bool number = false;
    label.toDouble(&number);
    if (number || label.size() <= 3) return {};
    const QString elided = metrics.elidedText(label, Qt::ElideRight, width);
    return elided.size() >= 4 ? elided : QString();  // three characters and the ellipsis
}

AxisTitle axisTitle(const ParallelAxis& axis, const QFontMetricsF& titleMetrics,
                    const QFontMetricsF& kindMetrics, qreal width) {
    QString suffix;
    if (axis.scale() == ParallelAxis::Scale::Log) suffix += QStringLiteral(" (log)");
    if (axis.inverted()) suffix += QStringLiteral(" ↓");
    const QString name = axis.column().name;
    AxisTitle title{kindName(axis.column().kind), wrapText(name + suffix, titleMetrics, width)};
    const qsizetype space = std::max(name.lastIndexOf(u'/'), name.lastIndexOf(u'.'));
    if (title.lines.join(QString()) == name + suffix || space <= 0 || space + 1 >= name.size())
        return title;
    // "param · user_attrs", or the namespace alone where both do not fit (the tooltip says it).
    const QString both = title.kind + QStringLiteral(" · ") + name.left(space);
    title.kind = kindMetrics.horizontalAdvance(both) <= width
                     ? both
                     : kindMetrics.elidedText(name.left(space), Qt::ElideRight, width);
    title.lines = wrapText(name.mid(space + 1) + suffix, titleMetrics, width);
    return title;
}

}  // namespace runlens
