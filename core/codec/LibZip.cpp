#include "LibZip.h"

#include "LoadedLibrary.h"

namespace runlens {

const LibZip* LibZip::load(QString* error) {
    return loadFunctions<LibZip>(
        QStringLiteral("zip"), 4, QStringLiteral("libzip4"),
        [](LoadedLibrary& l, LibZip& f) {
            l.resolve("zip_fdopen", f.zip_fdopen);
            l.resolve("zip_discard", f.zip_discard);
            l.resolve("zip_name_locate", f.zip_name_locate);
            l.resolve("zip_fopen", f.zip_fopen);
            l.resolve("zip_fread", f.zip_fread);
            l.resolve("zip_fclose", f.zip_fclose);
            l.resolve("zip_file_get_error", f.zip_file_get_error);
            l.resolve("zip_error_init_with_code", f.zip_error_init_with_code);
            l.resolve("zip_error_strerror", f.zip_error_strerror);
            l.resolve("zip_error_fini", f.zip_error_fini);
        },
        error);
}

}  // namespace runlens
