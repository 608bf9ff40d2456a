#pragma once

#include <zlib.h>

#include <QByteArray>
#include <QEventLoop>
#include <QHash>
#include <QMutex>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QUrl>
#include <functional>
#include <optional>
#include <vector>

// A small HTTP/1.1 server for the tests and benchmarks, on 127.0.0.1 and a free port, on a
// thread of its own (the code under test blocks its caller while it waits for answers).
// Keep-alive, Content-Length bodies, gzip when the client accepts it and it is switched on, and
// the faults a real server or network shows: a body cut off, a connection closed without an
// answer, an answer that never comes.
namespace testsupport {

struct HttpExchange {
    QByteArray method;
    QString path;                          // decoded
    QList<QPair<QString, QString>> query;  // decoded, in order ('+' is a space, as servers read it)
    QHash<QByteArray, QByteArray> headers;  // names in lower case
    QByteArray body;

    QString queryValue(const QString& key) const {
        for (const auto& [k, v] : query)
            if (k == key) return v;
        return {};
    }
};

struct CannedReply {
    enum class Mode {
        Normal,
        CutBody,  // announces the whole body, sends half of it, closes
        Close,    // closes the connection without an answer
        Stall     // never answers
    };
    CannedReply(int status = 200, QByteArray contentType = "application/json", QByteArray body = {},
                Mode mode = Mode::Normal)
        : status(status), contentType(std::move(contentType)), body(std::move(body)), mode(mode) {}
    static CannedReply json(int status, QByteArray body) {
        return {status, "application/json", std::move(body)};
    }
    void addHeader(const QByteArray& name, const QByteArray& value) {
        headers.append({name, value});
    }

