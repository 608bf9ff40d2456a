#pragma once

#include <QHash>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/MetricSeries.h"
#include "model/ParamValue.h"
#include "model/Run.h"

namespace runlens {

class KeptHistories;

// What one Neptune run holds once its operations are replayed in order, for both local forms
// (neptune-client's operation journal, neptune-scale's database of protobuf operations):
// assigned values (the last assign wins), float and string series, string sets, and the
// attributes that are listed but not read (files, images, histograms).
//
// Series follow Neptune's server: a point's step must be past the series' last one ("X-
// coordinates (step) must be strictly increasing"), else the server refuses the point; a
// point without a step gets the last step + 1 (0 for the first). neptune-scale's preview
// points (the step still being computed) may be logged past the last final point in any
// order and are replaced by a later preview or final value at their step.
class NeptuneAttributes {
public:
    void assign(std::string_view path, ParamValue value);
    void appendFloat(std::string_view path, std::optional<double> step, double value,
                     double wallTimeMs, bool preview = false);
    void appendString(std::string_view path, std::optional<double> step, QString text,
                      double wallTimeMs);
    // ClearFloatLog, ClearStringLog, ClearImageLog: the series starts again, empty.
    void clearSeries(std::string_view path);
    void addToSet(std::string_view path, const QStringList& values);
    void removeFromSet(std::string_view path, const QStringList& values);
    void clearSet(std::string_view path);
    // DeleteAttribute: whatever lives at `path` goes.
    void remove(std::string_view path);
    // A value that is listed but not read, by kind ("file", "image", "histogram", ...).
    void skip(const QString& kind, std::string_view path);
    // CopyAttribute within the run: the atom at `from` assigned at `to`; false if none.
    bool copyAtom(std::string_view from, std::string_view to);

    // Atoms and sets under these go to tags (the client writes them itself), the others to
    // params; string series give their last value as a tag. Float series under monitoring/
    // (neptune-client) and runtime/ (neptune-scale) are hardware and console monitoring.
    static bool isSystemPath(QStringView path);
    static bool isMonitoringPath(QStringView path);

    // Params, tags and metric summaries into `run`; the text of an atom at `path`.
    void fillRun(Run& run) const;
    std::optional<ParamValue> atom(const QString& path) const;
    const MetricSeries* floatSeries(const QString& path) const;
    const QMap<QString, QSet<QString>>& skipped() const { return m_skipped; }
    // Moves the float series' points into `store` under `run` (a series cache entry), leaving
    // their summaries here; the first change to a float series takes them back, so appended
    // operations extend the whole history. Series listed under another's key stay here.
    void stow(KeptHistories& store, const QString& run);
    // True when stowed points could not be taken back (a damaged entry): what was replayed
    // since is incomplete, and the run must be replayed again from its start.
    bool lostPoints() const { return m_lostPoints; }
    // "3 points at steps not past the one before were left out, as Neptune's server refuses
    // them (train/loss, ...)", or empty.
    QString refusedProblem() const;
    // The wall times of the first and last points of any series (ms), 0 when none.
    double firstWallTimeMs() const { return m_firstWallMs; }
    double lastWallTimeMs() const { return m_lastWallMs; }

private:
    struct Series {
        QString key;
        bool text = false;    // a string series: only its last text is kept
        MetricSeries points;  // a float series' points, in step order
        QString lastText;
        qint64 texts = 0;          // string series: points kept
        double lastStep = 0;       // of the last point kept, final or preview
        double lastFinalStep = 0;  // of the last final point (scale previews come after)
        bool hasFinal = false;
        size_t previews = 0;  // trailing points that are previews
        qint64 refused = 0;
        std::optional<MetricSummary> stowed;  // the summary of `points` while they are stowed
    };
    struct Place {
        size_t index;  // in the series' points
        double step;
    };
    Series& series(std::string_view path, bool text);
    // Where a point at `step` goes, or nullopt if refused; drops a preview it replaces.
    std::optional<Place> place(Series& s, std::optional<double> step, bool preview);
    void noteWallTime(double ms);
    void unstow();

    struct TransparentHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    QMap<QString, ParamValue> m_atoms;
    QMap<QString, QSet<QString>> m_sets;
    // path -> m_series, found without a copy of the path for every point
    std::unordered_map<std::string, size_t, TransparentHash, std::equal_to<>> m_seriesIndex;
    // The key shown -> m_series: paths that are not valid UTF-8 may share one (the first wins)
    QHash<QString, size_t> m_keyIndex;
    std::vector<Series> m_series;
    QMap<QString, QSet<QString>> m_skipped;
    double m_firstWallMs = 0;
    double m_lastWallMs = 0;
    KeptHistories* m_store = nullptr;  // holds the float series' points while set
    QString m_storedRun;
    bool m_lostPoints = false;
};

// One problem for `count` operations or lines skipped alike: "2 journal lines cut short or
// damaged (the first: data-1.log line 20) were skipped; the others were replayed", `where`
// being what goes in the parentheses.
QString skippedProblem(int count, const QString& noun, const QString& why, const QString& where);

}  // namespace runlens
