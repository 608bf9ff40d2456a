#pragma once

#include <QString>
#include <memory>

#include "FilterLexer.h"
#include "model/Run.h"
#include "model/RunActivity.h"

namespace runlens {

// A compiled run filter. The language is MLflow's search syntax, so users can paste what
// they know (mlflow/utils/search_utils.py):
//   metrics.val_acc > 0.9 and params.optimizer = 'adam'
//   tags.mlflow.runName like 'resnet%'      attributes.status = 'FINISHED'
// plus: or, not, parentheses, `key in (...)` / `not in`, `key ~ 'regex'`, ilike, numeric
// comparison of numeric params (`params.lr < 0.01`), `backquoted keys`, keys without a
// prefix (an attribute, else the run's metric, param or tag of that name), and bare words
// that match run names (several words must all match).
//
// As in MLflow, a comparison on a key the run does not have is false (also for !=).
class RunFilter {
public:
    RunFilter() = default;  // matches every run
    // Compiles `text`; on a syntax error returns an invalid filter and fills `error`.
    static RunFilter parse(const QString& text, FilterSyntaxError* error = nullptr);

    bool isValid() const { return m_valid; }
    bool isEmpty() const { return !m_root; }
    bool matches(const Run& run) const;
    // How long a running run may log nothing before `status = 'stale'` finds it
    // (model/RunActivity; a setting of the app).
    void setStaleAfter(qint64 ms) { m_staleAfterMs = ms; }
    // Keys written without a prefix in comparisons (`lr > 0.1`), each once, in the order
    // written. Such a key reads a run's metric of that name, else its param, else its tag,
    // so a view can say which one it took where a project has several.
    QStringList bareKeys() const;

    struct Node;

private:
    std::shared_ptr<const Node> m_root;
    bool m_valid = true;
    qint64 m_staleAfterMs = kStaleAfterMs;
};

}  // namespace runlens
