#pragma once

#include <QHash>
#include <QString>
#include <QStringView>

namespace runlens {

// A run's identity across launches: `<source kind>:<source root hash>:<native id>`.
// The root hash keeps two copies of one store (say, two rsync'ed mlruns folders) apart,
// while the same folder opened again gives the same ids, so saved view state still applies.
class RunId {
public:
    RunId() = default;
    explicit RunId(QString text) : m_text(std::move(text)) {}

    static RunId make(QStringView sourceKind, QStringView sourceRoot, QStringView nativeId);
    // Eight hex digits of SHA-1 over the absolute root path.
    static QString rootHash(QStringView sourceRoot);

    const QString& text() const { return m_text; }
    bool isEmpty() const { return m_text.isEmpty(); }
    // `<source kind>:<native id>`: the run without where its store lies, for what should
    // follow a project copied elsewhere or opened through a link (its colour). Two stores of
    // one kind in a project may share a native id; the key is then shared too.
    QString portableKey() const;

    friend bool operator==(const RunId&, const RunId&) = default;
    friend bool operator<(const RunId& a, const RunId& b) { return a.m_text < b.m_text; }

private:
    QString m_text;
};

inline size_t qHash(const RunId& id, size_t seed = 0) {
    return qHash(id.text(), seed);
}

}  // namespace runlens
