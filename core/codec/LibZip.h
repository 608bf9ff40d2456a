#pragma once

#include <zip.h>

#include <QString>

namespace runlens {

// libzip's functions, loaded (LoadedLibrary) the first time a .zip is looked into (Comet's
// offline archives) rather than with the program: linked, libzip and what it brings
// (libcrypto, libbz2) cost every runlens-cli command about 2 ms of start-up. The members keep
// libzip's names, so calls read as its manual.
struct LibZip {
    decltype(&::zip_fdopen) zip_fdopen;
    decltype(&::zip_discard) zip_discard;
    decltype(&::zip_name_locate) zip_name_locate;
    decltype(&::zip_fopen) zip_fopen;
    decltype(&::zip_fread) zip_fread;
    decltype(&::zip_fclose) zip_fclose;
    decltype(&::zip_file_get_error) zip_file_get_error;
    decltype(&::zip_error_init_with_code) zip_error_init_with_code;
    decltype(&::zip_error_strerror) zip_error_strerror;
    decltype(&::zip_error_fini) zip_error_fini;

    // libzip (libzip.so.4, Debian's libzip4), loaded once; null with the reason in `error`
    // when it cannot be loaded or lacks a function.
    static const LibZip* load(QString* error = nullptr);
};

}  // namespace runlens
