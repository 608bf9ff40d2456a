#include "ParallelPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace runlens {

namespace {
QString columnLabel(const ColumnRef& column) {
    return column.key();
}

std::vector<ColumnRef> columnsWithAttributes(const std::vector<const Run*>& runs) {
    std::vector<ColumnRef> out = allColumns(runs);
    for (const QString& a : viewAttributes())
        out.push_back({ColumnRef::Kind::Attribute, a});
    return out;
}
}  // namespace

AxesDialog::AxesDialog(const std::vector<ColumnRef>& available,
                       const std::vector<ColumnRef>& chosen, QWidget* parent)
    : QDialog(parent), m_initial(chosen) {
    setWindowTitle(tr("Axes"));
    resize(420, 520);
    auto* layout = new QVBoxLayout(this);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search params, metrics and attributes"));
    m_search->setClearButtonEnabled(true);
    m_list = new QListWidget(this);
    // Chosen axes first, in their order; then the rest.
    auto add = [this](const ColumnRef& column, bool checked) {
        auto* item = new QListWidgetItem(columnLabel(column), m_list);
        item->setData(Qt::UserRole, column.key());
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    };
    for (const ColumnRef& c : chosen)
        add(c, true);
    for (const ColumnRef& c : available)
        if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) add(c, false);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        for (int i = 0; i < m_list->count(); ++i)
            m_list->item(i)->setHidden(
                !m_list->item(i)->text().contains(text, Qt::CaseInsensitive));
    });
}

std::vector<ColumnRef> AxesDialog::chosen() const {
    std::vector<ColumnRef> out;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->checkState() == Qt::Checked)
            out.push_back(ColumnRef::parse(m_list->item(i)->data(Qt::UserRole).toString()));
    return out;
}

