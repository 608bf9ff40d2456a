// SQLite files read without writing beside them (issue 15, points 7-8): a WAL database gets
// no -wal or -shm, a live writer's -wal is read through and left byte for byte, a hot
// rollback journal or a -wal without its -shm is read from a private copy, and a file SQLite
// cannot read is reported with SQLite's own reason, never as "without MLflow's tables".

#include <sqlite3.h>
#include <unistd.h>

#include <QTest>

#include "HostileInputs.h"
#include "TestSupport.h"

using namespace runlens;
using namespace testsupport;
using namespace hostile;

namespace {

// Run names of a listing, sorted.
QStringList names(const Listing& listing) {
    QStringList out;
    for (const QJsonValue& run : listing.runs())
        out << run["name"].toString();
    out.sort();
    return out;
}

// A connection of the test's own: a training job writing to the database.
class Writer {
public:
    explicit Writer(const QString& path) {
        if (sqlite3_open(path.toUtf8().constData(), &m_db) != SQLITE_OK) qFatal("open failed");
    }
    ~Writer() { sqlite3_close(m_db); }
    void exec(const char* sql) {
        char* error = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK)
            qFatal("sql failed: %s", error);
    }

private:
    sqlite3* m_db = nullptr;
};

QString walDatabase(const QString& dir) {
    const QString db = copyFixture("mlflow/v3_11/mlflow.db", dir);
    executeSql(db, "PRAGMA journal_mode=WAL;");  // the last connection's close removes -wal
    return db;
}

// The bytes of `files` under `dir`, for "not a byte changed" where -shm may change.
QMap<QString, QByteArray> bytesOf(const QString& dir, const QStringList& files) {
    QMap<QString, QByteArray> out;
    for (const QString& name : files) {
        QFile f(dir + u'/' + name);
        out.insert(name, f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("missing"));
    }
    return out;
}

}  // namespace

