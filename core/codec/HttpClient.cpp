#include "HttpClient.h"

#include <QDeadlineTimer>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>
#include <QWaitCondition>
#include <algorithm>

#include "EnvironmentProxy.h"

namespace runlens {

namespace {

// One request on its way: the network thread fills `reply`, the sending thread waits.
struct Pending {
    QMutex mutex;
    QWaitCondition done;
    bool finished = false;
    HttpReply reply;
    QPointer<QNetworkReply> network;  // network thread only
    bool timedOut = false;            // network thread only
    bool tooLarge = false;            // network thread only
    void finish(HttpReply result) {
        QMutexLocker lock(&mutex);
        reply = std::move(result);
        finished = true;
        done.wakeAll();
    }
};

bool isRetried(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// Waits `ms`, or less when cancelled; false when cancelled.
bool pause(int ms, const std::atomic_bool* cancel) {
    const QDeadlineTimer until(ms);
    while (!until.hasExpired()) {
        if (cancel && cancel->load()) return false;
        QThread::msleep(qMin<qint64>(20, std::max<qint64>(1, until.remainingTime())));
    }
    return !(cancel && cancel->load());
}

int retryAfterSeconds(const QByteArray& value) {
    bool ok = false;
    const int seconds = value.trimmed().toInt(&ok);
    return ok && seconds >= 0 ? seconds : -1;  // an HTTP date is taken as "no advice"
}

QNetworkRequest networkRequest(const HttpRequest& request, const HttpSettings& settings) {
    QNetworkRequest r(request.url);
    r.setRawHeader("Accept", "application/json");
    r.setRawHeader("User-Agent", QByteArrayLiteral("RunLens/") + RUNLENS_VERSION);
    if (!request.jsonBody.isEmpty()) r.setRawHeader("Content-Type", "application/json");
    // Sent with the first request, as MLflow's own client does (no challenge round trip).
    if (!settings.user.isEmpty())
        r.setRawHeader("Authorization",
                       "Basic " + (settings.user + u':' + settings.password).toUtf8().toBase64());
    else if (!settings.bearerToken.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + settings.bearerToken.toUtf8());
    if (request.url.scheme() == u"https") {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (settings.insecureTls) tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        if (!settings.caCertificates.isEmpty())
            tls.setCaCertificates(QSslCertificate::fromPath(settings.caCertificates));
        r.setSslConfiguration(tls);
    }
    return r;
}

HttpReply::Failure failureOf(QNetworkReply::NetworkError error) {
    switch (error) {
        case QNetworkReply::ConnectionRefusedError:
            return HttpReply::Failure::Refused;
        case QNetworkReply::HostNotFoundError:
            return HttpReply::Failure::HostNotFound;
        case QNetworkReply::SslHandshakeFailedError:
            return HttpReply::Failure::Tls;
        case QNetworkReply::TimeoutError:
            return HttpReply::Failure::Timeout;
        default:
            return HttpReply::Failure::Network;
    }
}

// Errors Qt gives for an HTTP status: the answer itself, not a failure to get one.
bool isStatusError(QNetworkReply::NetworkError error) {
    return (error >= QNetworkReply::ContentAccessDenied &&
            error <= QNetworkReply::UnknownContentError) ||
           (error >= QNetworkReply::ProtocolUnknownError &&
            error <= QNetworkReply::UnknownServerError && error != QNetworkReply::ProtocolFailure);
}

}  // namespace

class HttpClient::Worker : public QObject {
public:
    void start(const std::shared_ptr<Pending>& pending, const HttpRequest& request,
               const HttpSettings& settings) {
        if (!m_network) {
            m_network = new QNetworkAccessManager(this);
            m_network->setProxyFactory(new EnvironmentProxy);
            m_network->setAutoDeleteReplies(false);
        }
        QNetworkReply* reply = m_network->sendCustomRequest(networkRequest(request, settings),
                                                            request.method, request.jsonBody);
        pending->network = reply;
        auto* stall = new QTimer(reply);
        stall->setSingleShot(true);
        stall->start(settings.timeoutMs);
        auto body = std::make_shared<QByteArray>();
        const qint64 maxBytes = settings.maxBodyBytes;
        connect(stall, &QTimer::timeout, reply, [pending, reply] {
            pending->timedOut = true;
            reply->abort();
        });
        connect(reply, &QNetworkReply::uploadProgress, stall, [stall] { stall->start(); });
        connect(reply, &QNetworkReply::readyRead, reply, [pending, reply, stall, body, maxBytes] {
            stall->start();
            if (body->size() + reply->bytesAvailable() > maxBytes) {
                pending->tooLarge = true;
                reply->abort();
                return;
            }
            body->append(reply->readAll());
        });
        connect(reply, &QNetworkReply::finished, reply, [pending, reply, body, settings] {
            if (reply->isOpen()) body->append(reply->readAll());
            pending->finish(result(*pending, *reply, std::move(*body), settings));
            reply->deleteLater();
        });
    }

