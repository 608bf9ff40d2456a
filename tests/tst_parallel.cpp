// Parallel coordinates and scatter, the core part: axes, brushes and their filter expression,
// and the density image that draws thousands of runs.
#include <QTest>
#include <cmath>

#include "TestSupport.h"
#include "analysis/LineDensity.h"
#include "analysis/ParallelAxis.h"
#include "model/BrushSet.h"
#include "model/RunColumn.h"
#include "query/RunFilter.h"

using namespace runlens;

namespace {
Run runWith(const QString& name, const QString& paramKey, const QString& text) {
    Run run;
    run.name = name;
    run.id = RunId::make(QStringLiteral("test"), QStringLiteral("/t"), name);
    if (!text.isNull()) run.params.insert(paramKey, ParamValue::parse(text));
    return run;
}

std::vector<const Run*> pointers(const std::vector<Run>& runs) {
    std::vector<const Run*> out;
    for (const Run& run : runs)
        out.push_back(&run);
    return out;
}

// The runs the filter expression of `brushes` selects, and those the brushes select: equal.
void checkExpressionEquivalent(const BrushSet& brushes, const std::vector<Run>& runs) {
    FilterSyntaxError error;
    const QString expression = brushes.expression();
    const RunFilter filter = RunFilter::parse(expression, &error);
    QVERIFY2(filter.isValid(), qPrintable(expression + QStringLiteral(" : ") + error.message));
    for (const Run& run : runs)
        QVERIFY2(filter.matches(run) == brushes.matches(run),
                 qPrintable(run.name + QStringLiteral(" with ") + expression));
}
}  // namespace

class TestParallel : public QObject {
    Q_OBJECT
private slots:
    // Any source's hints shape the axis: a log scale and choices in the search's order.
    void hintsOfAnySourceShapeTheAxis() {
        std::vector<Run> runs(3);
        const double lrs[] = {0.1, 0.2, 0.4};  // linear on their own
        const char* opts[] = {"sgd", "adam", "sgd"};
        for (int i = 0; i < 3; ++i) {
            runs[size_t(i)].params.insert("lr", ParamValue::fromDouble(lrs[i], {}));
            runs[size_t(i)].params.insert("opt", ParamValue::fromString(opts[i]));
        }
        std::vector<const Run*> all;
        for (const Run& run : runs)
            all.push_back(&run);
        QCOMPARE(makeAxis(all, ColumnRef::param("lr")).scale(), ParallelAxis::Scale::Linear);
        runs[1].paramHints.insert("lr", ParamHint{true, {}});
        runs[2].paramHints.insert("opt", ParamHint{false, {"sgd", "adam"}});
        QCOMPARE(makeAxis(all, ColumnRef::param("lr")).scale(), ParallelAxis::Scale::Log);
        QCOMPARE(makeAxis(all, ColumnRef::param("opt")).categories(), (QStringList{"sgd", "adam"}));
    }

