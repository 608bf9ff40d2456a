#pragma once

#include <QBrush>
#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QSize>
#include <atomic>
#include <optional>
#include <vector>

#include "analysis/CurveSet.h"

namespace runlens {

// One view of a chart's curves: the x range shown, the y axis, the plot area in pixels.
struct PlotView {
    double xMin = 0, xMax = 1;
    bool logY = false;
    bool clip = false;                              // y fitted to the 1st-99th percentile
    std::optional<std::pair<double, double>> boxY;  // y chosen by a box zoom
    std::vector<bool> visible;                      // per curve (the legend hides some)
    QSize size;                                     // of the plot area, logical pixels
    qreal dpr = 1;
    QRgb background = 0xffffffff;  // the faint raw lines are blended over it
    bool smooth = true;            // antialiased lines (few curves, view still)

    friend bool operator==(const PlotView&, const PlotView&) = default;
};

// What a chart draws for one view: every curve reduced to the pixels (analysis/Decimation), the
// y range fitted to what is visible, and, for many points, the lines drawn into an image (on
// the pool: the chart's paint only lays the image down). Made once, never changed.
struct PlotFrame {
    PlotView view;
    // Reduced values per curve (raw ones beneath smoothed lines, a group's band edges). Kept
    // for frames drawn on the chart itself; a frame with an image keeps only the counts.
    std::vector<std::vector<QPointF>> points, rawPoints, bandHigh, bandLow;
    std::vector<size_t> drawnCounts;  // reduced points per curve
    double yMin = 0, yMax = 1;
    bool clipped = false;  // the percentile clip cut values off
    QImage image;          // null: the chart draws the points itself

    size_t drawnPoints() const;
    // The y value as the plot lays it out (log10 on a log axis).
    double plotY(double y) const;
};

// Reduces every curve of `set` for `view` and fits the y axis. Returns nullopt if `cancelled`
// turned true on the way.
std::optional<PlotFrame> reducePlot(const CurveSet& set, const PlotView& view,
                                    const std::atomic_bool* cancelled = nullptr);
// Draws the frame's curves into its image (1 px lines written straight into the pixels, faint
// raw lines in their colour blended over the background), then lets the points go. Returns
// false if `cancelled` turned true on the way (the image is then unfinished).
bool drawPlotImage(PlotFrame& frame, const CurveSet& set,
                   const std::atomic_bool* cancelled = nullptr);
// Curves past this many points, or this many curves (each paint would draw all their reduced
// points), are reduced and drawn on the pool.
constexpr size_t kPlotOnPoolFrom = 150'000;
constexpr size_t kPlotOnPoolFromCurves = 32;
// Antialiased lines up to this many curves (QPainter's cost); past that, plain 1 px lines.
constexpr size_t kAntialiasUpTo = 12;

// The colour a chart's background brush shows, for blending faint lines over it: Qt Charts'
// themes paint it with a gradient, whose brush's own colour is black.
QRgb backgroundColour(const QBrush& brush);

}  // namespace runlens
