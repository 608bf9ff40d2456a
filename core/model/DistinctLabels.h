#pragma once

#include <QString>
#include <QStringList>

namespace runlens {

struct DistinctLabels {
    QString prefix;      // dropped from every label: for the caller to show once (a subtitle)
    QStringList labels;  // one per name, in order; no two alike
};

// Short labels for runs shown together (a chart's legend), none reading the same as another.
// The prefix every name shares is dropped up to its last path separator ('/', '\', ':', '|'),
// and, when some name is longer than `maxChars`, up to its last word separator ('_', '-', ' ')
// where a word follows ("resnet50_imagenet_lr0.1" reads "lr0.1"), or before a '#'
// ("mlp-tpe#12" reads "#12"). Labels still too long lose their middle
// ("trial_0/17958…66488"); labels that would then read the same show the part around where
// their names differ instead ("…T120500Z_fi…"), and names that are the same are numbered
// ("run", "run (2)").
DistinctLabels distinctLabels(const QStringList& names, int maxChars);

}  // namespace runlens
