#include "ConnectServerDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "PasswordStore.h"
#include "codec/PostgresConnection.h"
#include "codec/ServerLogins.h"

namespace runlens {

namespace {

// The user name last used at a server (never its password: that is in the keyring).
QString userKey(const QString& keyringName) {
    return QStringLiteral("servers/") + RunId::rootHash(keyringName) + QStringLiteral("/user");
}

// A database's name for logins: postgresql://host:port/db, without user, password or options.
QString databaseName(const QUrl& url) {
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

}  // namespace

ConnectServerDialog::ConnectServerDialog(const QStringList& recentServers, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Connect to MLflow Server"));
    m_address = new QComboBox(this);
    m_address->setEditable(true);
    m_address->addItems(recentServers);
    m_address->setMinimumContentsLength(40);
    m_address->lineEdit()->setPlaceholderText(tr("http://mlflow.example.com:5000"));
    m_address->setToolTip(
        tr("The tracking server's address, as in MLFLOW_TRACKING_URI (add #/experiments/1,2 "
           "to read only those experiments), or its database's, as in mlflow server's "
           "--backend-store-uri: postgresql://user@host:5432/mlflow"));
    m_connect = new QPushButton(tr("Connect"), this);
    m_connect->setDefault(true);
    auto* top = new QHBoxLayout;
    top->addWidget(m_address, 1);
    top->addWidget(m_connect);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_loginBox = new QWidget(this);
    m_user = new QLineEdit(m_loginBox);
    m_password = new QLineEdit(m_loginBox);
    m_password->setEchoMode(QLineEdit::Password);
    m_remember = new QCheckBox(tr("Keep the password in the system keyring"), m_loginBox);
    m_remember->setChecked(true);
    auto* login = new QFormLayout(m_loginBox);
    login->setContentsMargins(0, 0, 0, 0);
    login->addRow(tr("User:"), m_user);
    login->addRow(tr("Password:"), m_password);
    login->addRow(QString(), m_remember);
    m_loginBox->hide();

    m_pickerBox = new QWidget(this);
    m_search = new QLineEdit(m_pickerBox);
    m_search->setPlaceholderText(tr("Search experiments"));
    m_search->setClearButtonEnabled(true);
    m_experiments = new QListWidget(m_pickerBox);
    m_experiments->setMinimumHeight(fontMetrics().height() * 14);
    m_chosen = new QLabel(m_pickerBox);
    auto* all = new QPushButton(tr("Choose All Shown"), m_pickerBox);
    auto* none = new QPushButton(tr("Choose None"), m_pickerBox);
    auto* pickerButtons = new QHBoxLayout;
    pickerButtons->addWidget(m_chosen, 1);
    pickerButtons->addWidget(all);
    pickerButtons->addWidget(none);
    auto* picker = new QVBoxLayout(m_pickerBox);
    picker->setContentsMargins(0, 0, 0, 0);
    picker->addWidget(m_search);
    picker->addWidget(m_experiments, 1);
    picker->addLayout(pickerButtons);
    m_pickerBox->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_open = buttons->addButton(tr("Open"), QDialogButtonBox::AcceptRole);
    m_open->setEnabled(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_status);
    layout->addWidget(m_loginBox);
    layout->addWidget(m_pickerBox, 1);
    layout->addWidget(buttons);

    connect(m_connect, &QPushButton::clicked, this, [this] {
        if (m_loginBox->isVisible())
            logIn();
        else
            startConnecting();
    });
    connect(m_address->lineEdit(), &QLineEdit::returnPressed, this,
            &ConnectServerDialog::startConnecting);
    connect(m_password, &QLineEdit::returnPressed, this, &ConnectServerDialog::logIn);
    connect(&m_probe, &QFutureWatcher<MlflowRestSource::ServerExperiments>::finished, this,
            &ConnectServerDialog::probed);
    connect(&m_databaseProbe, &QFutureWatcher<DatabaseProbe>::finished, this,
            &ConnectServerDialog::databaseProbed);
    connect(m_search, &QLineEdit::textChanged, this, &ConnectServerDialog::filterExperiments);
    connect(m_experiments, &QListWidget::itemChanged, this, &ConnectServerDialog::updateChosen);
    for (auto [button, state] : {std::pair{all, Qt::Checked}, std::pair{none, Qt::Unchecked}})
        connect(button, &QPushButton::clicked, this, [this, state = state] {
            for (int i = 0; i < m_experiments->count(); ++i)
                if (!m_experiments->item(i)->isHidden() || state == Qt::Unchecked)
                    m_experiments->item(i)->setCheckState(state);
        });
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectServerDialog::openChosen);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

ConnectServerDialog::~ConnectServerDialog() {
    // A probe still running ends on its own; its answer is dropped.
    if (m_cancel) m_cancel->store(true);
}

void ConnectServerDialog::setStatus(const QString& text) {
    m_statusText = text;
    m_status->setText(m_keyringNote.isEmpty() ? text : text + u'\n' + m_keyringNote);
}

void ConnectServerDialog::connectTo(const QString& url, bool quietly) {
    m_quietly = quietly;
    m_address->setEditText(url);
    startConnecting();
}

void ConnectServerDialog::startConnecting() {
    m_url = m_address->currentText().trimmed();
    m_server = MlflowServerAddress::parse(m_url);
    m_loginBox->hide();
    m_pickerBox->hide();
    m_open->setEnabled(false);
    m_triedLogin = false;
    m_database = PostgresConnection::isUrl(m_url);
    if (m_database) return startDatabase();
    if (!m_server) {
        setStatus(tr("%1 is not a server address: write it as http://host:port or "
                     "https://host/path")
                      .arg(m_url));
        if (m_quietly) show();
        return;
    }
    m_keyringName = m_server->base();
    m_loginOrigin = m_server->origin();
    QString user = QSettings().value(userKey(m_keyringName)).toString();
    if (user.isEmpty()) user = m_server->user();
    m_user->setText(user);
    withKeptPassword([this] { probe(); });
}

void ConnectServerDialog::startDatabase() {
    const QUrl url(m_url);
    m_keyringName = m_loginOrigin = databaseName(url);
    // The user libpq would log in as: the URL's, else the last one typed, else PGUSER, else
    // the account's own name.
    QString user = url.userName();
    if (user.isEmpty()) user = QSettings().value(userKey(m_keyringName)).toString();
    if (user.isEmpty()) user = qEnvironmentVariable("PGUSER", qEnvironmentVariable("USER"));
    m_user->setText(user);
    // A password in the URL, PGPASSWORD or ~/.pgpass goes first, as libpq takes it.
    if (!url.password().isEmpty() || qEnvironmentVariableIsSet("PGPASSWORD"))
        return probeDatabase();
    withKeptPassword([this] { probeDatabase(); });
}

void ConnectServerDialog::withKeptPassword(const std::function<void()>& next) {
    const QString user = m_user->text();
    if (user.isEmpty() || ServerLogins::find(m_loginOrigin)) return next();
    // A password kept at the last login, for the first request.
    setStatus(tr("Looking for the password of %1 in the keyring…").arg(user));
    PasswordStore::read(
        m_keyringName, user, this,
        [this, origin = m_loginOrigin, user, next](const QString& password, const QString&) {
            if (!password.isEmpty()) ServerLogins::set(origin, {user, password});
            next();
        });
}

void ConnectServerDialog::probe() {
    if (m_cancel) m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_connect->setEnabled(false);
    setStatus(tr("Connecting to %1…").arg(m_server->base()));
    const QString url = m_url;
    std::shared_ptr<std::atomic_bool> cancel = m_cancel;
    m_probe.setFuture(QtConcurrent::run(
        [url, cancel] { return MlflowRestSource::listExperiments(url, cancel.get()); }));
}

void ConnectServerDialog::probed() {
    m_connect->setEnabled(true);
    const MlflowRestSource::ServerExperiments result = m_probe.result();
    if (result.cancelled) return;
    if (result.status == 401 || (result.status == 403 && m_triedLogin))
        return askForLogin(m_triedLogin ? tr("The server did not accept this login.")
                                        : tr("The server asks for a login."));
    m_connect->setText(tr("Connect"));
    if (!result.problem.isEmpty()) {
        // Opened anyway when asked for quietly: the project says why, and follows the server
        // until it answers.
        if (m_quietly) return finishWith(m_url);
        setStatus(result.problem + u'\n' + tr("Open anyway to keep trying."));
        m_open->setEnabled(true);
        return;
    }
    std::vector<MlflowExperiment> active;
    for (const MlflowExperiment& e : result.experiments)
        if (!e.deleted) active.push_back(e);
    const bool chosen = !m_server->experimentIds().isEmpty();
    const int pickerFrom = m_quietly ? MlflowRestSource::kMaxExperiments + 1 : kPickerFrom;
    if (chosen || int(active.size()) < pickerFrom) return finishWith(m_url);
    showExperiments(active);
    if (m_quietly) show();
}

void ConnectServerDialog::probeDatabase() {
    m_connect->setEnabled(false);
    setStatus(tr("Connecting to %1…").arg(PostgresConnection::withoutPassword(m_url)));
    const QString url = databaseUrlWithLogin();
    m_databaseProbe.setFuture(QtConcurrent::run([url] {
        DatabaseProbe result;
        PostgresConnection::connect(url, &result.problem, &result.loginRefused);
        return result;
    }));
}

void ConnectServerDialog::databaseProbed() {
    m_connect->setEnabled(true);
    const DatabaseProbe result = m_databaseProbe.result();
    if (result.loginRefused)
        return askForLogin(m_triedLogin ? tr("The database did not accept this login.")
                                        : tr("The database asks for a password."));
    m_connect->setText(tr("Connect"));
    if (!result.problem.isEmpty()) {
        if (m_quietly) return finishWith(databaseUrlWithLogin());
        setStatus(result.problem + u'\n' + tr("Open anyway to keep trying."));
        m_open->setEnabled(true);
        return;
    }
    finishWith(databaseUrlWithLogin());
}

QString ConnectServerDialog::databaseUrlWithLogin() const {
    QUrl url(m_url);
    const auto login = ServerLogins::find(m_loginOrigin);
    if (!login) return m_url;
    url.setUserName(login->user);
    url.setPassword(login->password);
    return url.toString(QUrl::FullyEncoded);
}

void ConnectServerDialog::askForLogin(const QString& why) {
    setStatus(why);
    m_loginBox->show();
    m_connect->setText(tr("Log In"));
    (m_user->text().isEmpty() ? m_user : m_password)->setFocus();
    if (m_quietly) show();
}

void ConnectServerDialog::logIn() {
    if (m_loginOrigin.isEmpty()) return;
    const QString user = m_user->text().trimmed();
    const QString password = m_password->text();
    ServerLogins::set(m_loginOrigin, {user, password});
    QSettings().setValue(userKey(m_keyringName), user);
    m_triedLogin = true;
    m_keyringNote.clear();
    if (m_remember->isChecked()) {
        PasswordStore::write(m_keyringName, user, password, this, [this](const QString& problem) {
            if (problem.isEmpty()) return;
            m_keyringNote = problem + tr("; the password is kept for this session only.");
            setStatus(m_statusText);
        });
    }
    m_loginBox->hide();
    if (m_database)
        probeDatabase();
    else
        probe();
}

void ConnectServerDialog::showExperiments(const std::vector<MlflowExperiment>& experiments) {
    // All by default, up to the limit: the ones updated last.
    std::vector<MlflowExperiment> byUpdate = experiments;
    std::stable_sort(byUpdate.begin(), byUpdate.end(),
                     [](const auto& a, const auto& b) { return a.lastUpdateMs > b.lastUpdateMs; });
    QSet<QString> checked;
    for (size_t i = 0; i < byUpdate.size() && i < size_t(MlflowRestSource::kMaxExperiments); ++i)
        checked.insert(byUpdate[i].id);
    std::vector<MlflowExperiment> byName = experiments;
    std::stable_sort(byName.begin(), byName.end(),
                     [](const auto& a, const auto& b) { return a.name < b.name; });
    const QSignalBlocker blocker(m_experiments);
    m_experiments->clear();
    for (const MlflowExperiment& e : byName) {
        auto* item = new QListWidgetItem(tr("%1  (id %2)").arg(e.name, e.id), m_experiments);
        item->setData(Qt::UserRole, e.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(e.id) ? Qt::Checked : Qt::Unchecked);
    }
    m_pickerBox->show();
    m_open->setDefault(true);
    resize(width(), std::max(height(), sizeHint().height()));
    m_search->clear();
    m_search->setFocus();
    setStatus(tr("%1 holds %2 experiments: choose the ones to read.")
                  .arg(m_server->base())
                  .arg(experiments.size()));
    updateChosen();
}

void ConnectServerDialog::filterExperiments(const QString& text) {
    for (int i = 0; i < m_experiments->count(); ++i) {
        QListWidgetItem* item = m_experiments->item(i);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive));
    }
}

