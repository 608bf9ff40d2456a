#include "Palette.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace runlens {

namespace {

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1f, 0x21, 0x24), text(0xe8, 0xea, 0xed),
        mid(0x5f, 0x63, 0x68);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Mid, mid);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0xa0, 0xa6));
    p.setColor(QPalette::Disabled, QPalette::Text, mid);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, mid);
    return p;
}

// A new style object re-polishes every widget, and combo boxes sized to their items when first
// shown (the charts' x axis) size again to every item they hold now: the toolbars widened and
// pushed the window past the screen. So the style is set only when it is not Fusion already.
void useFusion() {
    if (QApplication::style()->name().compare(u"fusion", Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
}

}  // namespace

void applyPalette(const QString& name) {
    QSettings().setValue(QStringLiteral("palette"), name);
    static const QPalette system = QApplication::palette();
    if (name == u"dark") {
        useFusion();
        QApplication::setPalette(darkPalette());
    } else if (name == u"light") {
        useFusion();
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setPalette(system);
    }
}

QString currentPaletteName() {
    return QSettings().value(QStringLiteral("palette"), QStringLiteral("system")).toString();
}

namespace {
const auto kRunColoursKey = QStringLiteral("runColours");
const auto kChosen = QStringLiteral(" chosen");

// What was last read or written: a project switch that changed no colour writes none.
ColourMemory& lastSaved() {
    static ColourMemory saved;
    return saved;
}
}  // namespace

// Stored as key -> "#rrggbb", or "#rrggbb chosen" for the user's own choices.
ColourMemory loadRunColours() {
    ColourMemory memory;
    const QVariantMap stored = QSettings().value(kRunColoursKey).toMap();
    for (auto it = stored.begin(); it != stored.end(); ++it) {
        const QString text = it.value().toString();
        const QColor colour(text.section(u' ', 0, 0));
        if (colour.isValid())
            memory.insert(it.key(), {colour.rgb() & 0xffffffu, text.endsWith(kChosen)});
    }
    lastSaved() = memory;
    return memory;
}

void saveRunColours(const ColourMemory& memory) {
    if (memory == lastSaved()) return;
    QVariantMap stored;
    for (auto it = memory.begin(); it != memory.end(); ++it)
        stored.insert(it.key(), QColor(QRgb(it->rgb)).name() + (it->chosen ? kChosen : QString()));
    QSettings().setValue(kRunColoursKey, stored);
    lastSaved() = memory;
}

}  // namespace runlens
