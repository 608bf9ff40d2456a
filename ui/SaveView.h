#pragma once

#include <QColor>
#include <QSize>
#include <QString>
#include <functional>

class QPainter;

namespace runlens {

// Saves a view by the suffix of `path`: .csv writes `csv()`, .svg draws `render` into an SVG
// (text stays text), anything else a PNG of `size` x `scale` on `background`.
bool saveView(const QString& path, QSize size, qreal scale, const QString& title,
              const QColor& background, const std::function<void(QPainter&)>& render,
              const std::function<QByteArray()>& csv);

}  // namespace runlens
