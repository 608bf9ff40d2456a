#pragma once

#include <QString>

namespace runlens {

// The app's colours: the system's, or Fusion light or dark. Stored in the settings
// ("palette": system, light, dark) and applied at start and when changed in View.
void applyPalette(const QString& name);
QString currentPaletteName();

}  // namespace runlens
