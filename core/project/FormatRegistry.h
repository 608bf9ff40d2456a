#pragma once

#include <vector>

#include "sources/Format.h"

namespace runlens {

// Every format RunLens reads: one line each in FormatRegistry.cpp. Sources of gathered
// formats (run folders under the opened one) are listed in this order, after the others.
// Adding a format: its Source with a static format() in core/sources, one line here, and
// its tests (docs/ARCHITECTURE.md, "Adding a format").
const std::vector<Format>& formats();

// The format whose sources have this kind, or nullptr.
const Format* formatOfKind(const QString& kind);

}  // namespace runlens
