#pragma once

#include <QMap>
#include <QStringList>
#include <map>
#include <vector>

#include "Source.h"

namespace runlens {

// Where some of a float series' points lie: a part file (its index in the run's parts) and a
// row group of it. Kept from the listing so a history reads only those row groups.
struct NeptuneSeriesPlace {
    int part = 0;
    int rowGroup = 0;
    friend bool operator==(const NeptuneSeriesPlace&, const NeptuneSeriesPlace&) = default;
};

// One run of neptune-exporter's Parquet output (../shared/FORMATS.md, "neptune-exporter"), its
// `_part_<n>` files read as one. One row per value (model.py SCHEMA): parameters have no step;
// `float_series` rows are the metrics, with a decimal(18,6) step kept with its fraction and a
// null value for a NaN (pandas turns NaN into null, SCHEMA.md 4); a row whose value columns are
// all null is an attribute the run lacks (the exporter melts a table of all runs of a batch).
// As for Neptune's other two forms (NeptuneAttributes): `sys/*` (and monitoring/...)
// attributes become tags and the run's name, times, status and parent, the others params
// typed by `attribute_type`; sets are sorted; a string series' last value is a tag; float
// series under monitoring/ are system metrics. Histograms and files are listed, not read.
class NeptuneExportRun {
public:
    struct Listing {
        Run run;              // id and parent id are the source's to set
        QString parentRunId;  // sys/forking/parent
        std::map<QString, std::vector<NeptuneSeriesPlace>> places;
        QMap<QString, QStringList> skipped;  // attribute type -> paths not read
        Problems problems;
    };

    // Lists the run held by `parts` (ordered by part number).
    static Listing list(const QStringList& parts);

    // The points of `metric`, reading the columns it needs from the row groups in `places`
    // (every row group of every part when null), in step order.
    static HistoryResult history(const QStringList& parts,
                                 const std::vector<NeptuneSeriesPlace>* places,
                                 const QString& metric);
};

}  // namespace runlens
