#include "NoRunsPage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "project/Detector.h"

namespace runlens {

NoRunsPage::NoRunsPage(QWidget* parent) : QWidget(parent) {
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    QString formats = tr("RunLens looks for:") + QStringLiteral("<ul style=\"margin-top:4px\">");
    for (const QString& format : knownFormats())
        formats += QStringLiteral("<li>") + format.toHtmlEscaped() + QStringLiteral("</li>");
    auto* list = new QLabel(formats + QStringLiteral("</ul>"), this);
    list->setWordWrap(true);
    auto* open = new QPushButton(tr("Open Another Folder…"), this);
    auto* again = new QPushButton(tr("Look Again"), this);
    again->setToolTip(tr("Read the folder again (F5)"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(again);
    buttons->addStretch(1);
    auto* column = new QVBoxLayout;
    column->addWidget(m_title);
    column->addWidget(m_problems);
    column->addWidget(list);
    column->addLayout(buttons);
    auto* centre = new QHBoxLayout;
    centre->addStretch(1);
    centre->addLayout(column, 4);
    centre->addStretch(1);
    auto* outer = new QVBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(centre);
    outer->addStretch(2);
    connect(open, &QPushButton::clicked, this, &NoRunsPage::openFolder);
    connect(again, &QPushButton::clicked, this, &NoRunsPage::lookAgain);
}

void NoRunsPage::setProject(const QString& path, int problems) {
    m_title->setText(QStringLiteral("<h2>%1</h2><p>%2</p>")
                         .arg(tr("No runs found"), tr("in %1").arg(path.toHtmlEscaped())));
    m_problems->setText(problems == 0 ? QString()
                        : problems == 1
                            ? tr("One file could not be read: see Problems below.")
                            : tr("%1 files could not be read: see Problems below.").arg(problems));
    m_problems->setVisible(problems > 0);
    m_text =
        tr("No runs found in %1 — RunLens looks for: %2.").arg(path, knownFormats().join(u"; "));
    if (problems > 0) m_text += u' ' + m_problems->text();
}

QString NoRunsPage::text() const {
    return m_text;
}

}  // namespace runlens
