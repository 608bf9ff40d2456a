#pragma once

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QUrl>
#include <atomic>
#include <memory>

class QThread;

namespace runlens {

// How a client reaches one server: who it says it is, which certificates it trusts, how long
// it waits and how often it asks again.
struct HttpSettings {
    QString user;  // basic authentication when set, with `password`
    QString password;
    QString bearerToken;       // `Authorization: Bearer` when no user is set
    bool insecureTls = false;  // accept any certificate
    QString caCertificates;    // a PEM file of the authorities to trust instead of the system's
    int timeoutMs = 30'000;    // a request that receives nothing for this long ends
    // Answers 429, 500, 502, 503 and 504 are asked again up to `retries` times, after
    // `backoffMs` doubling each time, or after the Retry-After the server asked for (at most
    // `maxBackoffMs` either way).
    int retries = 4;
    int backoffMs = 500;
    int maxBackoffMs = 10'000;
    qint64 maxBodyBytes = qint64(512) << 20;  // a longer answer is refused, not held
};

struct HttpRequest {
    QByteArray method = "GET";
    QUrl url;
    QByteArray jsonBody;  // sent with Content-Type: application/json when not empty
};

struct HttpReply {
    enum class Failure {
        None,          // the server answered (any status)
        Refused,       // nothing listens there
        HostNotFound,  // the name does not resolve
        Tls,           // the TLS handshake or the certificate failed
        Timeout,       // nothing came for HttpSettings::timeoutMs
        Cancelled,
        Cut,       // the answer ended before its end
        TooLarge,  // longer than HttpSettings::maxBodyBytes
        Network    // any other failure before an answer
    };
    Failure failure = Failure::None;
    int status = 0;  // the HTTP status, when the server answered
    QByteArray body;
    QByteArray contentType;
    QString error;     // why it failed, when it did: Qt's own words
    int attempts = 0;  // 1, or more when it was asked again
    int retryAfterSeconds = -1;

    bool answered() const { return failure == Failure::None; }
    bool ok() const { return answered() && status >= 200 && status < 300; }
    // The server could not be reached at all: refused, no such host, TLS, no answer in time.
    bool unreachable() const;
    // One fragment for a sentence: "answered HTTP 503 (Service Unavailable) 5 times",
    // "refused the connection", "sent nothing for 30 s".
    QString describe() const;
};

// An HTTP client for worker threads: send() blocks the calling thread until the answer is
// complete, while the requests themselves run on a network thread of the client's own
// (QNetworkAccessManager: keep-alive, up to 6 connections per server, gzip, HTTP/2 over TLS,
// proxies from the environment). Several threads may send at once. Cancel and timeouts end a
// request at once, without waiting for the server.
class HttpClient {
public:
    explicit HttpClient(const HttpSettings& settings = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpReply send(const HttpRequest& request, const std::atomic_bool* cancel = nullptr);

    HttpSettings settings() const;
    void setSettings(const HttpSettings& settings);
    // Requests sent since the client was made, every attempt counted (what a poll costs).
    int requestsSent() const { return m_sent.load(); }

    class Worker;

private:
    HttpReply sendOnce(const HttpRequest& request, const HttpSettings& settings,
                       const std::atomic_bool* cancel);

    QThread* m_thread = nullptr;
    Worker* m_worker = nullptr;  // lives on m_thread
    mutable QMutex m_mutex;      // m_settings
    HttpSettings m_settings;
    std::atomic_int m_sent{0};
};

}  // namespace runlens
