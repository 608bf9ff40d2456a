#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "sources/MlflowRestSource.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QWidget;

namespace runlens {

// File ▸ Connect to MLflow Server…: an address (recent servers one click away; a tracking
// server's http(s):// or its database's postgresql://), a login when
// the server asks for one (its password kept in the system keyring, or for this session only
// when no keyring service runs; never in settings), and, when the server holds many
// experiments, which to read (all by default up to MlflowRestSource::kMaxExperiments, with a
// search). A server opened from the command line or Open Recent goes through it unseen, unless
// the server asks for a login or a choice.
class ConnectServerDialog : public QDialog {
    Q_OBJECT
public:
    ConnectServerDialog(const QStringList& recentServers, QWidget* parent = nullptr);
    ~ConnectServerDialog() override;

    // Connects to `url`; `quietly`: shown only if the user is needed.
    void connectTo(const QString& url, bool quietly);

    // From this many experiments on, the picker is shown (File ▸ Connect).
    static constexpr int kPickerFrom = 11;

    QComboBox* addressBox() const { return m_address; }
    QLineEdit* userEdit() const { return m_user; }
    QLineEdit* passwordEdit() const { return m_password; }
    QLineEdit* searchEdit() const { return m_search; }
    QListWidget* experimentList() const { return m_experiments; }
    QLabel* statusLabel() const { return m_status; }
    QPushButton* connectButton() const { return m_connect; }
    QPushButton* openButton() const { return m_open; }

signals:
    // What to open: the server's address, with the experiments chosen.
    void openServer(const QString& url);

private:
    void startConnecting();
    void startDatabase();
    // Asks the keyring for the password kept for the login name in the user box, then goes on.
    void withKeptPassword(const std::function<void()>& next);
    void probe();
    void probed();
    void probeDatabase();
    void databaseProbed();
    void askForLogin(const QString& why);
    // The database URL to connect with: the login typed this session written in.
    QString databaseUrlWithLogin() const;
    void logIn();
    void showExperiments(const std::vector<MlflowExperiment>& experiments);
    void filterExperiments(const QString& text);
    void updateChosen();
    void openChosen();
    void setStatus(const QString& text);
    void finishWith(const QString& url);

    QComboBox* m_address;
    QPushButton* m_connect;
    QLabel* m_status;
    QWidget* m_loginBox;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QCheckBox* m_remember;
    QWidget* m_pickerBox;
    QLineEdit* m_search;
    QListWidget* m_experiments;
    QLabel* m_chosen;
    QPushButton* m_open;

    std::optional<MlflowServerAddress> m_server;
    QString m_url;            // as typed
    bool m_database = false;  // m_url names a PostgreSQL database (MLflow's backend store)
    QFutureWatcher<MlflowRestSource::ServerExperiments> m_probe;
    struct DatabaseProbe {
        QString problem;  // one line, empty when connected
        bool loginRefused = false;
    };
    QFutureWatcher<DatabaseProbe> m_databaseProbe;
    // Where logins of this address are kept: the keyring's name for it, and the session's.
    QString m_keyringName;
    QString m_loginOrigin;
    std::shared_ptr<std::atomic_bool> m_cancel;
    bool m_quietly = false;
    bool m_triedLogin = false;
    QString m_keyringNote;
    QString m_statusText;
};

}  // namespace runlens
