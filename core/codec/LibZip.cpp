#include "LibZip.h"

#include <utility>

#include "LoadedLibrary.h"

namespace runlens {

const LibZip* LibZip::load(QString* error) {
    static const std::pair<LibZip, QString> loaded = [] {
        std::pair<LibZip, QString> out{};
        LoadedLibrary library(QStringLiteral("zip"), 4, QStringLiteral("libzip4"));
        LibZip& f = out.first;
        library.resolve("zip_fdopen", f.zip_fdopen);
        library.resolve("zip_discard", f.zip_discard);
        library.resolve("zip_name_locate", f.zip_name_locate);
        library.resolve("zip_fopen", f.zip_fopen);
        library.resolve("zip_fread", f.zip_fread);
        library.resolve("zip_fclose", f.zip_fclose);
        library.resolve("zip_file_get_error", f.zip_file_get_error);
        library.resolve("zip_error_init_with_code", f.zip_error_init_with_code);
        library.resolve("zip_error_strerror", f.zip_error_strerror);
        library.resolve("zip_error_fini", f.zip_error_fini);
        out.second = library.error();
        return out;
    }();
    if (!loaded.second.isEmpty()) {
        if (error) *error = loaded.second;
        return nullptr;
    }
    return &loaded.first;
}

}  // namespace runlens
