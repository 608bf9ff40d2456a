#include <QSignalSpy>
#include <QTest>
#include <array>
#include <cmath>

#include <QDateTime>

#include "model/DistinctLabels.h"
#include "model/MetricSummary.h"
#include "model/ParamValue.h"
#include "model/RunActivity.h"
#include "model/RunColours.h"
#include "model/RunColumn.h"
#include "model/RunId.h"
#include "model/RunSelection.h"
#include "query/RunFilter.h"

using namespace runlens;

namespace {
// CIE L*a*b* of an sRGB colour (D65), for telling how far apart two colours look.
std::array<double, 3> lab(uint32_t rgb) {
    auto linear = [](int v) {
        const double u = v / 255.0;
        return u <= 0.04045 ? u / 12.92 : std::pow((u + 0.055) / 1.055, 2.4);
    };
    const double r = linear(int(rgb >> 16 & 0xff)), g = linear(int(rgb >> 8 & 0xff)),
                 b = linear(int(rgb & 0xff));
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}
double deltaE(const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
}  // namespace

namespace {

// Another run of that source whose colour from its key is `run`'s.
RunId sameShownColour(const RunId& run, QStringView kind, QStringView root) {
    for (int i = 0;; ++i) {
        const RunId other = RunId::make(kind, root, QStringLiteral("twin%1").arg(i));
        if (RunSelection::defaultColour(other) == RunSelection::defaultColour(run)) return other;
    }
}

}  // namespace

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void paramValueParsesMlflowText_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("number");
        QTest::newRow("int") << "32" << int(ParamValue::Type::Int) << 32.0;
        QTest::newRow("negative int") << "-7" << int(ParamValue::Type::Int) << -7.0;
        QTest::newRow("decimal") << "0.001" << int(ParamValue::Type::Double) << 0.001;
        QTest::newRow("python exponent") << "1e-05" << int(ParamValue::Type::Double) << 1e-05;
        QTest::newRow("python bool") << "True" << int(ParamValue::Type::Bool) << 1.0;
        QTest::newRow("python None") << "None" << int(ParamValue::Type::Null) << double(NAN);
        QTest::newRow("text") << "adam" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("number then text")
            << "3 layers" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("list") << "[1, 2]" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("empty") << "" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("huge int is a double")
            << "123456789012345678901234" << int(ParamValue::Type::Double) << 1.2345678901234568e23;
    }
    void paramValueParsesMlflowText() {
        QFETCH(QString, text);
        QFETCH(int, type);
        QFETCH(double, number);
        const ParamValue v = ParamValue::parse(text);
        QCOMPARE(int(v.type()), type);
        QCOMPARE(v.text(), text);  // the original text is kept for display
        if (std::isnan(number))
            QVERIFY(std::isnan(v.toDouble()));
        else
            QCOMPARE(v.toDouble(), number);
    }

    // MLflow's latest = max (step, timestamp, value), not the last line written.
    void latestIsMaxOfStepTimestampValue() {
        MetricSummary s;
        s.add(5, 0.5, 100);
        s.add(3, 0.9, 200);  // a step going backwards is not the latest
        QCOMPARE(s.last, 0.5);
        QCOMPARE(s.step, 5);
        s.add(5, 0.4, 150);  // same step, later timestamp wins
        QCOMPARE(s.last, 0.4);
        s.add(5, 0.7, 150);  // same step and timestamp, greater value wins
        QCOMPARE(s.last, 0.7);
        s.add(5, 0.6, 150);
        QCOMPARE(s.last, 0.7);
        s.add(-1, 9.0, 999);
        QCOMPARE(s.count, 6);
        QCOMPARE(s.min, 0.4);
        QCOMPARE(s.max, 9.0);
    }

    void nanNeverWinsATieAndIsNotAMinimum() {
        MetricSummary s;
        s.add(0, 1.0, 10);
        s.add(0, NAN, 10);
        QCOMPARE(s.last, 1.0);
        s.add(1, NAN, 5);
        QVERIFY(std::isnan(s.last));
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 1.0);
        QCOMPARE(s.count, 3);
    }

    void mergeEqualsAddingEverything() {
        const double points[][3] = {{0, 1, 1}, {2, 5, 2}, {1, -3, 3}, {2, 4, 9}, {0, 7, 4}};
        MetricSummary all, a, b;
        for (int i = 0; i < 5; ++i) {
            all.add(qint64(points[i][0]), points[i][1], points[i][2]);
            (i < 2 ? a : b).add(qint64(points[i][0]), points[i][1], points[i][2]);
        }
        a.merge(b);
        QCOMPARE(a.last, all.last);
        QCOMPARE(a.step, all.step);
        QCOMPARE(a.min, all.min);
        QCOMPARE(a.max, all.max);
        QCOMPARE(a.count, all.count);
    }

    void aRunThatWentQuietIsStale() {
        // An MLflow run left RUNNING (its process killed): last metric point 3 h ago.
        const qint64 now = 1'800'000'000'000;
        Run run;
        run.status = RunStatus::Running;
        run.startTimeMs = now - 5 * 3600'000;
        run.metrics["loss"].add(10, 0.5, double(now - 3 * 3600'000));
        QVERIFY(isStale(run, now));
        QCOMPARE(shownStatusName(run, now), QStringLiteral("stale"));
        QCOMPARE(staleNote(run, now), QStringLiteral("no end record · last write 3 h ago"));
        // Still logging: running.
        run.metrics["loss"].add(11, 0.4, double(now - 60'000));
        QVERIFY(!isStale(run, now));
        QCOMPARE(shownStatusName(run, now), QStringLiteral("running"));
        QVERIFY(staleNote(run, now).isEmpty());
        // No metric yet: the start counts as its last write.
        Run quiet;
        quiet.status = RunStatus::Running;
        quiet.startTimeMs = now - 11 * 60'000;
        QVERIFY(isStale(quiet, now));
        QVERIFY(!isStale(quiet, now, 20 * 60'000));  // a longer quiet period
        // Finished runs are never stale.
        quiet.status = RunStatus::Finished;
        QVERIFY(!isStale(quiet, now));
    }

    void theFilterFindsStaleRuns() {
        Run stale, live;
        stale.status = live.status = RunStatus::Running;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        stale.startTimeMs = now - 86'400'000;
        live.startTimeMs = now - 1000;
        const RunFilter filter = RunFilter::parse("attributes.status = 'stale'");
        QVERIFY(filter.matches(stale));
        QVERIFY(!filter.matches(live));
        QVERIFY(RunFilter::parse("status = 'RUNNING'").matches(live));
        // The quiet period is a setting: a day and a second quiet is stale after an hour, not
        // after two days.
        RunFilter patient = filter;
        patient.setStaleAfter(2 * 86'400'000);
        QVERIFY(!patient.matches(stale));
        QVERIFY(RunFilter::parse("status = 'running'").matches(live));
    }

    void runIdIsStableAndSeparatesRoots() {
        const RunId a = RunId::make(u"mlflow-file", u"/data/mlruns", u"abc");
        QCOMPARE(a, RunId::make(u"mlflow-file", u"/data/mlruns", u"abc"));
        QVERIFY(a != RunId::make(u"mlflow-file", u"/copy/mlruns", u"abc"));
        QVERIFY(a.text().startsWith(u"mlflow-file:"));
        QVERIFY(a.text().endsWith(u":abc"));
        // Fixed across launches and machines: the hash of the path, not of a pointer.
        QCOMPARE(RunId::rootHash(u"/data/mlruns"), QStringLiteral("504d60a8"));
    }

    void portableKeyLeavesOutWhereTheStoreLies() {
        const RunId here = RunId::make(u"tensorboard", u"/home/a/runs", u"lr_0.1/compare_a");
        const RunId copy = RunId::make(u"tensorboard", u"/mnt/b/runs", u"lr_0.1/compare_a");
        QVERIFY(here != copy);
        QCOMPARE(here.portableKey(), QStringLiteral("tensorboard:lr_0.1/compare_a"));
        QCOMPARE(copy.portableKey(), here.portableKey());
        // Native ids with colons (Optuna studies may have them) stay whole.
        QCOMPARE(RunId::make(u"optuna", u"/x/o.db", u"a:b#3").portableKey(),
                 QStringLiteral("optuna:a:b#3"));
        QCOMPARE(RunId(QStringLiteral("by-hand")).portableKey(), QStringLiteral("by-hand"));
    }

    // The palette is what the name says: colours a user tells apart, none of them grey.
    void paletteColoursAreDistinctAndNotGrey() {
        const auto palette = runPalette();
        QVERIFY(palette.size() >= 12);
        QCOMPARE(palette[0], 0x4e79a7u);  // Tableau 10 first: blue, orange, red
        QCOMPARE(palette[1], 0xf28e2bu);
        QCOMPARE(palette[2], 0xe15759u);
        const std::array<double, 3> brushedOutGrey = lab(0xd4d4d4), darkGrey = lab(0x4e4e4e);
        for (size_t i = 0; i < palette.size(); ++i) {
            const auto c = lab(palette[i]);
            const QString name = QString::number(palette[i], 16);
            QVERIFY2(std::hypot(c[1], c[2]) > 18, qPrintable(name));  // chroma: not a grey
            QVERIFY2(deltaE(c, brushedOutGrey) > 20 && deltaE(c, darkGrey) > 20, qPrintable(name));
            for (size_t j = 0; j < i; ++j)
                QVERIFY2(deltaE(c, lab(palette[j])) > 12,
                         qPrintable(name + u' ' + QString::number(palette[j], 16)));
        }
    }

    void firstFreeColourFillsThePaletteInOrder() {
        const auto palette = runPalette();
        QCOMPARE(firstFreeColour({}), palette[0]);
        QCOMPARE(firstFreeColour({palette[0], palette[2]}), palette[1]);
        QList<uint32_t> all(palette.begin(), palette.end());
        QCOMPARE(firstFreeColour(all), palette[0]);  // all taken once: the first again
        all << palette[0] << palette[1];
        QCOMPARE(firstFreeColour(all), palette[2]);  // then the least used
        // A colour not in the palette (the user's) takes nothing away.
        QCOMPARE(firstFreeColour({0x123456}), palette[0]);
    }

    // Checking runs one by one or all at once, no two checked runs share a colour while the
    // palette has colours left, and each is a palette colour. A run checked keeps the colour its
    // swatch showed unchecked (from its key) when no checked run has it.
    void checkedRunsGetDifferentPaletteColours() {
        RunSelection selection;
        const auto palette = runPalette();
        QList<RunId> ids;
        for (int i = 0; i < 8; ++i)
            ids << RunId::make(u"mlflow-file", u"/p/mlruns", QStringLiteral("run%1").arg(i));
        QCOMPARE(RunSelection::defaultColour(ids[0]), hashedColour(ids[0].portableKey()));
        for (int i = 0; i < 200; ++i)  // the saturated nine only: the light shades look alike
            QVERIFY(std::find(palette.begin(), palette.begin() + 9,
                              hashedColour(QStringLiteral("k%1").arg(i))) != palette.begin() + 9);
        const uint32_t shown0 = selection.colour(ids[0]);
        QCOMPARE(shown0, RunSelection::defaultColour(ids[0]));
        selection.setChecked(ids[0], true);
        QCOMPARE(selection.colour(ids[0]), shown0);  // not recoloured for nothing
        // Runs whose colours from their keys collide are the case that matters.
        const RunId twin = sameShownColour(ids[0], u"mlflow-file", u"/p/mlruns");
        QSignalSpy coloured(&selection, &RunSelection::colourChanged);
        selection.setChecked(twin, true);
        QVERIFY(selection.colour(twin) != shown0);
        QCOMPARE(selection.colour(twin), palette[shown0 == palette[0] ? 1 : 0]);
        QVERIFY(!coloured.isEmpty());
        selection.setChecked(twin, false);
        QSet<RunId> many(ids.begin(), ids.end());
        selection.setCheckedRuns(many);
        QSet<uint32_t> seen;
        for (const RunId& id : ids) {
            QVERIFY(std::find(palette.begin(), palette.end(), selection.colour(id)) !=
                    palette.end());
            seen.insert(selection.colour(id));
        }
        QCOMPARE(seen.size(), ids.size());
        QCOMPARE(selection.colour(ids[0]), shown0);  // the first kept its colour
        // Unchecked and checked again, a run keeps its colour if it is still free.
        selection.setChecked(ids[5], false);
        const uint32_t fifth = selection.colour(ids[5]);
        selection.setChecked(ids[5], true);
        QCOMPARE(selection.colour(ids[5]), fifth);
    }

    void aRememberedColourTakenByAnotherRunIsReassigned() {
        RunSelection selection;
        const auto palette = runPalette();
        const RunId a = RunId::make(u"optuna", u"/s.db", u"study#1");
        const RunId b = sameShownColour(a, u"optuna", u"/s.db");
        const uint32_t shown = selection.colour(a);
        selection.setChecked(a, true);
        QCOMPARE(selection.colour(a), shown);
        selection.setChecked(a, false);
        selection.setChecked(b, true);  // a is unchecked: b keeps the colour it shows, a's
        QCOMPARE(selection.colour(b), shown);
        selection.setChecked(a, true);  // a's remembered colour is b's now
        QCOMPARE(selection.colour(a), palette[shown == palette[0] ? 1 : 0]);
        // The user's choice is kept even when another checked run has that colour.
        selection.setColour(a, shown);
        selection.setChecked(a, false);
        selection.setChecked(a, true);
        QCOMPARE(selection.colour(a), shown);
        QVERIFY(selection.colourMemory().value(a.portableKey()).chosen);
    }

    // Checked together, runs with remembered colours keep them; a new one keeps the colour it
    // shows when that is left, else takes the first colour left.
    void rememberedColoursComeBeforeNewOnes() {
        const auto palette = runPalette();
        const RunId a = RunId::make(u"csv", u"/p", u"b-old"),
                    b = RunId::make(u"csv", u"/p", u"c-old");
        const RunId fresh = RunId::make(u"csv", u"/p", u"a-new");
        ColourMemory memory;
        memory.insert(a.portableKey(), {palette[0], false});
        memory.insert(b.portableKey(), {palette[1], false});
        RunSelection selection;
        selection.setColourMemory(memory);
        selection.setCheckedRuns({a, b, fresh});
        QCOMPARE(selection.colour(a), palette[0]);
        QCOMPARE(selection.colour(b), palette[1]);
        const uint32_t shown = RunSelection::defaultColour(fresh);
        QCOMPARE(selection.colour(fresh),
                 shown == palette[0] || shown == palette[1] ? palette[2] : shown);
    }

    // What is remembered applies to the same runs found under another path (a copy, a link).
    void colourMemoryFollowsTheRunsToAnotherPath() {
        RunSelection first;
        QSet<RunId> checked;
        for (int i = 0; i < 5; ++i)
            checked << RunId::make(u"tensorboard", u"/home/me/runs",
                                   QStringLiteral("trial_%1").arg(i));
        first.setCheckedRuns(checked);
        const RunId chosen = RunId::make(u"tensorboard", u"/home/me/runs", u"baseline");
        first.setColour(chosen, 0x123456);

        RunSelection second;
        second.setColourMemory(first.colourMemory());
        QSet<RunId> moved;
        for (const RunId& id : checked)
            moved << RunId::make(u"tensorboard", u"/mnt/copy/runs", id.portableKey().mid(12));
        second.setCheckedRuns(moved);
        for (const RunId& id : checked) {
            const RunId there =
                RunId::make(u"tensorboard", u"/mnt/copy/runs", id.portableKey().mid(12));
            QCOMPARE(second.colour(there), first.colour(id));
        }
        QCOMPARE(second.colour(RunId::make(u"tensorboard", u"/mnt/copy/runs", u"baseline")),
                 0x123456u);
        // Runs never checked have the same colour there too.
        const RunId other = RunId::make(u"tensorboard", u"/home/me/runs", u"never");
        QCOMPARE(second.colour(RunId::make(u"tensorboard", u"/elsewhere", u"never")),
                 first.colour(other));
    }

    void shownIsFilterAndBrushes() {
        RunSelection selection;
        std::vector<Run> runs(3);
        for (int i = 0; i < 3; ++i) {
            runs[size_t(i)].id = RunId(QStringLiteral("r%1").arg(i));
            runs[size_t(i)].name = QStringLiteral("run-%1").arg(i);
            runs[size_t(i)].params.insert(QStringLiteral("lr"),
                                          ParamValue::parse(QString::number(i)));
        }
        for (const Run& run : runs)
            QVERIFY(selection.isShown(run));
        QSignalSpy shown(&selection, &RunSelection::shownChanged);
        selection.setChecked(runs[0].id, true);
        selection.setFilter(RunFilter::parse(QStringLiteral("params.lr >= 1")));
        QCOMPARE(shown.size(), 1);
        QVERIFY(!selection.isShown(runs[0]));
        QVERIFY(selection.isChecked(runs[0].id));  // hidden, still checked
        QVERIFY(selection.isShown(runs[1]) && selection.isShown(runs[2]));
        BrushSet brushes;
        AxisBrush low;
        low.lo = 0;
        low.hi = 1;
        brushes.setBrushes(ColumnRef::parse(QStringLiteral("params.lr")), {low});
        selection.setBrushes(brushes, runs);
        QCOMPARE(shown.size(), 2);
        QVERIFY(!selection.isShown(runs[0]));  // in the brush, not through the filter
        QVERIFY(selection.isShown(runs[1]));
        QVERIFY(!selection.isShown(runs[2]));  // through the filter, not in the brush
        selection.setFilter({});
        QVERIFY(selection.isShown(runs[0]));
    }

    void largestExperimentPicksTheStudyWithParams() {
        std::vector<Run> runs(7);
        for (size_t i = 0; i < runs.size(); ++i) {
            runs[i].experiment = i < 3 ? QStringLiteral("mlp-tpe") : QStringLiteral("logs");
            if (i < 3) runs[i].params.insert(QStringLiteral("lr"), ParamValue::parse("0.1"));
        }
        runs[6].params.insert(QStringLiteral("bs"), ParamValue::parse("32"));
        std::vector<const Run*> all;
        for (const Run& run : runs)
            all.push_back(&run);
        // "logs" has more runs, but only one with params.
        QCOMPARE(largestExperiment(all), QStringLiteral("mlp-tpe"));
        const std::vector<const Run*> one(all.begin(), all.begin() + 3);
        QVERIFY(largestExperiment(one).isEmpty());
    }

    void distinctLabelsForTensorBoardRunPaths() {
        const QStringList names = {QStringLiteral("hparam-search/trial_0"),
                                   QStringLiteral("hparam-search/trial_1/hp"),
                                   QStringLiteral("hparam-search/trial_2/1795811822.5366488"),
                                   QStringLiteral("hparam-search/trial_10")};
        const DistinctLabels out = distinctLabels(names, 20);
        QCOMPARE(out.prefix, QStringLiteral("hparam-search/"));
        QCOMPARE(out.labels[0], QStringLiteral("trial_0"));
        QCOMPARE(out.labels[1], QStringLiteral("trial_1/hp"));
        QCOMPARE(out.labels[2].size(), 20);
        QVERIFY(out.labels[2].startsWith(u"trial_2/"));
        QCOMPARE(out.labels[3], QStringLiteral("trial_10"));
    }

    void distinctLabelsForLongSweepNames() {
        const QStringList trials = {QStringLiteral("hparam-search/trial_0001_lr=0.1"),
                                    QStringLiteral("hparam-search/trial_0002_lr=0.01"),
                                    QStringLiteral("hparam-search/trial_0003_lr=0.001")};
        DistinctLabels out = distinctLabels(trials, 40);
        QCOMPARE(out.prefix, QStringLiteral("hparam-search/"));
        QCOMPARE(out.labels,
                 (QStringList{"trial_0001_lr=0.1", "trial_0002_lr=0.01", "trial_0003_lr=0.001"}));
        // Tight: "trial_" stays (a bare "0001_lr=0.1" says less), the middle goes.
        out = distinctLabels(trials, 16);
        QCOMPARE(out.prefix, QStringLiteral("hparam-search/"));
        QCOMPARE(QSet<QString>(out.labels.begin(), out.labels.end()).size(), 3);
        for (const QString& label : out.labels)
            QVERIFY2(label.size() <= 16 && label.startsWith(u"trial_"), qPrintable(label));
        // MLflow names too long to show whole: the shared words go when a word follows.
        const QStringList resnets = {"resnet50_imagenet_lr0.1_bs256_cosine",
                                     "resnet50_imagenet_lr0.01_bs256_cosine",
                                     "resnet50_imagenet_lr0.001_bs512_step"};
        out = distinctLabels(resnets, 24);
        QCOMPARE(out.prefix, QStringLiteral("resnet50_imagenet_"));
        QCOMPARE(out.labels,
                 (QStringList{"lr0.1_bs256_cosine", "lr0.01_bs256_cosine", "lr0.001_bs512_step"}));
    }

    void distinctLabelsForOptunaAndWandb() {
        // Optuna trials: short enough to keep; the study goes only when room is short.
        const QStringList trials = {"mlp-tpe#0", "mlp-tpe#12", "mlp-tpe#3"};
        DistinctLabels out = distinctLabels(trials, 24);
        QVERIFY(out.prefix.isEmpty());
        QCOMPARE(out.labels, trials);
        out = distinctLabels(trials, 6);
        QCOMPARE(out.prefix, QStringLiteral("mlp-tpe"));
        QCOMPARE(out.labels, (QStringList{"#0", "#12", "#3"}));
        // W&B's generated names share nothing: kept as they are.
        const QStringList wandb = {"dry-sun-12", "bright-moon-13", "dry-sun-2"};
        out = distinctLabels(wandb, 24);
        QVERIFY(out.prefix.isEmpty());
        QCOMPARE(out.labels, wandb);
    }

    void distinctLabelsNeverReadTheSame() {
        // Names alike at both ends: shown around where they differ.
        const QStringList stamps = {"train_20240101T120000Z_final_eval",
                                    "train_20240101T120500Z_final_eval"};
        DistinctLabels out = distinctLabels(stamps, 14);
        QVERIFY(out.prefix.isEmpty());  // a number follows "train_": kept
        QVERIFY2(out.labels[0] != out.labels[1], qPrintable(out.labels.join(u'|')));
        QVERIFY(out.labels[0].contains(u"1200") && out.labels[1].contains(u"1205"));
        for (const QString& label : out.labels)
            QVERIFY(label.size() <= 14);
        // Same names (two MLflow runs both called "run"): numbered.
        out = distinctLabels({"run", "run", "other"}, 20);
        QCOMPARE(out.labels, (QStringList{"run", "run (2)", "other"}));
        // A name that is the others' prefix keeps something of its own.
        out = distinctLabels({"mnist/", "mnist/lr"}, 20);
        QVERIFY(!out.labels[0].isEmpty());
        QVERIFY(out.labels[0] != out.labels[1]);
        // Many long names with a shared middle, at a tight width.
        QStringList many;
        for (int i = 0; i < 50; ++i)
            many << QStringLiteral("bert-base-uncased_lr%1_finetune-squad-v2_seed%2")
                        .arg(i % 7)
                        .arg(i);
        out = distinctLabels(many, 12);
        QCOMPARE(QSet<QString>(out.labels.begin(), out.labels.end()).size(), 50);
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