    static void abort(const std::shared_ptr<Pending>& pending) {
        if (pending->network) pending->network->abort();
    }

private:
    static HttpReply result(const Pending& pending, QNetworkReply& reply, QByteArray body,
                            const HttpSettings& settings) {
        HttpReply out;
        out.attempts = 1;
        const QVariant status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
        out.status = status.isValid() ? status.toInt() : 0;
        out.contentType = reply.rawHeader("Content-Type");
        out.retryAfterSeconds = retryAfterSeconds(reply.rawHeader("Retry-After"));
        const QNetworkReply::NetworkError error = reply.error();
        if (pending.timedOut) {
            out.failure = HttpReply::Failure::Timeout;
            out.error = QStringLiteral("sent nothing for %1 s").arg(settings.timeoutMs / 1000.0);
        } else if (pending.tooLarge) {
            out.failure = HttpReply::Failure::TooLarge;
            out.error = QStringLiteral("sent an answer longer than %1")
                            .arg(QLocale::c().formattedDataSize(settings.maxBodyBytes));
        } else if (error == QNetworkReply::OperationCanceledError) {
            out.failure = HttpReply::Failure::Cancelled;
            out.error = QStringLiteral("was not waited for (cancelled)");
        } else if (error != QNetworkReply::NoError && !(out.status > 0 && isStatusError(error))) {
            // An answer that began (a status line) and did not end is cut; anything else
            // failed before an answer.
            out.failure = out.status > 0 ? HttpReply::Failure::Cut : failureOf(error);
            out.error = reply.errorString();
            if (out.failure == HttpReply::Failure::Cut)
                out.error = QStringLiteral("stopped sending after %1 bytes (%2)")
                                .arg(body.size())
                                .arg(reply.errorString());
        }
        if (out.failure == HttpReply::Failure::None) out.body = std::move(body);
        return out;
    }

    QNetworkAccessManager* m_network = nullptr;
};

bool HttpReply::unreachable() const {
    return failure == Failure::Refused || failure == Failure::HostNotFound ||
           failure == Failure::Tls || failure == Failure::Timeout || failure == Failure::Network;
}

QString HttpReply::describe() const {
    switch (failure) {
        case Failure::None: {
            QString text = QStringLiteral("answered HTTP %1").arg(status);
            if (attempts > 1) text += QStringLiteral(" %1 times").arg(attempts);
            return text;
        }
        case Failure::Refused:
            return QStringLiteral("refused the connection (nothing listens there)");
        case Failure::HostNotFound:
            return QStringLiteral("could not be found (%1)").arg(error);
        case Failure::Tls:
            return QStringLiteral("failed the TLS handshake (%1)").arg(error);
        default:
            return error;
    }
}

HttpClient::HttpClient(const HttpSettings& settings) : m_settings(settings) {
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("RunLens HTTP"));
    m_worker = new Worker;
    m_worker->moveToThread(m_thread);
    QObject::connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

HttpClient::~HttpClient() {
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

HttpSettings HttpClient::settings() const {
    QMutexLocker lock(&m_mutex);
    return m_settings;
}

void HttpClient::setSettings(const HttpSettings& settings) {
    QMutexLocker lock(&m_mutex);
    m_settings = settings;
}

HttpReply HttpClient::sendOnce(const HttpRequest& request, const HttpSettings& settings,
                               const std::atomic_bool* cancel) {
    auto pending = std::make_shared<Pending>();
    ++m_sent;
    Worker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, pending, request, settings] { worker->start(pending, request, settings); },
        Qt::QueuedConnection);
    QMutexLocker lock(&pending->mutex);
    while (!pending->finished) {
        if (cancel && cancel->load()) {
            // Not waited for: the network thread ends it and drops the answer.
            QMetaObject::invokeMethod(
                worker, [pending] { Worker::abort(pending); }, Qt::QueuedConnection);
            HttpReply reply;
            reply.failure = HttpReply::Failure::Cancelled;
            reply.error = QStringLiteral("was not waited for (cancelled)");
            return reply;
        }
        pending->done.wait(&pending->mutex, QDeadlineTimer(20));
    }
    return pending->reply;
}

HttpReply HttpClient::send(const HttpRequest& request, const std::atomic_bool* cancel) {
    const HttpSettings settings = this->settings();
    HttpReply reply;
    for (int attempt = 0;; ++attempt) {
        reply = sendOnce(request, settings, cancel);
        reply.attempts = attempt + 1;
        if (!reply.answered() || !isRetried(reply.status) || attempt >= settings.retries)
            return reply;
        const int backoff = reply.retryAfterSeconds >= 0
                                ? reply.retryAfterSeconds * 1000
                                : settings.backoffMs * (1 << std::min(attempt, 20));
        if (!pause(std::min(backoff, settings.maxBackoffMs), cancel)) {
            reply.failure = HttpReply::Failure::Cancelled;
            reply.error = QStringLiteral("was not waited for (cancelled)");
            return reply;
        }
    }
}

}  // namespace runlens
