#include "MlflowRestSource.h"

#include <QCollator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

#include "codec/PageWalk.h"

namespace runlens {

namespace {

constexpr int kExperimentsPage = 1000;
constexpr int kIdsPerSearch = 100;  // experiment ids, or run ids in one filter
constexpr int kMaxPages = 10'000;   // of any one listing or history: a hostile server ends

std::string_view view(const QByteArray& bytes) {
    return {bytes.constData(), size_t(bytes.size())};
}

QByteArray json(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonArray array(const QStringList& list) {
    QJsonArray out;
    for (const QString& s : list)
        out.append(s);
    return out;
}

// `ids` in lists of `count` at most.
std::vector<QStringList> chunks(const QStringList& ids, int count) {
    std::vector<QStringList> out;
    for (qsizetype i = 0; i < ids.size(); i += count)
        out.push_back(ids.mid(i, count));
    return out;
}

void sortIds(QStringList& ids) {
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(ids.begin(), ids.end(), numeric);
}

// What a failed request says to a user, one sentence.
QString failureSentence(const QString& endpoint, const HttpReply& reply,
                        const MlflowServerAddress& address) {
    using Failure = HttpReply::Failure;
    switch (reply.failure) {
        case Failure::None:
            break;
        case Failure::Refused:
            return QStringLiteral("The server refused the connection (nothing listens at %1)")
                .arg(address.base());
        case Failure::HostNotFound:
            return QStringLiteral("The server's name could not be resolved (%1)").arg(reply.error);
        case Failure::Tls:
            return QStringLiteral(
                       "The TLS handshake with the server failed (%1); "
                       "MLFLOW_TRACKING_SERVER_CERT_PATH names the authorities to trust")
                .arg(reply.error);
        case Failure::Timeout:
            return QStringLiteral("The server %1 on %2").arg(reply.error, endpoint);
        case Failure::Cut:
            return QStringLiteral("The server's answer to %1 %2").arg(endpoint, reply.error);
        case Failure::TooLarge:
            return QStringLiteral("The server %1 to %2").arg(reply.error, endpoint);
        case Failure::Cancelled:
        case Failure::Network:
            return QStringLiteral("Reaching the server failed on %1 (%2)")
                .arg(endpoint, reply.error);
    }
    QString message = MlflowRestReply::errorMessage(view(reply.body));
    if (!message.isEmpty()) message.prepend(QStringLiteral(": "));
    switch (reply.status) {
        case 401:
            return QStringLiteral(
                       "The server asks for a login (HTTP 401 on %1): set "
                       "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or "
                       "MLFLOW_TRACKING_TOKEN")
                .arg(endpoint);
        case 403:
            return QStringLiteral("The server refused access (HTTP 403 on %1%2)")
                .arg(endpoint, message);
        case 404:
            return QStringLiteral(
                       "The server answered HTTP 404 on %1%2: is %3 an MLflow tracking server?")
                .arg(endpoint, message, address.base());
        default:
            return QStringLiteral("The server %1 on %2%3").arg(reply.describe(), endpoint, message);
    }
}

// An answer that is not MLflow's JSON, said with what it looks like.
QString notJsonSentence(const QString& endpoint, const QString& fragment,
                        const QByteArray& contentType, const MlflowServerAddress& address) {
    if (contentType.startsWith("text/html"))
        return QStringLiteral(
                   "The answer to %1 is a web page, not MLflow's JSON: is %2 an MLflow "
                   "tracking server?")
            .arg(endpoint, address.base());
    return QStringLiteral("The answer to %1 %2").arg(endpoint, fragment);
}

}  // namespace

struct MlflowRestSource::Answer {
    QByteArray body;
    QByteArray contentType;
    QString problem;  // one sentence
    int status = 0;
    bool unreachable = false;
    bool cancelled = false;
};

// What one scan read: runs from one or more searches, and how it ended.
struct MlflowRestSource::Look {
    bool full = false;  // a whole listing (else a poll)
    std::vector<Run> runs;
    QSet<QString> asked;  // run ids a poll asked for by id
    QString problem;      // the first one met; reading stopped there
    QStringList notes;    // said, but reading went on
    bool unreachable = false;
    bool cancelled = false;

