#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

// A throwaway PostgreSQL cluster for tests, from Debian's postgresql-15 binaries: initdb in a
// temporary folder, a free port on 127.0.0.1, the unix socket in that folder, stopped and
// removed when the object goes. PostgreSQL refuses to run as root: as root the server runs as
// the `postgres` user (or `nobody`), through runuser. The superuser `postgres` connects by the
// socket without a password; TCP connections need a password (scram-sha-256).
namespace testsupport {

class PostgresCluster {
public:
    PostgresCluster() = default;
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;
    ~PostgresCluster() { stop(); }

    // Where Debian keeps the server's binaries (the newest version), or RUNLENS_PG_BIN; empty
    // when PostgreSQL is not installed.
    static QString binDir() {
        const QString forced = qEnvironmentVariable("RUNLENS_PG_BIN");
        if (!forced.isEmpty()) return QFile::exists(forced + "/initdb") ? forced : QString();
        QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql"))
                                   .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        std::sort(versions.begin(), versions.end(),
                  [](const QString& a, const QString& b) { return a.toInt() > b.toInt(); });
        for (const QString& v : versions) {
            const QString bin = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(v);
            if (QFile::exists(bin + "/initdb") && QFile::exists(bin + "/pg_ctl")) return bin;
        }
        return {};
    }

    // A port nobody listens on right now (bound, read back, released).
    static int freePort() {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        int port = 0;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
            port = ntohs(addr.sin_port);
        ::close(fd);
        return port;
    }

    // initdb, then start; false with `why` set when something failed.
    bool start(QString* why) {
        m_bin = binDir();
        if (m_bin.isEmpty()) return fail(why, QStringLiteral("PostgreSQL's binaries not found"));
        if (!m_dir.isValid()) return fail(why, QStringLiteral("no temporary folder"));
        if (::geteuid() == 0) {
            for (const char* name : {"postgres", "nobody"})
                if (const passwd* pw = ::getpwnam(name)) {
                    m_runAs = QString::fromLatin1(name);
                    if (::chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid,
                                pw->pw_gid) != 0)
                        return fail(why, QStringLiteral("cannot hand the folder to %1").arg(name));
                    break;
                }
            if (m_runAs.isEmpty()) return fail(why, QStringLiteral("no user to run PostgreSQL"));
        }
        QFile pw(m_dir.path() + "/pw");
        if (!pw.open(QIODevice::WriteOnly) || pw.write(kSuperPassword) < 0)
            return fail(why, QStringLiteral("cannot write the password file"));
        pw.close();
        pw.setPermissions(QFile::ReadOwner | QFile::ReadOther);
        QString out;
        if (!runServerTool(
                QStringLiteral("initdb"),
                {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), QStringLiteral("postgres"),
                 QStringLiteral("--pwfile"), pw.fileName(), QStringLiteral("--auth-local=trust"),
                 QStringLiteral("--auth-host=scram-sha-256"), QStringLiteral("-E"),
                 QStringLiteral("UTF8"), QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                &out))
            return fail(why, QStringLiteral("initdb failed: ") + out);
        m_port = freePort();
        return startServer(why);
    }

