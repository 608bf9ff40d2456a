#pragma once

#include <QString>

namespace runlens {

// Where the app and runlens-cli keep what they read (the MLflow file-store index, the series
// cache): the user's cache folder, never the project. On Linux ~/.cache/RunLens/RunLens/index
// (QStandardPaths::CacheLocation of the app, organisation and application "RunLens";
// XDG_CACHE_HOME moves it).
class CacheFolder {
public:
    static QString path();
    // Bytes and files under `dir`.
    static qint64 sizeOf(const QString& dir, int* files = nullptr);
    // Removes everything under `dir` (the folder itself stays). False, with why, if some of
    // it could not be removed.
    static bool clear(const QString& dir, QString* error = nullptr);
};

}  // namespace runlens