    void optunaFixtureGivesLogAxisAndChoiceOrder() {
        // Optuna's own study: lr was suggested with log=True, optimizer is categorical with
        // choices ["adam","sgd","rmsprop"] (not alphabetical), use_bn is [true,false].
        QTemporaryDir dir;
        const QString db =
            testsupport::copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), dir.path());
        const LoadedProject project = loadProject(db, {});
        std::vector<const Run*> tpe;
        for (const Run& run : project.delta.runs)
            if (run.experiment == u"mlp-tpe") tpe.push_back(&run);
        QCOMPARE(tpe.size(), size_t(30));

        const ParallelAxis lr = makeAxis(tpe, ColumnRef::parse(QStringLiteral("params.lr")));
        QCOMPARE(lr.scale(), ParallelAxis::Scale::Log);
        // The distributions are typed hints of the run, not tags a user sees.
        QVERIFY(tpe.front()->paramHints.value("lr").log);
        QCOMPARE(tpe.front()->paramHints.value("optimizer").choices,
                 (QStringList{"adam", "sgd", "rmsprop"}));
        for (const Run* run : tpe)
            for (auto it = run->tags.keyBegin(); it != run->tags.keyEnd(); ++it)
                QVERIFY2(!it->startsWith(u"optuna.log") && !it->startsWith(u"optuna.choices"),
                         qPrintable(*it));
        const ParallelAxis optimizer =
            makeAxis(tpe, ColumnRef::parse(QStringLiteral("params.optimizer")));
        QCOMPARE(optimizer.scale(), ParallelAxis::Scale::Categorical);
        QCOMPARE(optimizer.categories(), (QStringList{QStringLiteral("adam"), QStringLiteral("sgd"),
                                                      QStringLiteral("rmsprop")}));
        const ParallelAxis bn = makeAxis(tpe, ColumnRef::parse(QStringLiteral("params.use_bn")));
        QCOMPARE(bn.categories(), (QStringList{QStringLiteral("true"), QStringLiteral("false")}));
        // dropout is linear (0 is a value), layers an int axis; neither has extra ticks.
        const ParallelAxis dropout =
            makeAxis(tpe, ColumnRef::parse(QStringLiteral("params.dropout")));
        QCOMPARE(dropout.scale(), ParallelAxis::Scale::Linear);
        QVERIFY(dropout.extras().isEmpty());
        QCOMPARE(dropout.lowest(), 0.0);
        QCOMPARE(dropout.highest(), 0.5);
        // Trial 7 failed before reporting: its value is missing, not dropped.
        const ParallelAxis value = makeAxis(tpe, ColumnRef::parse(QStringLiteral("metrics.value")));
        QCOMPARE(value.extras(), QStringList{QStringLiteral("missing")});
        const Run* seven = *std::find_if(tpe.begin(), tpe.end(),
                                         [](const Run* r) { return r->name == u"trial 7"; });
        QVERIFY(value.position(cellValue(*seven, value.column())) < 0);

        // Defaults: the params that differ, then metrics.
        const std::vector<ColumnRef> axes = defaultAxes(tpe);
        QStringList keys;
        for (const ColumnRef& c : axes)
            keys << c.key();
        QVERIFY(keys.contains(QStringLiteral("params.lr")));
        QVERIFY(keys.contains(QStringLiteral("metrics.value")));
        QVERIFY(keys.indexOf(QStringLiteral("params.lr")) <
                keys.indexOf(QStringLiteral("metrics.value")));
    }

    void brushSelectsExactlyTheRunsInTheRange() {
        QTemporaryDir dir;
        const QString db =
            testsupport::copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), dir.path());
        const LoadedProject project = loadProject(db, {});
        const std::vector<Run>& runs = project.delta.runs;
        const std::vector<const Run*> all = pointers(runs);
        const ColumnRef lrColumn = ColumnRef::parse(QStringLiteral("params.lr"));
        ParallelAxis lr = makeAxis(all, lrColumn);
        lr.setLog(false);
        // Drag over the lower half of the linear axis.
        const AxisBrush brush = lr.brushBetween(0.05f, 0.5f);
        QVERIFY(brush.hasInterval());
        QVERIFY(!brush.missing);
        BrushSet brushes;
        brushes.setBrushes(lrColumn, {brush});
        int inside = 0;
        for (const Run& run : runs) {
            const auto it = run.params.find(QStringLiteral("lr"));
            const bool expected =
                it != run.params.end() && it->toDouble() >= brush.lo && it->toDouble() <= brush.hi;
            QCOMPARE(brushes.matches(run), expected);
            inside += expected;
        }
        QVERIFY(inside > 0 && inside < 30);
        checkExpressionEquivalent(brushes, runs);

        // A second range on the same axis adds runs; a range on another axis narrows them.
        ParallelAxis optimizer =
            makeAxis(all, ColumnRef::parse(QStringLiteral("params.optimizer")));
        const AxisBrush adam = optimizer.brushBetween(0.f, 0.1f);
        QCOMPARE(adam.labels, QStringList{QStringLiteral("adam")});
        brushes.setBrushes(optimizer.column(), {adam});
        for (const Run& run : runs) {
            const bool inLr = run.params.contains(QStringLiteral("lr")) &&
                              run.params[QStringLiteral("lr")].toDouble() >= brush.lo &&
                              run.params[QStringLiteral("lr")].toDouble() <= brush.hi;
            QCOMPARE(brushes.matches(run),
                     inLr && run.params.value(QStringLiteral("optimizer")).text() == u"adam");
        }
        checkExpressionEquivalent(brushes, runs);

        // The "missing" tick is brushable: the runs of other studies have no lr.
        const AxisBrush missing = lr.brushBetween(lr.bottom() - 0.01f, lr.bottom() + 0.01f);
        QVERIFY(missing.missing);
        QVERIFY(!missing.hasInterval());
        BrushSet onlyMissing;
        onlyMissing.setBrushes(lrColumn, {missing});
        for (const Run& run : runs)
            QCOMPARE(onlyMissing.matches(run), !run.params.contains(QStringLiteral("lr")));
        checkExpressionEquivalent(onlyMissing, runs);
        // The drawn span of a brush covers the runs it selects.
        const auto [u0, u1] = lr.span(brush);
        for (const Run& run : runs)
            if (brushes.brushes(lrColumn).front().matches(cellValue(run, lrColumn))) {
                const float u = lr.position(cellValue(run, lrColumn));
                QVERIFY(u >= u0 - 1e-4f && u <= u1 + 1e-4f);
            }
    }

    void categoricalAxisKeepsEveryValue() {
        std::vector<Run> runs;
        for (int i = 0; i < 100; ++i)
            runs.push_back(runWith(QStringLiteral("r%1").arg(i), QStringLiteral("arch"),
                                   QStringLiteral("net-%1").arg(i, 3, 10, QChar(u'0'))));
        runs.push_back(runWith(QStringLiteral("none"), QStringLiteral("arch"), QString()));
        const ParallelAxis axis =
            makeAxis(pointers(runs), ColumnRef::parse(QStringLiteral("arch")));
        QCOMPARE(axis.scale(), ParallelAxis::Scale::Categorical);
        QCOMPARE(axis.categories().size(), 100);
        QSet<float> positions;
        for (const Run& run : runs)
            positions.insert(axis.position(cellValue(run, axis.column())));
        QCOMPARE(positions.size(), 101);  // every value its own tick, and "missing"
        int ticks = 0;
        for (const ParallelAxis::Tick& t : axis.ticks())
            ticks += t.extra ? 0 : 1;
        QCOMPARE(ticks, 100);
        // Brushing one tick selects one run; its expression too.
        const float u = axis.position(cellValue(runs[42], axis.column()));
        BrushSet brushes;
        brushes.setBrushes(axis.column(), {axis.brushBetween(u, u)});
        int selected = 0;
        for (const Run& run : runs)
            selected += brushes.matches(run);
        QCOMPARE(selected, 1);
        QVERIFY(brushes.matches(runs[42]));
        checkExpressionEquivalent(brushes, runs);
    }

    void strayTextInNumericColumnStaysUsable() {
        // A spreadsheet export with "#DIV/0!" among the numbers, a NaN, an infinity, a
        // missing value: the axis stays numeric and every value has a tick.
        std::vector<Run> runs;
        const QStringList values = {"0.1", "0.2", "0.35", "#DIV/0!", "0.5", "nan", "inf", {}};
        for (int i = 0; i < values.size(); ++i)
            runs.push_back(runWith(QStringLiteral("r%1").arg(i), QStringLiteral("acc"), values[i]));
        const ParallelAxis axis = makeAxis(pointers(runs), ColumnRef::parse(QStringLiteral("acc")));
        QCOMPARE(axis.scale(), ParallelAxis::Scale::Linear);
        QCOMPARE(axis.lowest(), 0.1);
        QCOMPARE(axis.highest(), 0.5);
        QCOMPARE(axis.extras(),
                 (QStringList{QStringLiteral("#DIV/0!"), QStringLiteral("NaN"),
                              QStringLiteral("Infinity"), QStringLiteral("missing")}));
        QSet<float> positions;
        for (const Run& run : runs)
            positions.insert(axis.position(cellValue(run, axis.column())));
        QCOMPARE(positions.size(), values.size());
        // Each extra tick brushes exactly its run; a brush over everything selects all.
        for (int i = 3; i < values.size(); ++i) {
            if (i == 4) continue;
            const float u = axis.position(cellValue(runs[size_t(i)], axis.column()));
            BrushSet brushes;
            brushes.setBrushes(axis.column(), {axis.brushBetween(u, u)});
            for (int j = 0; j < int(runs.size()); ++j)
                QCOMPARE(brushes.matches(runs[size_t(j)]), i == j);
            checkExpressionEquivalent(brushes, runs);
        }
        BrushSet everything;
        everything.setBrushes(axis.column(), {axis.brushBetween(axis.bottom() - 0.1f, 1.1f)});
        for (const Run& run : runs)
            QVERIFY(everything.matches(run));
        checkExpressionEquivalent(everything, runs);
    }

    void logAxisAndInversion() {
        std::vector<Run> runs;
        for (const char* v : {"1e-5", "1e-4", "1e-3", "0.01", "0"})
            runs.push_back(
                runWith(QString::fromLatin1(v), QStringLiteral("lr"), QString::fromLatin1(v)));
        ParallelAxis axis = makeAxis(pointers(runs), ColumnRef::parse(QStringLiteral("lr")));
        // 0 is not positive: log is not suggested, but can be chosen; 0 then has its own tick.
        QVERIFY(!axis.logSuggested());
        QCOMPARE(axis.scale(), ParallelAxis::Scale::Linear);
        axis.setLog(true);
        QCOMPARE(axis.scale(), ParallelAxis::Scale::Log);
        QCOMPARE(axis.extras(), QStringList{QStringLiteral("≤ 0")});
        QCOMPARE(axis.position(cellValue(runs[0], axis.column())), 0.f);
        QCOMPARE(axis.position(cellValue(runs[3], axis.column())), 1.f);
        QVERIFY(std::abs(axis.position(cellValue(runs[1], axis.column())) - 1.f / 3) < 1e-6);
        axis.setInverted(true);
        QCOMPARE(axis.position(cellValue(runs[0], axis.column())), 1.f);
        // On an inverted log axis, a drag near the top covers the smallest values.
        const AxisBrush small = axis.brushBetween(0.9f, 1.f);
        QCOMPARE(small.lo, 1e-5);
        QVERIFY(small.hi >= 1e-5 && small.hi < 1e-4);
        BrushSet brushes;
        brushes.setBrushes(axis.column(), {small, axis.brushBetween(axis.bottom(), axis.bottom())});
        QVERIFY(brushes.matches(runs[0]));
        QVERIFY(brushes.matches(runs[4]));  // "≤ 0"
        QVERIFY(!brushes.matches(runs[1]));
        checkExpressionEquivalent(brushes, runs);
        // Decade ticks labelled, in one notation; minor ticks between them have no label.
        QStringList labels;
        int minor = 0;
        for (const ParallelAxis::Tick& t : axis.ticks()) {
            if (t.label.isEmpty()) ++minor;
            if (!t.label.isEmpty()) labels << t.label;
        }
        QCOMPARE(labels, (QStringList{"1e-5", "1e-4", "1e-3", "1e-2", "≤ 0"}));
        QVERIFY(minor > 0);
    }

    // The parallel coordinates' and scatter's numeric axes read round values, as the charts do.
    void numericAxesHaveRoundTicks() {
        auto labels = [](const std::vector<const char*>& values, bool log = false) {
            std::vector<Run> runs;
            for (const char* v : values)
                runs.push_back(
                    runWith(QString::fromLatin1(v), QStringLiteral("x"), QString::fromLatin1(v)));
            ParallelAxis axis = makeAxis(pointers(runs), ColumnRef::parse(QStringLiteral("x")));
            axis.setLog(log);
            QStringList out;
            for (const ParallelAxis::Tick& t : axis.ticks())
                if (!t.label.isEmpty() && !t.extra) out << t.label;
            return out;
        };
        QCOMPARE(labels({"3.1", "517", "997.4"}), (QStringList{"200", "400", "600", "800"}));
        QCOMPARE(labels({"0.2", "399.8"}), (QStringList{"100", "200", "300"}));
        QCOMPARE(labels({"0", "1", "0.35"}), (QStringList{"0", "0.2", "0.4", "0.6", "0.8", "1"}));
        QCOMPARE(labels({"12000", "250000"}), (QStringList{"50k", "100k", "150k", "200k", "250k"}));
        // Log: the decades, in one notation.
        QCOMPARE(labels({"0.5", "3", "80", "2000"}, true), (QStringList{"1", "10", "100", "1000"}));
    }

    void roundsBrushEndsOutwards() {
        QCOMPARE(roundDown(0.0123456, 3), 0.0123);
        QCOMPARE(roundUp(0.0123456, 3), 0.0124);
        QCOMPARE(roundDown(-1.2345, 3), -1.24);
        QCOMPARE(roundUp(512.3456, 3), 513.0);
        QCOMPARE(roundUp(0.25, 3), 0.25);
    }

    void expressionQuotesKeysAndTexts() {
        BrushSet brushes;
        AxisBrush b;
        b.labels = {QStringLiteral("it's")};
        brushes.setBrushes(ColumnRef::parse(QStringLiteral("tags.my key")), {b});
        QCOMPARE(brushes.expression(), QStringLiteral("tags.`my key` = 'it''s'"));
        Run run;
        run.tags.insert(QStringLiteral("my key"), QStringLiteral("it's"));
        QVERIFY(RunFilter::parse(brushes.expression()).matches(run));
    }

    void densityAddsAndTakesAwayExactly() {
        LineDensity density, none;
        density.reset(100, 50, true);
        none.reset(0, 0, false);
        LineDensity::Shades shades{};
        shades[0] = 0xff0000;
        shades[100] = 0x0000ff;
        shades[50] = 0x7f007f;
        std::vector<uint32_t> image(100 * 50, 0);
        auto render = [&] {
            LineDensity::compose(image.data(), 100, none, 0, density, 0, &shades,
                                 density.maxCount());
        };
        const float xs[] = {0, 99}, ys[] = {10, 10};
        density.add(xs, ys, 2, 1, 0);
        QCOMPARE(density.maxCount(), 1);
        render();
        // Every pixel of the row is drawn, in the line's colour, and nothing else.
        for (int x = 0; x < 100; ++x)
            QCOMPARE(image[10 * 100 + x], 0xffff0000u);
        QCOMPARE(image[11 * 100 + 5], 0u);
        // Two lines through one pixel: the colour of their mean shade.
        const float vx[] = {50, 50}, vy[] = {0, 49};
        density.add(vx, vy, 2, 1, 100);
        QCOMPARE(density.maxCount(), 2);
        render();
        QCOMPARE(image[10 * 100 + 50], 0xff7f007fu);
        // The vertical line alone: its own colour, fainter (one line where the most is two).
        const uint32_t alone = image[20 * 100 + 50];
        QCOMPARE(alone & 0x00ffff00u, 0u);
        QCOMPARE(alone & 0xffu, alone >> 24);  // premultiplied blue equals the opacity
        QVERIFY((alone >> 24) > 150 && (alone >> 24) < 255);
        density.add(vx, vy, 2, -1, 100);
        density.add(xs, ys, 2, -1, 0);
        QCOMPARE(density.maxCount(), 0);
        // Lines outside the image are clipped, not wrapped.
        const float ox[] = {-50, 150}, oy[] = {-5, 60};
        density.add(ox, oy, 2, 1, 0);
        QCOMPARE(density.maxCount(), 1);
        // A plain layer beneath: grey where only it has lines, the front over it elsewhere.
        LineDensity back;
        back.reset(100, 50, false);
        back.add(xs, ys, 2, 1);
        LineDensity::compose(image.data(), 100, back, 0x808080, none, 0, nullptr, 1);
        QCOMPARE(image[10 * 100 + 3], 0xff808080u);
        // Rows are split between threads by bands: two bands add up to the whole.
        LineDensity banded;
        banded.reset(100, 50, false);
        banded.add(vx, vy, 2, 1, 0, 0, 25);
        banded.add(vx, vy, 2, 1, 0, 25, 50);
        QCOMPARE(banded.maxCount(), 1);
        std::vector<uint32_t> px(100 * 50, 0);
        LineDensity::compose(px.data(), 100, banded, 0xffffff, none, 0, nullptr, 1);
        for (int y = 0; y < 50; ++y)
            QCOMPARE(px[size_t(y) * 100 + 50], 0xffffffffu);
    }

    void viridisEnds() {
        QCOMPARE(viridis(0), 0x440154u);
        QCOMPARE(viridis(1), 0xfde725u);
        QCOMPARE(viridis(0.5), 0x21918cu);
        QCOMPARE(viridis(std::nan("")), 0x440154u);
    }
};

QTEST_GUILESS_MAIN(TestParallel)
#include "tst_parallel.moc"
