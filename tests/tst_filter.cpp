// The filter language: MLflow's documented search examples give MLflow's runs; the
// extensions (or, not, parentheses, in, regex, bare words) work; errors carry a column.

#include <QTest>

#include "TestSupport.h"
#include "query/RunFilter.h"

using namespace runlens;
using namespace testsupport;

class TestFilter : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::vector<Run> m_runs;

    QStringList names(const QString& text) {
        FilterSyntaxError error;
        const RunFilter filter = RunFilter::parse(text, &error);
        if (!filter.isValid())
            qFatal("%s: %s at %d", qPrintable(text), qPrintable(error.message), error.column);
        QStringList out;
        for (const Run& run : m_runs)
            if (filter.matches(run)) out << run.name;
        out.sort();
        return out;
    }

private slots:
    void initTestCase() {
        const QString mlruns = extractMlruns("v3_11", m_tmp.path());
        ScanOptions options;
        options.includeDeleted = true;
        m_runs = loadProject(mlruns, options).delta.runs;
        QCOMPARE(m_runs.size(), size_t(12));
    }

    // The forms MLflow's search_runs documents, on runs MLflow wrote.
    void mlflowSyntax() {
        QCOMPARE(names("metrics.test_acc > 0.91"),
                 (QStringList{"child-lr-0.001", "child-lr-0.01"}));
        QCOMPARE(names("metrics.test_acc > 0.91 and params.batch_size = '96'"),
                 QStringList{"child-lr-0.001"});
        QCOMPARE(names("params.lr = '0.1'"), QStringList{"child-lr-0.1"});
        QCOMPARE(names("params.lr = \"0.1\""),
                 QStringList{"child-lr-0.1"});  // MLflow accepts double quotes
        QCOMPARE(names("params.`model/depth` = '4'"), QStringList{"child-lr-0.01"});
        QCOMPARE(names("tags.mlflow.runName LIKE 'child-lr-0.0%'"),
                 (QStringList{"child-lr-0.001", "child-lr-0.01"}));
        QCOMPARE(names("tags.mlflow.runName ILIKE 'CHILD%0.1'"), (QStringList{"child-lr-0.1"}));
        QCOMPARE(names("attributes.status = 'FAILED'"), QStringList{"crashed"});
        QCOMPARE(names("attributes.status != 'FINISHED'"), (QStringList{"crashed", "killed"}));
        QCOMPARE(names("attributes.run_name = 'odd-values'"), QStringList{"odd-values"});
        QCOMPARE(names("attributes.start_time < 1700000000001"), QStringList{"default-exp-run"});
        QCOMPARE(names("metrics.`train/loss` < 0.5"),
                 (QStringList{"child-lr-0.1", "to-be-deleted"}));
        QCOMPARE(names("metrics.\"val/acc\" >= 0.5"),
                 (QStringList{"child-lr-0.01", "child-lr-0.1"}));
        QCOMPARE(names("tags.mlflow.parentRunId != ''"),
                 (QStringList{"child-lr-0.001", "child-lr-0.01", "child-lr-0.1"}));
        // A run without the key never matches, also for != (MLflow's rule).
        QCOMPARE(names("params.lr != '0.1'"),
                 (QStringList{"child-lr-0.001", "child-lr-0.01", "crashed", "to-be-deleted"}));
        QCOMPARE(names("attributes.lifecycle_stage = 'deleted'"),
                 (QStringList{"in-deleted-exp", "to-be-deleted"}));
    }

    void extensions() {
        QCOMPARE(names("params.lr < 0.05"),
                 (QStringList{"child-lr-0.001", "child-lr-0.01"}));        // numeric params
        QCOMPARE(names("params.lr = 1e-1"), QStringList{"child-lr-0.1"});  // by value, not spelling
        QCOMPARE(names("attributes.status = 'killed' or attributes.status = 'failed'"),
                 (QStringList{"crashed", "killed"}));
        QCOMPARE(names("not attributes.status = 'finished'"), (QStringList{"crashed", "killed"}));
        QCOMPARE(names("(metrics.test_acc > 0.93 or params.lr = '0.1') and params.batch_size in "
                       "('32', '96')"),
                 (QStringList{"child-lr-0.001", "child-lr-0.1"}));
        QCOMPARE(names("params.optimizer not in ('sgd')"), QStringList{"parent-sweep"});
        QCOMPARE(names("attributes.run_name ~ '^child-lr-0\\.0+1$'"),
                 (QStringList{"child-lr-0.001", "child-lr-0.01"}));
        QCOMPARE(names("child 0.01"), QStringList{"child-lr-0.01"});  // bare words: all in the name
        QCOMPARE(names("'lr-0.1'"), QStringList{"child-lr-0.1"});
        QCOMPARE(names("test_acc > 0.93"), QStringList{"child-lr-0.001"});  // no prefix: the metric
        QCOMPARE(names("status = 'KILLED'"), QStringList{"killed"});  // no prefix: the attribute
        QCOMPARE(names("metrics.m < 0"), QStringList{"odd-values"});  // -inf is a number
        QCOMPARE(names("metrics.test_acc >= 0.9 AND NOT params.lr = 0.001"),
                 (QStringList{"child-lr-0.01", "child-lr-0.1"}));
        QCOMPARE(names(""), QStringList(names("not nothing-matches-this")));
        QCOMPARE(names("").size(), 12);
    }

    // Keys without a prefix, for saying which column a bare key read.
    void bareKeys() {
        QCOMPARE(RunFilter::parse("lr > 0.1 and (not params.lr = 1 or `val/acc` < 2 or lr < 3)")
                     .bareKeys(),
                 (QStringList{"lr", "val/acc"}));
        QCOMPARE(RunFilter::parse("status = 'FINISHED' and metrics.lr > 0 and resnet").bareKeys(),
                 QStringList());
        QCOMPARE(RunFilter().bareKeys(), QStringList());
    }

    void syntaxErrorsHaveColumns_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("column");
        QTest::newRow("no value") << "metrics.acc >" << 14;
        QTest::newRow("operator as value") << "metrics.acc > and x" << 15;
        QTest::newRow("unclosed quote") << "params.opt = 'adam" << 14;
        QTest::newRow("unclosed paren") << "(metrics.acc > 1" << 17;
        QTest::newRow("stray paren") << "metrics.acc > 1)" << 16;
        QTest::newRow("bang") << "metrics.acc ! 1" << 13;
        QTest::newRow("in without list") << "params.x in 'a'" << 13;
        QTest::newRow("bad regex") << "tags.x ~ '('" << 10;
        QTest::newRow("dangling and") << "metrics.acc > 1 and" << 20;
    }
    void syntaxErrorsHaveColumns() {
        QFETCH(QString, text);
        QFETCH(int, column);
        FilterSyntaxError error;
        const RunFilter filter = RunFilter::parse(text, &error);
        QVERIFY(!filter.isValid());
        QVERIFY(!error.message.isEmpty());
        QCOMPARE(error.column, column);
        for (const Run& run : m_runs)
            QVERIFY(!filter.matches(run));
    }

    void cliFilter() {
        const CliResult ok = runCli({"runs", m_tmp.path() + "/mlruns", "--format", "csv",
                                     "--filter", "metrics.test_acc > 0.91"});
        QCOMPARE(ok.exitCode, 0);
        QCOMPARE(ok.out.count("\r\n"), 3);  // header + 2 runs
        const CliResult bad =
            runCli({"runs", m_tmp.path() + "/mlruns", "--filter", "metrics.acc >"});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("at column 14"), bad.err.constData());
        QVERIFY(bad.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFilter)
#include "tst_filter.moc"
