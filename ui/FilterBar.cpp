#include "FilterBar.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QPushButton>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

namespace runlens {

namespace {

// A one-line label that elides what does not fit, with the whole text in its tooltip.
class ElidedLabel : public QLabel {
public:
    using QLabel::QLabel;
    void setFullText(const QString& text) {
        m_full = text;
        setToolTip(text);
        update();
    }
    const QString& fullText() const { return m_full; }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter painter(this);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(rect(), Qt::AlignVCenter | Qt::AlignLeft,
                         fontMetrics().elidedText(m_full, Qt::ElideRight, width()));
    }
    QSize sizeHint() const override {
        return {fontMetrics().horizontalAdvance(m_full) + 4, fontMetrics().height() + 4};
    }

private:
    QString m_full;
};

// The word under the cursor: what completion replaces.
qsizetype wordStart(const QString& text, qsizetype cursor) {
    qsizetype i = cursor;
    while (i > 0 && !text[i - 1].isSpace() && text[i - 1] != u'(' && text[i - 1] != u',')
        --i;
    return i;
}

}  // namespace

FilterBar::FilterBar(QWidget* parent) : QWidget(parent) {
    m_edit = new QLineEdit(this);
    m_edit->setPlaceholderText(
        tr("Filter runs: metrics.val_acc > 0.9 and params.optimizer = 'adam'   (Ctrl+F)"));
    m_edit->setClearButtonEnabled(true);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    m_note = new QLabel(this);
    m_note->setToolTip(
        tr("A key without params., metrics. or tags. reads a run's metric of that name, else "
           "its param, else its tag."));
    m_note->hide();
    m_count = new QLabel(this);
    // The brushes sit on the same line, so the views below never move while one is dragged.
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_edit, 3);
    layout->addWidget(m_error);
    layout->addWidget(m_note);
    m_brushRow = new QWidget(this);
    auto* brushLayout = new QHBoxLayout(m_brushRow);
    brushLayout->setContentsMargins(0, 0, 0, 0);
    m_brush = new ElidedLabel(m_brushRow);
    m_brush->setMinimumWidth(80);
    m_brush->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* use = new QPushButton(tr("Use as Filter"), m_brushRow);
    use->setToolTip(tr("Add the brushes to the filter and clear them"));
    auto* clear = new QPushButton(tr("Clear Brushes"), m_brushRow);
    brushLayout->addWidget(m_brush, 1);
    brushLayout->addWidget(use);
    brushLayout->addWidget(clear);
    layout->addWidget(m_brushRow, 2);
    layout->addWidget(m_count);
    m_brushRow->hide();
    connect(use, &QPushButton::clicked, this, &FilterBar::useBrushesAsFilterRequested);
    connect(clear, &QPushButton::clicked, this, &FilterBar::clearBrushesRequested);

    m_keys = new QStringListModel(this);
    m_completer = new QCompleter(m_keys, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setWidget(m_edit);
    connect(m_completer, QOverload<const QString&>::of(&QCompleter::activated), this,
            [this](const QString& key) {
                const QString text = m_edit->text();
                const qsizetype cursor = m_edit->cursorPosition();
                const qsizetype start = wordStart(text, cursor);
                m_edit->setText(text.left(start) + key + text.mid(cursor));
                m_edit->setCursorPosition(int(start + key.size()));
            });
    connect(m_edit, &QLineEdit::textEdited, this, [this](const QString& text) {
        const qsizetype cursor = m_edit->cursorPosition();
        const QString word = text.mid(wordStart(text, cursor), cursor - wordStart(text, cursor));
        if (word.size() < 2) {
            m_completer->popup()->hide();
            return;
        }
        m_completer->setCompletionPrefix(word);
        if (m_completer->completionCount() > 0)
            m_completer->complete();
        else
            m_completer->popup()->hide();
    });

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &FilterBar::apply);
    connect(m_edit, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_edit, &QLineEdit::returnPressed, this, &FilterBar::apply);
}

void FilterBar::setKeys(const QStringList& keys) {
    m_keys->setStringList(keys);
}

void FilterBar::setText(const QString& text) {
    m_edit->setText(text);
    apply();
}

void FilterBar::apply() {
    m_debounce->stop();
    FilterSyntaxError error;
    const RunFilter filter = RunFilter::parse(m_edit->text(), &error);
    if (!filter.isValid()) {
        // Keep showing the last good result; say what is wrong and where.
        m_error->setText(tr("column %1: %2").arg(error.column).arg(error.message));
        m_error->show();
        m_edit->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #c62828; }"));
        return;
    }
    m_error->hide();
    m_error->clear();
    m_edit->setStyleSheet({});
    explainBareKeys(filter);
    emit filterChanged(filter);
}

void FilterBar::explainBareKeys(const RunFilter& filter) {
    const QStringList keys = m_keys->stringList();
    QStringList notes;
    for (const QString& key : filter.bareKeys()) {
        QStringList columns;  // in the order a bare key tries them
        for (const char* prefix : {"metrics.", "params.", "tags."})
            if (keys.contains(QLatin1String(prefix) + key)) columns << QLatin1String(prefix) + key;
        if (columns.size() < 2) continue;
        const QString taken = columns.takeFirst();
        notes << tr("“%1” reads %2; write %3 for the other")
                     .arg(key, taken, columns.join(tr(" or ")));
    }
    m_note->setText(notes.join(QStringLiteral(" · ")));
    m_note->setVisible(!notes.isEmpty());
}

QString FilterBar::noteText() const {
    return m_note->isVisibleTo(this) ? m_note->text() : QString();
}

void FilterBar::setCount(int shown, int total) {
    const QLocale locale;
    m_count->setText(shown == total
                         ? tr("%1 runs").arg(locale.toString(total))
                         : tr("%1 of %2 runs").arg(locale.toString(shown), locale.toString(total)));
}

QString FilterBar::errorText() const {
    return m_error->text();
}
QString FilterBar::countText() const {
    return m_count->text();
}

void FilterBar::setBrushExpression(const QString& expression) {
    static_cast<ElidedLabel*>(m_brush)->setFullText(
        expression.isEmpty() ? QString() : tr("Brushed: %1").arg(expression));
    m_brushRow->setVisible(!expression.isEmpty());
}

QString FilterBar::brushText() const {
    return m_brushRow->isVisible() ? static_cast<ElidedLabel*>(m_brush)->fullText() : QString();
}

}  // namespace runlens
