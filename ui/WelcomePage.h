#pragma once

#include <QWidget>

class QVBoxLayout;

namespace runlens {

// What the window shows when no project is open: what RunLens is for, Open Folder, Open
// Database, Connect to Server, Open Demo Project, and the recent projects (and servers), each
// one click away.
class WelcomePage : public QWidget {
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);
    void setRecent(const QStringList& paths);
    // The demo project shipped with RunLens: share/runlens/demo next to the program, or the
    // source tree's resources/demo when run from a build folder. Empty when there is none.
    static QString demoProject();

signals:
    void openFolder();
    void openDatabase();
    void connectServer();
    void openPath(const QString& path);

private:
    QVBoxLayout* m_recent;
};

}  // namespace runlens