    int status;
    QByteArray contentType;
    QByteArray body;
    Mode mode;
    QList<QPair<QByteArray, QByteArray>> headers;  // more headers (Retry-After, ...)
};

inline QByteArray gzip(const QByteArray& data) {
    z_stream z{};
    deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);  // 31: gzip header
    QByteArray out(int(deflateBound(&z, uLong(data.size()))) + 32, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

class TestHttpServer {
public:
    using Handler = std::function<std::optional<CannedReply>(const HttpExchange&)>;

    TestHttpServer() {
        m_thread = QThread::create([this] { run(); });
        m_thread->start();
        m_ready.acquire();
    }
    ~TestHttpServer() {
        QMetaObject::invokeMethod(
            m_server, [this] { m_loop->quit(); }, Qt::BlockingQueuedConnection);
        m_thread->wait();
        delete m_thread;
    }

    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    void setHandler(Handler handler) {
        QMutexLocker lock(&m_mutex);
        m_handler = std::move(handler);
    }
    void setGzip(bool on) { m_gzip = on; }
    std::vector<HttpExchange> requests() const {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }
    int requestCount() const {
        QMutexLocker lock(&m_mutex);
        return int(m_requests.size());
    }
    void clearRequests() {
        QMutexLocker lock(&m_mutex);
        m_requests.clear();
    }
    int connectionsAccepted() const { return m_connections.load(); }

    // The server goes away (stops listening, drops every connection), and comes back on the
    // same port.
    void goAway() {
        QMetaObject::invokeMethod(
            m_server,
            [this] {
                m_server->close();
                for (QTcpSocket* s : m_server->findChildren<QTcpSocket*>())
                    s->abort();
            },
            Qt::BlockingQueuedConnection);
    }
    bool comeBack() {
        bool ok = false;
        QMetaObject::invokeMethod(
            m_server, [this, &ok] { ok = m_server->listen(QHostAddress::LocalHost, m_port); },
            Qt::BlockingQueuedConnection);
        return ok;
    }

private:
    void run() {
        QTcpServer server;
        QEventLoop loop;
        m_server = &server;
        m_loop = &loop;
        server.listen(QHostAddress::LocalHost, 0);
        m_port = server.serverPort();
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this, &server] {
            while (QTcpSocket* socket = server.nextPendingConnection()) {
                ++m_connections;
                socket->setParent(&server);
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    buffer->append(socket->readAll());
                    while (serveOne(socket, *buffer)) {
                    }
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        m_ready.release();
        loop.exec();
        for (QTcpSocket* s : server.findChildren<QTcpSocket*>())
            s->abort();
    }

    // Answers the first whole request in `buffer`, if there is one, and removes it.
    bool serveOne(QTcpSocket* socket, QByteArray& buffer) {
        // Not HTTP (a TLS handshake): 400 and closed, as a plain HTTP server answers it.
        if (!buffer.isEmpty() && !(buffer[0] >= 'A' && buffer[0] <= 'Z')) {
            socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            socket->disconnectFromHost();
            buffer.clear();
            return false;
        }
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return false;
        HttpExchange exchange;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        exchange.method = first.value(0);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                exchange.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                        lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = exchange.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headEnd + 4 + length) return false;
        exchange.body = buffer.mid(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        const QByteArray target = first.value(1);
        const qsizetype mark = target.indexOf('?');
        exchange.path = QUrl::fromPercentEncoding(mark < 0 ? target : target.left(mark));
        if (mark >= 0)
            for (const QByteArray& pair : target.mid(mark + 1).split('&')) {
                if (pair.isEmpty()) continue;
                const qsizetype eq = pair.indexOf('=');
                auto decode = [](QByteArray part) {
                    return QUrl::fromPercentEncoding(part.replace('+', ' '));
                };
                exchange.query.append({decode(pair.left(eq < 0 ? pair.size() : eq)),
                                       eq < 0 ? QString() : decode(pair.mid(eq + 1))});
            }
        Handler handler;
        {
            QMutexLocker lock(&m_mutex);
            m_requests.push_back(exchange);
            handler = m_handler;
        }
        std::optional<CannedReply> reply = handler ? handler(exchange) : std::nullopt;
        if (!reply)
            reply = CannedReply::json(
                404, R"({"error_code":"ENDPOINT_NOT_FOUND","message":"no handler"})");
        respond(socket, exchange, *reply);
        return reply->mode == CannedReply::Mode::Normal;
    }

    void respond(QTcpSocket* socket, const HttpExchange& exchange, const CannedReply& reply) {
        using Mode = CannedReply::Mode;
        if (reply.mode == Mode::Stall) return;
        if (reply.mode == Mode::Close) {
            socket->abort();
            return;
        }
        QByteArray body = reply.body;
        QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + " " +
                          reason(reply.status) + "\r\nContent-Type: " + reply.contentType + "\r\n";
        if (m_gzip && exchange.headers.value("accept-encoding").contains("gzip") &&
            reply.mode == Mode::Normal) {
            body = gzip(body);
            head += "Content-Encoding: gzip\r\n";
        }
        for (const auto& [name, value] : reply.headers)
            head += name + ": " + value + "\r\n";
        head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
        socket->write(head);
        if (reply.mode == Mode::CutBody) {
            socket->write(body.left(body.size() / 2));
            socket->flush();
            socket->disconnectFromHost();
            return;
        }
        socket->write(body);
    }

    static QByteArray reason(int status) {
        switch (status) {
            case 200:
                return "OK";
            case 400:
                return "Bad Request";
            case 401:
                return "Unauthorized";
            case 403:
                return "Forbidden";
            case 404:
                return "Not Found";
            case 429:
                return "Too Many Requests";
            case 500:
                return "Internal Server Error";
            case 503:
                return "Service Unavailable";
            default:
                return "Status";
        }
    }

    QThread* m_thread = nullptr;
    QTcpServer* m_server = nullptr;  // lives on m_thread
    QEventLoop* m_loop = nullptr;
    QSemaphore m_ready;
    quint16 m_port = 0;
    std::atomic_bool m_gzip{false};
    std::atomic_int m_connections{0};
    mutable QMutex m_mutex;  // m_handler, m_requests
    Handler m_handler;
    std::vector<HttpExchange> m_requests;
};

}  // namespace testsupport