ParallelPanel::ParallelPanel(const Catalog* catalog, RunSelection* selection, QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_selection(selection) {
    m_parallel = new ParallelView(catalog, selection, this);
    m_scatter = new ScatterView(catalog, selection, &m_parallel->colouring(), this);

    auto* axes = new QPushButton(tr("Axes…"), this);
    axes->setToolTip(tr("Choose and order the axes"));
    m_colourBox = new QComboBox(this);
    m_colourBox->setToolTip(tr("Colour lines and dots by their run colour or by a column"));
    m_colourBox->setMinimumContentsLength(16);
    m_colourBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_colourLog = new QCheckBox(tr("Log"), this);
    m_colourLog->setToolTip(tr("Colour on a log scale"));
    auto* clear = new QPushButton(tr("Clear Brushes"), this);
    clear->setToolTip(tr("Remove every brushed range (drag on an axis to brush)"));
    auto* exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(
        tr("Save the parallel coordinates or the scatter as PNG, SVG or CSV (Ctrl+E)"));
    // The charts' Export button has the same shortcut; only the visible tab's answers.
    exportButton->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
    m_xBox = new QComboBox(this);
    m_yBox = new QComboBox(this);
    for (QComboBox* box : {m_xBox, m_yBox}) {
        box->setMinimumContentsLength(12);
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    }
    m_xBox->setToolTip(tr("Scatter: the column across"));
    m_yBox->setToolTip(tr("Scatter: the column up"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(axes);
    bar->addWidget(new QLabel(tr("Colour by"), this));
    bar->addWidget(m_colourBox);
    bar->addWidget(m_colourLog);
    bar->addWidget(clear);
    bar->addStretch(1);
    bar->addWidget(new QLabel(tr("Scatter x"), this));
    bar->addWidget(m_xBox);
    bar->addWidget(new QLabel(tr("y"), this));
    bar->addWidget(m_yBox);
    bar->addWidget(exportButton);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_parallel);
    splitter->addWidget(m_scatter);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(axes, &QPushButton::clicked, this, &ParallelPanel::chooseAxes);
    connect(clear, &QPushButton::clicked, m_parallel, &ParallelView::clearBrushes);
    connect(m_colourBox, &QComboBox::activated, this, [this](int i) {
        setColourBy(m_colourBox->itemData(i).toString(), m_colourLog->isChecked());
    });
    connect(m_colourLog, &QCheckBox::toggled, this,
            [this](bool on) { setColourBy(m_colourBox->currentData().toString(), on); });
    auto scatterColumns = [this] {
        m_scatter->setColumns(m_xBox->currentData().toString(), m_yBox->currentData().toString());
    };
    connect(m_xBox, &QComboBox::activated, this, scatterColumns);
    connect(m_yBox, &QComboBox::activated, this, scatterColumns);
    connect(exportButton, &QPushButton::clicked, this, [this, exportButton] {
        QMenu menu;
        auto save = [this](QWidget* view, const QString& name, auto saver) {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export"), name + QStringLiteral(".png"),
                tr("PNG image, 2x (*.png);;SVG drawing (*.svg);;CSV of the shown runs (*.csv)"));
            if (!path.isEmpty()) saver(path, view->size());
        };
        menu.addAction(tr("Parallel Coordinates…"), this, [this, save] {
            save(m_parallel, QStringLiteral("parallel"),
                 [this](const QString& p, QSize s) { m_parallel->saveAs(p, s, 2); });
        });
        menu.addAction(tr("Scatter…"), this, [this, save] {
            save(m_scatter, QStringLiteral("scatter"),
                 [this](const QString& p, QSize s) { m_scatter->saveAs(p, s, 2); });
        });
        menu.exec(exportButton->mapToGlobal(QPoint(0, exportButton->height())));
    });
    connect(m_parallel, &ParallelView::columnsChanged, this, &ParallelPanel::runsChanged);
    connect(m_parallel, &ParallelView::coloursChanged, m_scatter, &ScatterView::refreshColours);
    connect(catalog, &Catalog::reset, this, &ParallelPanel::runsChanged);
    connect(catalog, &Catalog::runsAppended, this, &ParallelPanel::runsChanged);
    // After the parallel view (connected first) has taken the filter.
    connect(selection, &RunSelection::filterChanged, this, &ParallelPanel::runsChanged);
    runsChanged();
}

void ParallelPanel::setColourBy(const QString& key, bool log) {
    m_parallel->setColouring(key, log);
    const int i = m_colourBox->findData(key);
    if (i >= 0 && m_colourBox->currentIndex() != i) m_colourBox->setCurrentIndex(i);
    if (m_colourLog->isChecked() != log) m_colourLog->setChecked(log);
}

void ParallelPanel::chooseAxes() {
    AxesDialog dialog(columnsWithAttributes(m_parallel->shownRuns()), m_parallel->columns(), this);
    if (dialog.exec() == QDialog::Accepted) m_parallel->setColumns(dialog.chosen());
}

// The scatter shows the same runs; its default axes are the first param and the first metric
// of the parallel coordinates.
void ParallelPanel::runsChanged() {
    if (!isVisible() && window()->isVisible()) {  // a hidden tab: when shown (ParallelView)
        m_stale = true;
        m_scatter->setRuns({});
        return;
    }
    m_stale = false;
    fillColumnChoices();
    m_scatter->setRuns(m_parallel->shownRuns());
    if (m_xBox->currentIndex() < 0 || m_yBox->currentIndex() < 0 ||
        m_scatter->xKey() != m_xBox->currentData().toString()) {
        const std::vector<ColumnRef> axes = m_parallel->columns();
        QString x, y;
        for (const ColumnRef& c : axes) {
            if (x.isEmpty() && c.kind != ColumnRef::Kind::Metric) x = c.key();
            if (c.kind == ColumnRef::Kind::Metric) y = c.key();
        }
        if (x.isEmpty() && !axes.empty()) x = axes.front().key();
        if (y.isEmpty() && !axes.empty()) y = axes.back().key();
        if (m_xBox->currentIndex() >= 0) x = m_xBox->currentData().toString();
        if (m_yBox->currentIndex() >= 0) y = m_yBox->currentData().toString();
        m_xBox->setCurrentIndex(m_xBox->findData(x));
        m_yBox->setCurrentIndex(m_yBox->findData(y));
        m_scatter->setColumns(x, y);
    }
}

// After the parallel view (a child, shown first) has gathered its runs.
void ParallelPanel::showEvent(QShowEvent* event) {
    if (m_stale) runsChanged();
    QWidget::showEvent(event);
}

void ParallelPanel::fillColumnChoices() {
    const std::vector<ColumnRef> columns = columnsWithAttributes(m_parallel->shownRuns());
    const QString colour = m_parallel->colouring().key();  // also set from an axis menu
    const QString x = m_xBox->currentData().toString(), y = m_yBox->currentData().toString();
    m_colourBox->clear();
    m_colourBox->addItem(tr("Run colour"), QString());
    for (QComboBox* box : {m_xBox, m_yBox})
        box->clear();
    for (const ColumnRef& c : columns) {
        m_colourBox->addItem(columnLabel(c), c.key());
        m_xBox->addItem(columnLabel(c), c.key());
        m_yBox->addItem(columnLabel(c), c.key());
    }
    const int colourIndex = m_colourBox->findData(colour);
    m_colourBox->setCurrentIndex(std::max(0, colourIndex));
    // A column these runs do not have (another project's): back to run colours.
    if (colourIndex < 0 && !colour.isEmpty()) setColourBy({}, false);
    m_xBox->setCurrentIndex(m_xBox->findData(x));
    m_yBox->setCurrentIndex(m_yBox->findData(y));
}

}  // namespace runlens
