#pragma once

#include <QList>
#include <QString>

namespace runlens {

// Something that could not be read, as data: which file, where in it, one sentence.
struct Problem {
    QString path;
    QString message;  // one sentence a user can act on, naming the line or offset if known

    friend bool operator==(const Problem&, const Problem&) = default;
};

using Problems = QList<Problem>;

}  // namespace runlens
