// A chart read at a glance: round ticks on every axis, legends that can be clicked and that
// count what they leave out, smoothing that never hides the data, log y per chart, a
// single logged value drawn where it can be seen.

#include <QApplication>
#include <QCategoryAxis>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QPainter>
#include <QSettings>
#include <QTest>
#include <QXmlStreamReader>

#include "MetricChart.h"
#include "TestSupport.h"
#include "analysis/AxisTicks.h"

using namespace runlens;

namespace {

MetricChart::Curve line(const QString& name, uint32_t colour, size_t n, double slope,
                        double offset = 1) {
    MetricChart::Curve c;
    c.run = RunId(name);
    c.name = name;
    c.colour = colour;
    std::vector<double> steps, wallTimesMs;
    for (size_t i = 0; i < n; ++i) {
        c.xs.push_back(double(i));
        c.ys.push_back(offset + slope * double(i));
        steps.push_back(double(i));
        wallTimesMs.push_back(1.8e12 + 1000.0 * double(i));
    }
    c.steps = std::move(steps);
    c.wallTimesMs = std::move(wallTimesMs);
    return c;
}

QStringList labels(const std::vector<AxisTick>& ticks) {
    QStringList out;
    for (const AxisTick& t : ticks)
        if (!t.label.isEmpty()) out << t.label;
    return out;
}

// How many pixels of `image` are within a small distance of `colour`.
int pixelsLike(const QImage& image, QRgb colour) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb c = image.pixel(x, y);
            n += std::abs(qRed(c) - qRed(colour)) < 30 &&
                 std::abs(qGreen(c) - qGreen(colour)) < 30 &&
                 std::abs(qBlue(c) - qBlue(colour)) < 30;
        }
    return n;
}

