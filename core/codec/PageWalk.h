#pragma once

#include <QString>
#include <atomic>
#include <functional>

namespace runlens {

// One page of a paged API as the caller read it: the token of the next page (empty on the
// last) or why it could not be read.
struct Page {
    QString nextToken;
    QString problem;
};

struct PageWalk {
    int pages = 0;    // pages read
    QString problem;  // why it stopped before the last page; empty when it got there
    bool cancelled = false;
};

// Follows an API's page tokens: `fetchPage(token)` reads one page (the first for an empty
// token). Stops at the last page, at the first problem, when cancelled, after `maxPages`, or
// when a token comes back that was already followed (a server whose pages never move on, as
// MLflow's get-history without max_results: mlflow/mlflow#23916) - each said in `problem`.
PageWalk walkPages(const std::function<Page(const QString& token)>& fetchPage,
                   const std::atomic_bool* cancel = nullptr, int maxPages = 100'000);

}  // namespace runlens
