#include "PasswordStore.h"

#include <qt6keychain/keychain.h>

namespace runlens {

namespace {

const auto kService = QStringLiteral("RunLens");

QString keyOf(const QString& server, const QString& user) {
    return user + u'@' + server;
}

// Why the keyring did not do it, for a user: none running is said as such.
QString problemOf(const QKeychain::Job& job) {
    if (job.error() == QKeychain::NoError || job.error() == QKeychain::EntryNotFound) return {};
    if (job.error() == QKeychain::NoBackendAvailable)
        return QObject::tr("No keyring service is running (%1)").arg(job.errorString());
    return QObject::tr("The system keyring could not be used (%1)").arg(job.errorString());
}

template <typename Job>
Job* job(const QString& server, const QString& user) {
    auto* j = new Job(kService);
    j->setKey(keyOf(server, user));
    j->setAutoDelete(true);
    j->setInsecureFallback(false);  // never a file of plain text in place of a keyring
    return j;
}

}  // namespace

void PasswordStore::read(const QString& server, const QString& user, QObject* context,
                         std::function<void(const QString&, const QString&)> done) {
    auto* j = job<QKeychain::ReadPasswordJob>(server, user);
    QObject::connect(j, &QKeychain::Job::finished, context, [done](QKeychain::Job* finished) {
        const auto* read = static_cast<QKeychain::ReadPasswordJob*>(finished);
        done(read->error() == QKeychain::NoError ? read->textData() : QString(), problemOf(*read));
    });
    j->start();
}

void PasswordStore::write(const QString& server, const QString& user, const QString& password,
                          QObject* context, std::function<void(const QString&)> done) {
    auto* j = job<QKeychain::WritePasswordJob>(server, user);
    j->setTextData(password);
    QObject::connect(j, &QKeychain::Job::finished, context,
                     [done](QKeychain::Job* finished) { done(problemOf(*finished)); });
    j->start();
}

void PasswordStore::forget(const QString& server, const QString& user) {
    job<QKeychain::DeletePasswordJob>(server, user)->start();
}

}  // namespace runlens
