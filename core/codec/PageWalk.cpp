#include "PageWalk.h"

#include <QSet>

namespace runlens {

PageWalk walkPages(const std::function<Page(const QString& token)>& fetchPage,
                   const std::atomic_bool* cancel, int maxPages) {
    PageWalk walk;
    QSet<QString> followed;
    QString token;
    for (;;) {
        if (cancel && cancel->load()) {
            walk.cancelled = true;
            return walk;
        }
        const Page page = fetchPage(token);
        if (!page.problem.isEmpty()) {
            walk.problem = page.problem;
            return walk;
        }
        ++walk.pages;
        if (page.nextToken.isEmpty()) return walk;
        if (followed.contains(page.nextToken) || page.nextToken == token) {
            walk.problem = QStringLiteral(
                               "gave page %1 a next-page token it had given before, so "
                               "its pages never end; reading stopped there")
                               .arg(walk.pages);
            return walk;
        }
        if (walk.pages >= maxPages) {
            walk.problem =
                QStringLiteral("had more than %1 pages; reading stopped there").arg(maxPages);
            return walk;
        }
        followed.insert(page.nextToken);
        token = page.nextToken;
    }
}

}  // namespace runlens