void ConnectServerDialog::updateChosen() {
    int chosen = 0;
    for (int i = 0; i < m_experiments->count(); ++i)
        chosen += m_experiments->item(i)->checkState() == Qt::Checked;
    m_chosen->setText(tr("%1 of %2 chosen").arg(chosen).arg(m_experiments->count()));
    m_open->setEnabled(chosen > 0);
}

void ConnectServerDialog::openChosen() {
    if (m_database) return finishWith(databaseUrlWithLogin());
    if (!m_server) return;
    if (!m_pickerBox->isVisible()) return finishWith(m_url);
    QStringList ids;
    for (int i = 0; i < m_experiments->count(); ++i)
        if (m_experiments->item(i)->checkState() == Qt::Checked)
            ids << m_experiments->item(i)->data(Qt::UserRole).toString();
    // All of them and within the limit: the plain address, so experiments made later are read.
    const bool all =
        ids.size() == m_experiments->count() && ids.size() <= MlflowRestSource::kMaxExperiments;
    finishWith(m_server->withExperiments(all ? QStringList() : ids));
}

void ConnectServerDialog::finishWith(const QString& url) {
    // A database's password goes along to connect with; the window neither shows nor keeps it.
    if (m_database) {
        emit openServer(url);
        return accept();
    }
    // Never a password in what is opened and remembered.
    const auto server = MlflowServerAddress::parse(url);
    // A login in the address itself is kept for the session instead.
    if (server && !server->user().isEmpty() && !ServerLogins::find(server->origin())) {
        const HttpSettings settings = server->httpSettings();
        ServerLogins::set(server->origin(), {settings.user, settings.password});
    }
    emit openServer(server ? server->withExperiments(server->experimentIds()) : url);
    accept();
}

}  // namespace runlens
