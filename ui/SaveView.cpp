#include "SaveView.h"

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

namespace runlens {

bool saveView(const QString& path, QSize size, qreal scale, const QString& title,
              const QColor& background, const std::function<void(QPainter&)>& render,
              const std::function<QByteArray()>& csv) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"csv") {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(csv()) >= 0;
    }
    if (suffix == u"svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(title);
        svg.setDescription(QStringLiteral("RunLens ") + title);
        QPainter painter;
        if (!painter.begin(&svg)) return false;
        render(painter);
        return painter.end();
    }
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(background);
    {
        QPainter painter(&image);
        render(painter);
    }
    return image.save(path, "PNG");
}

}  // namespace runlens
