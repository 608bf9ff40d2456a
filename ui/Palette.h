#pragma once

#include <QString>

#include "model/RunSelection.h"

namespace runlens {

// The app's colours: the system's, or Fusion light or dark. Stored in the settings
// ("palette": system, light, dark) and applied at start and when changed in View.
void applyPalette(const QString& name);
QString currentPaletteName();

// The run colours RunSelection assigned or the user chose, kept in the settings ("runColours",
// by portable key, not per project folder), so a project opened again shows its runs in the
// same colours, whatever path it is opened from.
ColourMemory loadRunColours();
void saveRunColours(const ColourMemory& memory);

}  // namespace runlens