class TestHostileSqlite : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QTemporaryDir settings;
        useOwnSettings(settings.path());
    }

    // A WAL database whose writer is gone: mode=ro alone would leave -wal and -shm behind.
    void cleanWalDatabaseGetsNoFiles() {
        QTemporaryDir tmp;
        walDatabase(tmp.path());
        const auto before = fingerprint(tmp.path());
        QCOMPARE(before.size(), 1);
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.exitCode, 0);
        QCOMPARE(listing.runs().size(), 10);
        QCOMPARE(listing.problems().size(), 0);
        // In process too, with every history loaded and the change probe asked.
        const LoadedProject project = loadProject(tmp.path(), {});
        QCOMPARE(project.delta.runs.size(), size_t(10));
        for (const Run& run : project.delta.runs)
            for (const QString& key : run.metrics.keys())
                QVERIFY(project.sourceFor(run)->loadHistory(run, key).found);
        project.sources.front()->mayHaveChanged();
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // A live writer with frames not yet checkpointed: read through its -wal (every row), and
    // neither the database nor the -wal changes by a byte; no other file appears.
    void liveWriterWalIsReadThrough() {
        QTemporaryDir tmp;
        const QString db = walDatabase(tmp.path());
        Writer writer(db);
        writer.exec("PRAGMA wal_autocheckpoint=0; UPDATE runs SET name = name || '-wal';");
        const QStringList files = {"mlflow.db", "mlflow.db-wal"};
        const auto before = bytesOf(tmp.path(), files);
        QVERIFY(before["mlflow.db-wal"].size() > 0);
        const QStringList entries = QDir(tmp.path()).entryList(QDir::Files);
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 10);
        for (const QString& name : names(listing))
            QVERIFY2(name.endsWith("-wal"), qPrintable(name));
        QCOMPARE(bytesOf(tmp.path(), files), before);
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), entries);
    }

    // The same frames in a -wal whose -shm is gone (a crashed writer, a copied store): read
    // from a private copy, every row, said; no -shm appears.
    void walWithoutShmIsReadFromACopy() {
        QTemporaryDir live, copied;
        const QString db = walDatabase(live.path());
        Writer writer(db);
        writer.exec("PRAGMA wal_autocheckpoint=0; UPDATE runs SET name = name || '-wal';");
        QVERIFY(QFile::copy(db, copied.path() + "/mlflow.db"));
        QVERIFY(QFile::copy(db + "-wal", copied.path() + "/mlflow.db-wal"));
        const auto before = fingerprint(copied.path());
        const Listing listing = listRuns(copied.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 10);
        for (const QString& name : names(listing))
            QVERIFY2(name.endsWith("-wal"), qPrintable(name));
        const QStringList said = listing.problemsNaming("mlflow.db");
        QCOMPARE(said.size(), 1);
        QVERIFY2(said[0].contains("private copy"), qPrintable(said[0]));
        QCOMPARE(fingerprint(copied.path()), before);
    }

    // A WAL database in a folder the reader cannot write: read whole (as `nobody` when the
    // tests run as root, since root writes anywhere).
    void walDatabaseInAReadOnlyFolder() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/ro";
        QDir().mkpath(dir);
        walDatabase(dir);
        QStringList prefix;
        QString cli;
        if (geteuid() == 0) {
            // A copy of the CLI nobody can run, wherever the build folder lies.
            cli = tmp.path() + "/runlens-cli";
            QVERIFY(QFile::copy(testsupport::cliPath(), cli));
            QProcess::execute("chmod", {"-R", "a+rX", tmp.path()});
            for (QString d = tmp.path(); d.size() > 1; d = QFileInfo(d).absolutePath())
                QProcess::execute("chmod", {"a+x", d});
            prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        }
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                                       QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
        const auto before = fingerprint(dir);
        const Listing listing = runCliWithin({"runs", dir, "--format", "json"}, 60000, prefix, cli);
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(listing.finished);
        QCOMPARE(listing.exitCode, 0);
        QCOMPARE(listing.runs().size(), 10);
        QCOMPARE(listing.problems().size(), 0);
        QCOMPARE(fingerprint(dir), before);
    }

    // A hot rollback journal (a writer stopped mid-transaction) is rolled back in a private
    // copy: the runs as committed, one sentence, and the journal left where it was.
    void hotRollbackJournalIsRolledBackInACopy() {
        QTemporaryDir writing, crashed;
        const QString db = copyFixture("mlflow/v3_11/mlflow.db", writing.path());
        {
            Writer writer(db);
            // A one-page cache spills the transaction into the database file, so the journal
            // holds the pages as they were: copied now, the pair is a crash mid-transaction.
            writer.exec(
                "PRAGMA cache_size=1; BEGIN; UPDATE runs SET name = 'uncommitted';"
                "UPDATE metrics SET value = value + 1;");
            QVERIFY(QFileInfo(db + "-journal").size() > 0);
            QVERIFY(QFile::copy(db, crashed.path() + "/mlflow.db"));
            QVERIFY(QFile::copy(db + "-journal", crashed.path() + "/mlflow.db-journal"));
            writer.exec("ROLLBACK;");
        }
        const auto before = fingerprint(crashed.path());
        const Listing listing = listRuns(crashed.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 10);
        QVERIFY(!names(listing).contains("uncommitted"));
        const QStringList said = listing.problemsNaming("mlflow.db");
        QCOMPARE(said.size(), 1);
        QVERIFY2(said[0].contains("hot rollback journal"), qPrintable(said[0]));
        QCOMPARE(fingerprint(crashed.path()), before);
    }

    // SQLite's own reason, for MLflow's and Optuna's files alike, beside a good store.
    void damagedDatabasesSaySQLitesReason_data() {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("corrupt optuna.db")
            << "optuna/sqlite/optuna.db"
            << "optuna.db" << 100 << QByteArray(3000, '\xff')
            << "cannot be read by SQLite: database disk image is malformed";
        QTest::newRow("corrupt page count")
            << "mlflow/v2_21/mlflow.db"
            << "other.db" << 28 << QByteArray("\x00\x01\x86\xa0", 4)
            << "cannot be read by SQLite: database disk image is malformed";
        QTest::newRow("header only")
            << "mlflow/v2_21/mlflow.db"
            << "store.sqlite" << 16 << QByteArray(4000, '\0') << "cannot be read by SQLite";
    }
    void damagedDatabasesSaySQLitesReason() {
        QFETCH(QString, fixture);
        QFETCH(QString, name);
        QFETCH(int, offset);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, sentence);
        QTemporaryDir tmp;
        copyFixture("mlflow/v3_11/mlflow.db", tmp.path());
        const QString bad = copyFixture(fixture, tmp.path(), name);
        QFile f(bad);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(offset);
        f.write(bytes);
        f.close();
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.exitCode, 0);
        QCOMPARE(listing.runs().size(), 10);
        const QStringList said = listing.problemsNaming(name);
        QVERIFY2(said.size() == 1, qPrintable(listing.allProblems()));
        QVERIFY2(said[0].contains(sentence), qPrintable(said[0]));
        QVERIFY(!said[0].contains("without MLflow's tables"));
        QCOMPARE(fingerprint(tmp.path()), before);
    }
};

QTEST_GUILESS_MAIN(TestHostileSqlite)
#include "tst_hostile_sqlite.moc"