QImage rendered(MetricChart& chart) {
    QImage image(chart.size(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    chart.render(&painter);
    return image;
}

// Where the legend shows `text`, in the chart view's viewport coordinates.
QPoint legendEntry(MetricChart& chart, const QString& text) {
    const QList<QGraphicsItem*> items = chart.chart()->legend()->childItems();
    QList<QGraphicsItem*> todo = items;
    while (!todo.isEmpty()) {
        QGraphicsItem* item = todo.takeFirst();
        todo += item->childItems();
        QString shown;
        if (auto* t = dynamic_cast<QGraphicsTextItem*>(item)) shown = t->toPlainText();
        if (auto* t = dynamic_cast<QGraphicsSimpleTextItem*>(item)) shown = t->text();
        if (shown == text && item->isVisible())
            return chart.mapFromScene(item->sceneBoundingRect().center());
    }
    return {-1, -1};
}

}  // namespace

class TestChartReading : public QObject {
    Q_OBJECT
    QTemporaryDir m_config;

private slots:
    void initTestCase() { testsupport::useOwnSettings(m_config.path()); }

    void axesReadRoundNumbers() {
        MetricChart chart("train/loss");
        chart.resize(640, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setCurves({line("a", 0xd62728, 1000, -0.0017, 2.2)}, MetricChart::XKind::Step, false);
        const QStringList x = labels(chart.xTicks());
        QVERIFY2(x.size() >= 4, qPrintable(x.join(' ')));
        for (const QString& label : x)
            QVERIFY2(label.toInt() % 100 == 0, qPrintable(x.join(' ')));  // 0 200 400, not 199.8
        const QStringList y = labels(chart.yTicks());
        QVERIFY2(y.size() >= 3, qPrintable(y.join(' ')));
        for (const QString& label : y) {
            const double v = label.toDouble() * 10;
            QVERIFY2(std::abs(v - std::round(v)) < 1e-9, qPrintable(y.join(' ')));
        }
        // The axis shows exactly those labels.
        auto* axis = qobject_cast<QCategoryAxis*>(chart.chart()->axes(Qt::Horizontal).first());
        QVERIFY(axis);
        QCOMPARE(axis->categoriesLabels(), x);

        // Time since start reads as durations.
        chart.setCurves({line("a", 0xd62728, 1000, 0.001)}, MetricChart::XKind::RelativeTime,
                        false);
        for (const QString& label : labels(chart.xTicks()))
            QVERIFY2(label == u"0" || label.endsWith(u" s") || label.endsWith(u" min"),
                     qPrintable(label));
    }

    // A resize places the ticks of the new size (taken before Qt Charts lays the chart out,
    // from the plot area grown as the chart did): once settled, both axes show exactly the
    // ticks the new plot area makes, more of them on a bigger chart, and again on a smaller one.
    void aResizeShowsTheTicksOfTheNewSize() {
        MetricChart chart("train/loss");
        chart.resize(500, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setCurves({line("a", 0xd62728, 5000, -0.0003, 2.2)}, MetricChart::XKind::Step, false);
        auto* xAxis = qobject_cast<QCategoryAxis*>(chart.chart()->axes(Qt::Horizontal).first());
        auto* yAxis = qobject_cast<QCategoryAxis*>(chart.chart()->axes(Qt::Vertical).first());
        QVERIFY(xAxis && yAxis);
        const auto settled = [&] {
            return !chart.isDrawing() && xAxis->categoriesLabels() == labels(chart.xTicks()) &&
                   yAxis->categoriesLabels() == labels(chart.yTicks());
        };
        QTRY_VERIFY(settled());
        const qsizetype xSmall = xAxis->count(), ySmall = yAxis->count();
        chart.resize(1500, 900);
        QTRY_VERIFY(settled());
        QVERIFY2(xAxis->count() > xSmall && yAxis->count() > ySmall,
                 qPrintable(xAxis->categoriesLabels().join(' ') + " / " +
                            yAxis->categoriesLabels().join(' ')));
        chart.resize(500, 300);
        QTRY_VERIFY(settled());
        QCOMPARE(xAxis->count(), xSmall);
        QCOMPARE(yAxis->count(), ySmall);
    }

    void exportsShowTheTicksOfTheirSize() {
        // runlens-cli chart draws an unshown chart straight to a file: its axes are laid out
        // for the size asked, with the same round ticks the app shows.
        MetricChart chart("loss");
        chart.resize(400, 300);
        chart.setCurves({line("a", 0xd62728, 1000, 0.01)}, MetricChart::XKind::Step, false);
        QTemporaryDir dir;
        QVERIFY(chart.saveAs(dir.path() + "/chart.svg", QSize(1200, 700)));
        QFile file(dir.path() + "/chart.svg");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QStringList texts;
        QXmlStreamReader xml(&file);
        while (!xml.atEnd())
            if (xml.readNext() == QXmlStreamReader::StartElement && xml.name() == u"text")
                texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
        for (const char* label : {"0", "100", "200", "500", "900", "2", "10"})
            QVERIFY2(texts.contains(label), qPrintable(texts.join(' ')));
        for (const QString& text : texts)
            QVERIFY2(!text.contains(u'.') || text == u"loss", qPrintable(text));
    }

    void smoothingNeverHidesTheData() {
        MetricChart chart("loss");
        chart.resize(640, 400);
        MetricChart::Curve c = line("a", 0x1f77b4, 100, 0);
        std::vector<double> raw = c.ys;
        raw[50] = 40;  // a spike the smoothed line flattens
        c.rawYs = std::move(raw);
        chart.setCurves({c}, MetricChart::XKind::Step, false);
        QVERIFY2(chart.yRange().second >= 40, qPrintable(QString::number(chart.yRange().second)));

        // The CSV says which column is which: the logged value and the smoothed one.
        const QList<QByteArray> rows = chart.toCsv().split('\n');
        QCOMPARE(rows[0], QByteArray("run,metric,step,wall_time,value,smoothed\r"));
        QCOMPARE(rows[51], QByteArray("a,loss,50,1800000050,40,1\r"));
        // The tooltip gives both, with the step.
        const QString tip = chart.tooltipAt(50);
        QVERIFY2(tip.contains(u">40<") && tip.contains(u">1<") && tip.contains(u">50<"),
                 qPrintable(tip));
        QVERIFY(tip.contains(u"color:#1f77b4"));
    }

    void legendClickHidesTheLine() {
        MetricChart chart("loss");
        chart.resize(800, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setCurves({line("a", 0xff0000, 100, 0.01), line("b", 0x0000ff, 100, 0.02)},
                        MetricChart::XKind::Step, false);
        QApplication::processEvents();
        const QPoint entry = legendEntry(chart, "b");
        QVERIFY(entry.x() >= 0);
        QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, entry);
        QVERIFY(!chart.isCurveVisible(1));
        const QRect plot = chart.chart()->plotArea().toRect();
        QCOMPARE(pixelsLike(rendered(chart).copy(plot), 0x0000ff), 0);
        QVERIFY(pixelsLike(rendered(chart).copy(plot), 0xff0000) > 100);
        QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, entry);
        QVERIFY(chart.isCurveVisible(1));
    }

    // The legend's room is measured by the names: six short ones share one row of a 600 px
    // chart (a fixed 140 px an entry kept three and said "+3 more").
    void shortNamesShareARow() {
        MetricChart chart("loss");
        chart.resize(600, 250);
        chart.show();
        std::vector<MetricChart::Curve> curves;
        for (int i = 0; i < 6; ++i)
            curves.push_back(line(QStringLiteral("trial_%1").arg(i), 0x808080, 10, 0.01 * i));
        chart.setCurves(curves, MetricChart::XKind::Step, false);
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QStringList shown;
        for (QLegendMarker* m : chart.chart()->legend()->markers())
            if (m->isVisible()) shown << m->label();
        QCOMPARE(shown,
                 (QStringList{"trial_0", "trial_1", "trial_2", "trial_3", "trial_4", "trial_5"}));
    }

    void manyRunsLeaveAMoreEntry() {
        MetricChart chart("loss");
        chart.resize(500, 320);
        chart.show();
        std::vector<MetricChart::Curve> curves;
        for (int i = 0; i < 40; ++i)
            curves.push_back(line(QStringLiteral("run %1").arg(i), 0x808080, 10, 0.01 * i));
        chart.setCurves(curves, MetricChart::XKind::Step, false);
        QString more;
        int entries = 0;
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        for (QLegendMarker* m : chart.chart()->legend()->markers()) {
            if (!m->isVisible()) continue;
            ++entries;
            if (m->label().startsWith(u'+')) more = m->label();
        }
        QVERIFY2(entries < 12, qPrintable(QString::number(entries)));
        QCOMPARE(more, QStringLiteral("+%1 more").arg(40 - (entries - 1)));
        // Every line is still drawn.
        QCOMPARE(chart.curveCount(), 40);
        // A bigger chart has room for more entries.
        chart.resize(1400, 900);
        int bigger = 0;
        for (QLegendMarker* m : chart.chart()->legend()->markers())
            bigger += m->isVisible() ? 1 : 0;
        QVERIFY2(bigger > entries, qPrintable(QString::number(bigger)));
    }

    // Qt Charts lays a legend under the plot out in one row, whatever the chart's height, and
    // cuts names that do not fit ("ru..."): a tall chart lists as many entries as a short one
    // of its width, each name whole.
    void aTallChartsLegendNamesAreWhole() {
        MetricChart chart("loss");
        chart.resize(555, 442);
        chart.show();
        std::vector<MetricChart::Curve> curves;
        for (int i = 0; i < 40; ++i)
            curves.push_back(line(QStringLiteral("run_%1").arg(199 - i), 0x808080, 10, 0.01 * i));
        chart.setCurves(curves, MetricChart::XKind::Step, false);
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        if (chart.chart()->layout()) chart.chart()->layout()->activate();
        QStringList drawn;
        for (QGraphicsItem* item : chart.scene()->items())
            if (auto* text = dynamic_cast<QGraphicsTextItem*>(item);
                text && text->isVisible() && chart.chart()->legend()->isAncestorOf(text))
                drawn << text->toPlainText();
        QVERIFY(drawn.size() > 1);
        for (const QString& name : drawn)
            QVERIFY2(!name.contains(u"...") && !name.contains(u'\u2026'), qPrintable(name));
    }

    void logYForOneChart() {
        MetricChart chart("lr");
        chart.resize(640, 400);
        MetricChart::Curve c = line("a", 0xff0000, 5, 0);
        c.ys = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1};
        chart.setCurves({c}, MetricChart::XKind::Step, false);
        QVERIFY(!chart.logY());
        chart.setOwnLogY(true);
        QVERIFY(chart.logY());
        const QStringList y = labels(chart.yTicks());
        QVERIFY2(y.contains("1e-5") && y.contains("1e-3"), qPrintable(y.join(' ')));
        // The panel's next choice does not undo the chart's own.
        chart.setCurves({c}, MetricChart::XKind::Step, false);
        QVERIFY(chart.logY());
        chart.setOwnLogY(std::nullopt);
        QVERIFY(!chart.logY());
    }

    void aSingleValueIsAMarker() {
        // An Optuna trial's objective: one point per run.
        MetricChart chart("value");
        chart.resize(640, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        std::vector<MetricChart::Curve> curves;
        const uint32_t colours[] = {0xd62728, 0x2ca02c, 0x9467bd};
        for (int i = 0; i < 3; ++i) {
            MetricChart::Curve c = line(QStringLiteral("trial %1").arg(i), colours[i], 1, 0, i);
            curves.push_back(c);
        }
        chart.setCurves(curves, MetricChart::XKind::Step, false);
        const QImage image = rendered(chart);
        for (uint32_t colour : colours)
            QVERIFY2(pixelsLike(image, colour) >= 20, qPrintable(QString::number(colour, 16)));
    }
};

QTEST_MAIN(TestChartReading)
#include "tst_chart_reading.moc"
