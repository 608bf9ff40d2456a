#include "RunColouring.h"

#include <cmath>

namespace runlens {

namespace {
LineDensity::Shades makeShades(bool dark) {
    LineDensity::Shades s{};
    for (size_t i = 0; i < 255; ++i)
        s[i] = viridisOn(double(i) / 254.0, dark);
    s[255] = RunColouring::kOffScale;
    return s;
}
}  // namespace

void RunColouring::setColumn(const QString& key, bool log) {
    m_key = key;
    m_log = log;
}

void RunColouring::prepare(const std::vector<const Run*>& runs) {
    if (m_key.isEmpty()) return;
    m_axis = makeAxis(runs, ColumnRef::parse(m_key));
    m_axis.setLog(m_log);
}

uint8_t RunColouring::shade(const Run& run) const {
    if (m_key.isEmpty()) return 0;
    const float u = m_axis.position(cellValue(run, m_axis.column()));
    return u >= 0 && u <= 1 ? uint8_t(std::lround(u * 254)) : 255;
}

uint32_t RunColouring::colour(const Run& run, const RunSelection& selection) const {
    if (m_key.isEmpty()) return selection.colour(run.id);
    const float u = m_axis.position(cellValue(run, m_axis.column()));
    return u >= 0 && u <= 1 ? scaleColour(u) : kOffScale;
}

const LineDensity::Shades& RunColouring::shades() const {
    static const LineDensity::Shades light = makeShades(false), dark = makeShades(true);
    return m_dark ? dark : light;
}

}  // namespace runlens