    // Starts the server again after stopServer(), on the same port.
    bool startServer(QString* why) {
        QString out;
        const QString options = QStringLiteral(
                                    "-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off "
                                    "-c synchronous_commit=off -c full_page_writes=off")
                                    .arg(m_port)
                                    .arg(m_dir.path());
        if (!runServerTool(
                QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), dataDir(), QStringLiteral("-o"), options,
                 QStringLiteral("-l"), m_dir.path() + "/server.log", QStringLiteral("-w"),
                 QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("start")},
                &out))
            return fail(why, QStringLiteral("pg_ctl start failed: ") + out + serverLog());
        m_running = true;
        return true;
    }

    void stopServer() {
        if (!m_running) return;
        runServerTool(QStringLiteral("pg_ctl"),
                      {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"),
                       QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")},
                      nullptr);
        m_running = false;
    }
    void stop() { stopServer(); }

    int port() const { return m_port; }
    QString socketDir() const { return m_dir.path(); }

    // postgresql://user:password@127.0.0.1:port/db
    QString url(const QString& db, const QString& user = QStringLiteral("postgres"),
                const QString& password = QString::fromLatin1(kSuperPassword)) const {
        return QStringLiteral("postgresql://%1%2@127.0.0.1:%3/%4")
            .arg(user, password.isEmpty() ? QString() : u':' + password)
            .arg(m_port)
            .arg(db);
    }

    // Runs `sql` with psql as the superuser over the socket; the output (unaligned, tuples
    // only) in `out`. `input`, when given, is fed on standard input instead.
    bool psql(const QString& db, const QString& sql, QString* out = nullptr,
              const QByteArray& input = {}) const {
        QProcess p;
        QStringList args{QStringLiteral("-X"),
                         QStringLiteral("-q"),
                         QStringLiteral("-At"),
                         QStringLiteral("-v"),
                         QStringLiteral("ON_ERROR_STOP=1"),
                         QStringLiteral("-h"),
                         m_dir.path(),
                         QStringLiteral("-p"),
                         QString::number(m_port),
                         QStringLiteral("-U"),
                         QStringLiteral("postgres"),
                         QStringLiteral("-d"),
                         db};
        if (!sql.isEmpty()) args << QStringLiteral("-c") << sql;
        p.setProgram(m_bin + "/psql");
        p.setArguments(args);
        p.setProcessEnvironment(cleanEnvironment());
        p.start();
        if (!input.isEmpty()) p.write(input);
        p.closeWriteChannel();
        const bool ok = p.waitForFinished(300000) && p.exitStatus() == QProcess::NormalExit &&
                        p.exitCode() == 0;
        const QString text =
            QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
        if (out) *out = text;
        if (!ok) qWarning("psql failed: %s", qPrintable(text.left(2000)));
        return ok;
    }

    // Restores a plain pg_dump into a new database `db`. pg_dump 15.14+ writes \restrict and
    // \unrestrict lines that older psql rejects: they are dropped.
    bool restore(const QString& db, const QString& dumpPath) const {
        QFile dump(dumpPath);
        if (!dump.open(QIODevice::ReadOnly)) return false;
        QByteArray sql;
        while (!dump.atEnd()) {
            const QByteArray line = dump.readLine();
            if (!line.startsWith("\\restrict") && !line.startsWith("\\unrestrict")) sql += line;
        }
        return psql(QStringLiteral("postgres"), QStringLiteral("CREATE DATABASE \"%1\"").arg(db)) &&
               psql(db, {}, nullptr, sql);
    }

    // Every table of `db`'s public schema: its row count and an MD5 of its rows (sorted as
    // text), and the writes PostgreSQL counted on it (inserts, updates, deletes).
    QMap<QString, QString> tableDigests(const QString& db) const {
        QString tables;
        psql(db,
             QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                            "ORDER BY 1"),
             &tables);
        QMap<QString, QString> out;
        for (const QString& table : tables.split(u'\n', Qt::SkipEmptyParts)) {
            QString digest;
            psql(db,
                 QStringLiteral("SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, "
                                "E'\\n' ORDER BY t::text)), '') || ' writes ' || "
                                "(SELECT n_tup_ins + n_tup_upd + n_tup_del FROM "
                                "pg_stat_user_tables WHERE relname = '%1') FROM public.\"%1\" t")
                     .arg(table),
                 &digest);
            out.insert(table, digest);
        }
        return out;
    }

private:
    static constexpr const char* kSuperPassword = "runlens-test-super";

    QString dataDir() const { return m_dir.path() + "/data"; }

    QString serverLog() const {
        QFile log(m_dir.path() + "/server.log");
        return log.open(QIODevice::ReadOnly) ? u'\n' + QString::fromUtf8(log.readAll().right(2000))
                                             : QString();
    }

    // The PG* variables of whoever runs the tests must not steer the cluster.
    static QProcessEnvironment cleanEnvironment() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& key : env.keys())
            if (key.startsWith(u"PG")) env.remove(key);
        return env;
    }

    bool runServerTool(const QString& tool, QStringList args, QString* out) const {
        QProcess p;
        if (m_runAs.isEmpty()) {
            p.setProgram(m_bin + u'/' + tool);
        } else {
            p.setProgram(QStringLiteral("runuser"));
            args.prepend(m_bin + u'/' + tool);
            args = QStringList{QStringLiteral("-u"), m_runAs, QStringLiteral("--")} + args;
        }
        p.setArguments(args);
        p.setProcessEnvironment(cleanEnvironment());
        p.setWorkingDirectory(m_dir.path());
        p.start();
        const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit &&
                        p.exitCode() == 0;
        if (out) *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return ok;
    }

    static bool fail(QString* why, const QString& text) {
        if (why) *why = text;
        return false;
    }

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_runAs;  // as root: the user the server runs as
    int m_port = 0;
    bool m_running = false;
};

}  // namespace testsupport
