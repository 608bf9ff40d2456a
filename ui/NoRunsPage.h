#pragma once

#include <QWidget>

class QLabel;

namespace runlens {

// What the main area shows when a project has no runs to show: where RunLens looked, the
// formats it knows and the files that give each away, how many files could not be read,
// and a way on (another folder, or look again).
class NoRunsPage : public QWidget {
    Q_OBJECT
public:
    explicit NoRunsPage(QWidget* parent = nullptr);

    void setProject(const QString& path, int problems);
    // The page as one line of plain text, as a user would read it out.
    QString text() const;

signals:
    void openFolder();
    void lookAgain();

private:
    QLabel* m_title;
    QLabel* m_problems;
    QString m_text;
};

}  // namespace runlens