    bool stopped() const { return cancelled || !problem.isEmpty(); }
};

MlflowRestSource::MlflowRestSource(const QString& url)
    : m_address(MlflowServerAddress::parse(url).value_or(MlflowServerAddress())),
      m_http(m_address.httpSettings()) {
    m_context.kind = kind();
    m_context.root = m_address.base();
}

MlflowRestSource::~MlflowRestSource() = default;

void MlflowRestSource::setPageSizes(int runs, int historyPoints) {
    m_runsPage = runs;
    m_historyPage = historyPoints;
}

void MlflowRestSource::setHttpSettings(const HttpSettings& settings) {
    m_http.setSettings(settings);
}

Unreachable MlflowRestSource::unreachable() const {
    QMutexLocker lock(&m_offlineMutex);
    return m_offline;
}

MlflowRestSource::Answer MlflowRestSource::ask(HttpClient& http, const MlflowServerAddress& address,
                                               const HttpRequest& request, const QString& endpoint,
                                               const std::atomic_bool* cancel) {
    Answer answer;
    const HttpReply reply = http.send(request, cancel);
    answer.status = reply.status;
    answer.contentType = reply.contentType;
    if (reply.failure == HttpReply::Failure::Cancelled) {
        answer.cancelled = true;
        return answer;
    }
    if (reply.ok()) {
        answer.body = reply.body;
        return answer;
    }
    // A gateway whose server is down answers 502-504: as good as no answer.
    answer.unreachable =
        reply.unreachable() || reply.status == 502 || reply.status == 503 || reply.status == 504;
    answer.problem = failureSentence(endpoint, reply, address);
    return answer;
}

MlflowRestSource::ServerExperiments MlflowRestSource::readExperiments(
    HttpClient& http, const MlflowServerAddress& address, const std::atomic_bool* cancel) {
    ServerExperiments out;
    const QString endpoint = QStringLiteral("experiments/search");
    QString failed;
    const PageWalk walk = walkPages(
        [&](const QString& token) -> Page {
            // Deleted experiments too: the app's picker and --include-deleted show them.
            QJsonObject body{{QStringLiteral("max_results"), kExperimentsPage},
                             {QStringLiteral("view_type"), QStringLiteral("ALL")}};
            if (!token.isEmpty()) body.insert(QStringLiteral("page_token"), token);
            const Answer answer =
                ask(http, address, {"POST", address.api(endpoint), json(body)}, endpoint, cancel);
            out.status = answer.status;
            out.unreachable = answer.unreachable;
            out.cancelled = answer.cancelled;
            if (answer.cancelled) return {{}, failed = QStringLiteral("cancelled")};
            if (!answer.problem.isEmpty()) return {{}, failed = answer.problem};
            MlflowRestReply::Experiments page = MlflowRestReply::experiments(view(answer.body));
            if (!page.problem.isEmpty())
                return {
                    {},
                    failed = notJsonSentence(endpoint, page.problem, answer.contentType, address)};
            for (MlflowExperiment& e : page.experiments)
                out.experiments.push_back(std::move(e));
            return {page.nextPageToken, {}};
        },
        cancel, kMaxPages);
    if (walk.cancelled) out.cancelled = true;
    if (!out.cancelled && !walk.problem.isEmpty())
        out.problem = failed.isEmpty()
                          ? QStringLiteral("The server's ") + endpoint + u' ' + walk.problem
                          : failed;
    return out;
}

MlflowRestSource::ServerExperiments MlflowRestSource::listExperiments(
    const QString& url, const std::atomic_bool* cancel) {
    const auto address = MlflowServerAddress::parse(url);
    if (!address) {
        ServerExperiments out;
        out.problem = QStringLiteral("%1 is not a server address (http://host:port)").arg(url);
        return out;
    }
    HttpClient http(address->httpSettings());
    return readExperiments(http, *address, cancel);
}

void MlflowRestSource::chooseExperiments(Look& look, const std::vector<MlflowExperiment>& listed,
                                         const ScanOptions& options) {
    m_context.experiments.clear();
    for (const MlflowExperiment& e : listed)
        m_context.experiments.insert(e.id, e);
    QStringList ids;
    const QStringList named = m_address.experimentIds();
    if (!named.isEmpty()) {
        QStringList missing;
        for (const QString& id : named) {
            const auto it = m_context.experiments.constFind(id);
            if (it == m_context.experiments.constEnd() || (it->deleted && !options.includeDeleted))
                missing << id;
            else
                ids << id;
        }
        if (!missing.isEmpty())
            look.notes << QStringLiteral(
                              "The server holds no experiment %1 (named in the "
                              "address), or it was deleted")
                              .arg(missing.join(QStringLiteral(", ")));
    } else {
        std::vector<MlflowExperiment> shown;
        for (const MlflowExperiment& e : listed)
            if (!e.deleted || options.includeDeleted) shown.push_back(e);
        if (shown.size() > size_t(kMaxExperiments)) {
            std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) {
                return a.lastUpdateMs > b.lastUpdateMs;
            });
            look.notes << QStringLiteral(
                              "The server holds %1 experiments; the %2 updated last were read "
                              "(pick others in File ▸ Connect to MLflow Server…, or name them: "
                              "%3/#/experiments/1,2)")
                              .arg(shown.size())
                              .arg(kMaxExperiments)
                              .arg(m_address.base());
            shown.resize(size_t(kMaxExperiments));
        }
        for (const MlflowExperiment& e : shown)
            ids << e.id;
    }
    sortIds(ids);
    m_experimentIds = ids;
}

