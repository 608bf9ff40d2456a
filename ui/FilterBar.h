#pragma once

#include <QWidget>

#include "query/RunFilter.h"

class QLabel;
class QLineEdit;
class QTimer;
class QCompleter;
class QStringListModel;

namespace runlens {

// The filter line above the run table: the filter language with key completion, a syntax
// error shown with its column, and the count ("312 of 10,000 runs").
class FilterBar : public QWidget {
    Q_OBJECT
public:
    explicit FilterBar(QWidget* parent = nullptr);

    void setCount(int shown, int total);
    // Keys offered while typing: "metrics.val/acc", "params.lr", ...
    void setKeys(const QStringList& keys);
    QLineEdit* lineEdit() const { return m_edit; }
    void setText(const QString& text);  // and apply it at once
    QString errorText() const;
    // Which column a bare key took where several kinds share its name ("lr" reads
    // metrics.lr; write params.lr for the other); empty when nothing is ambiguous.
    QString noteText() const;
    QString countText() const;
    // The brushes of the parallel coordinates as a filter expression, shown under the filter
    // line with buttons to make it the filter or to clear it; empty hides the row.
    void setBrushExpression(const QString& expression);
    QString brushText() const;

signals:
    void filterChanged(const RunFilter& filter);
    void clearBrushesRequested();
    void useBrushesAsFilterRequested();

private:
    void apply();
    void explainBareKeys(const RunFilter& filter);

    QLineEdit* m_edit;
    QLabel* m_error;
    QLabel* m_note;
    QLabel* m_count;
    QWidget* m_brushRow;
    QLabel* m_brush;
    QTimer* m_debounce;
    QCompleter* m_completer;
    QStringListModel* m_keys;
};

}  // namespace runlens