void MlflowRestSource::searchRuns(Look& look, const QString& filter, bool allStages,
                                  const ScanOptions& options) {
    const QString endpoint = QStringLiteral("runs/search");
    for (const QStringList& experiments : chunks(m_experimentIds, kIdsPerSearch)) {
        QString failed;
        const PageWalk walk = walkPages(
            [&](const QString& token) -> Page {
                QJsonObject body{{QStringLiteral("experiment_ids"), array(experiments)},
                                 {QStringLiteral("max_results"), m_runsPage}};
                if (!filter.isEmpty()) body.insert(QStringLiteral("filter"), filter);
                if (allStages) body.insert(QStringLiteral("run_view_type"), QStringLiteral("ALL"));
                if (!token.isEmpty()) body.insert(QStringLiteral("page_token"), token);
                const Answer answer =
                    ask(m_http, m_address, {"POST", m_address.api(endpoint), json(body)}, endpoint,
                        options.cancel);
                look.unreachable = answer.unreachable;
                if (answer.cancelled) {
                    look.cancelled = true;
                    return {{}, failed = QStringLiteral("cancelled")};
                }
                if (!answer.problem.isEmpty()) return {{}, failed = answer.problem};
                MlflowRestReply::Runs page = MlflowRestReply::runs(view(answer.body), m_context);
                if (!page.problem.isEmpty())
                    return {{},
                            failed = notJsonSentence(endpoint, page.problem, answer.contentType,
                                                     m_address)};
                for (Run& run : page.runs)
                    look.runs.push_back(std::move(run));
                if (options.progress) options.progress(int(look.runs.size()));
                return {page.nextPageToken, {}};
            },
            options.cancel, kMaxPages);
        if (walk.cancelled) look.cancelled = true;
        if (look.cancelled) return;
        if (!walk.problem.isEmpty()) {
            look.problem = failed.isEmpty()
                               ? QStringLiteral("The server's ") + endpoint + u' ' + walk.problem
                               : failed;
            return;
        }
    }
}

void MlflowRestSource::listAll(Look& look, const ScanOptions& options) {
    look.full = true;
    const ServerExperiments listed = readExperiments(m_http, m_address, options.cancel);
    look.unreachable = listed.unreachable;
    look.cancelled = listed.cancelled;
    look.problem = listed.problem;
    if (look.stopped()) return;
    chooseExperiments(look, listed.experiments, options);
    searchRuns(look, {}, options.includeDeleted, options);
}

// Runs started since the newest one seen, the running ones, and those that were running or
// scheduled at the last look (by id: their end, or their deletion). Nothing else changes
// while a run trains, short of an edit after it ended (the next full listing sees those).
void MlflowRestSource::poll(Look& look, const ScanOptions& options) {
    searchRuns(look, QStringLiteral("attributes.start_time >= %1").arg(m_newestStart),
               options.includeDeleted, options);
    if (look.stopped()) return;
    searchRuns(look, QStringLiteral("attributes.status = 'RUNNING'"), options.includeDeleted,
               options);
    if (look.stopped()) return;
    QSet<QString> seen;
    for (const Run& run : look.runs)
        seen.insert(run.nativeId);
    QStringList others;
    for (const QString& id : std::as_const(m_unfinished))
        if (!seen.contains(id)) others << id;
    sortIds(others);
    for (const QStringList& ids : chunks(others, kIdsPerSearch)) {
        QStringList quoted;
        for (const QString& id : ids) {
            quoted << u'\'' + QString(id).remove(u'\'') + u'\'';
            look.asked.insert(id);
        }
        searchRuns(
            look,
            QStringLiteral("attributes.run_id IN (%1)").arg(quoted.join(QStringLiteral(", "))),
            true, options);
        if (look.stopped()) return;
    }
}

void MlflowRestSource::setOffline(const Look& look) {
    QMutexLocker lock(&m_offlineMutex);
    if (look.unreachable) {
        if (!m_offline.since.isValid()) m_offline.since = QDateTime::currentDateTime();
        m_offline.why = look.problem;
    } else if (!look.cancelled) {
        m_offline = {};
    }
}

ScanDelta MlflowRestSource::deltaOf(const Look& look, const ScanOptions& options) {
    ScanDelta delta;
    delta.cancelled = look.cancelled;
    const bool shownBefore = m_listed || !m_known.isEmpty();
    // Once runs are shown, a server out of reach is said by unreachable(), not as a problem
    // on every poll.
    QSet<QString> seen;
    for (const Run& run : look.runs)
        seen.insert(run.nativeId);
    if (!look.problem.isEmpty() && !(look.unreachable && shownBefore)) {
        QString problem = look.problem;
        if (look.full && seen.size() == 1)
            problem += QStringLiteral("; the run read before is shown");
        else if (look.full && !seen.isEmpty())
            problem += QStringLiteral("; the %1 runs read before are shown").arg(seen.size());
        else if (look.full)
            problem += QStringLiteral("; no runs were read");
        delta.problems.append({root(), problem});
    }
    for (const QString& note : look.notes)
        delta.problems.append({root(), note});

    for (const Run& run : look.runs) {
        if (run.deleted && !options.includeDeleted) {
            if (m_known.remove(run.nativeId)) delta.removed.append(run.id);
            m_unfinished.remove(run.nativeId);
            continue;
        }
        if (run.startTimeMs) m_newestStart = std::max(m_newestStart, *run.startTimeMs);
        if (run.status == RunStatus::Running || run.status == RunStatus::Scheduled)
            m_unfinished.insert(run.nativeId);
        else
            m_unfinished.remove(run.nativeId);
        const auto it = m_known.constFind(run.nativeId);
        if (it != m_known.constEnd() && sameRun(*it, run)) continue;
        m_known.insert(run.nativeId, run);
        delta.runs.push_back(run);
    }
    const bool whole = !look.cancelled && look.problem.isEmpty();
    // Gone: a run a whole listing no longer holds, or one a poll asked for by id in vain.
    QStringList gone;
    if (whole && look.full) {
        for (auto it = m_known.constBegin(); it != m_known.constEnd(); ++it)
            if (!seen.contains(it.key())) gone << it.key();
    } else if (whole) {
        for (const QString& id : look.asked)
            if (!seen.contains(id)) gone << id;
    }
    for (const QString& id : std::as_const(gone)) {
        delta.removed.append(m_known.value(id).id);
        m_known.remove(id);
        m_unfinished.remove(id);
    }
    if (whole && look.full) {
        m_listed = true;
        m_includeDeleted = options.includeDeleted;
        m_nextFullListing.setRemainingTime(m_fullListingMs);
    }
    sortRunsNewestFirst(delta.runs);
    return delta;
}

ScanDelta MlflowRestSource::scan(const ScanOptions& options) {
    QMutexLocker lock(&m_scanMutex);
    if (m_address.base().isEmpty()) {
        ScanDelta delta;
        delta.problems.append({root(), QStringLiteral("Not a server address (http://host:port)")});
        return delta;
    }
    Look look;
    if (!m_listed || options.includeDeleted != m_includeDeleted || m_nextFullListing.hasExpired())
        listAll(look, options);
    else
        poll(look, options);
    setOffline(look);
    return deltaOf(look, options);
}

HistoryResult MlflowRestSource::loadHistory(const Run& run, const QString& metric) {
    HistoryResult result;
    const QString endpoint = QStringLiteral("metrics/get-history");
    QString failed;
    const PageWalk walk = walkPages(
        [&](const QString& token) -> Page {
            // Percent-encoded by hand: a '+' or '&' in a key must reach the server as itself.
            QByteArray query = "run_id=" + QUrl::toPercentEncoding(run.nativeId) +
                               "&metric_key=" + QUrl::toPercentEncoding(metric) +
                               "&max_results=" + QByteArray::number(m_historyPage);
            if (!token.isEmpty()) query += "&page_token=" + QUrl::toPercentEncoding(token);
            QUrl url = m_address.api(endpoint);
            url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
            const Answer answer = ask(m_http, m_address, {"GET", url, {}}, endpoint, nullptr);
            if (!answer.problem.isEmpty()) return {{}, failed = answer.problem};
            const MlflowRestReply::History page =
                MlflowRestReply::history(view(answer.body), result.series);
            if (!page.problem.isEmpty())
                return {{},
                        failed =
                            notJsonSentence(endpoint, page.problem, answer.contentType, m_address)};
            return {page.nextPageToken, {}};
        },
        nullptr, kMaxPages);
    if (!walk.problem.isEmpty()) {
        const QString why = failed.isEmpty()
                                ? QStringLiteral("The server's ") + endpoint + u' ' + walk.problem
                                : failed;
        result.problems.append(
            {run.location, QStringLiteral("%1 (the history of %2; %3 points were read)")
                               .arg(why, metric)
                               .arg(result.series.size())});
    }
    result.found = !result.series.empty();
    return result;
}

Format MlflowRestSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral(
        "MLflow tracking servers: http:// or https:// addresses (runlens http://host:5000)")};
    f.schemes = {QStringLiteral("http"), QStringLiteral("https")};
    f.claim = [](const Candidate& c) {
        if (!c.isUrl) return Claim{};
        if (!MlflowServerAddress::parse(c.path))
            return Claim::unreadable(
                QStringLiteral("%1 is not a server address RunLens can read (http://host:port)")
                    .arg(c.path));
        return Claim::mine(10);
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<MlflowRestSource>(paths.first());
    };
    return f;
}

}  // namespace runlens
