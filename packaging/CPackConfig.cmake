# Installs the desktop integration and the demo project, and describes the Debian package:
#   cmake --build build && (cd build && cpack -G DEB)   ->  build/runlens_<version>_amd64.deb
include(GNUInstallDirs)
set(RUNLENS_APP_ID io.github.runlens.RunLens)
install(FILES ${CMAKE_SOURCE_DIR}/resources/${RUNLENS_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/${RUNLENS_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/${RUNLENS_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/resources/demo/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/runlens/demo)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME runlens)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Compare machine-learning runs offline")
set(CPACK_PACKAGE_DESCRIPTION
    "RunLens opens a project folder or an MLflow database and shows every run under it -\n"
    "MLflow, TensorBoard and Optuna - in a run table, metric charts and parallel\n"
    "coordinates, updated live while training writes. runlens-cli does the same headless.")
set(CPACK_PACKAGE_CONTACT "RunLens team <team@runlens.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # debug info stays in the build folder
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # runlens_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://github.com/runlens/runlens)
# Libraries from the binaries (dpkg-shlibdeps), plus the Qt plugins loaded at run time: the
# X11/Wayland platform plugins and the SVG icon engine are in packages of their own.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libpq5 and libzip4 too: they are loaded when a postgresql:// address is opened or a .zip
# looked into (core/codec/LoadedLibrary.h), so dpkg-shlibdeps does not see them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "qt6-qpa-plugins, qt6-wayland, libqt6svg6, fonts-dejavu-core, libpq5, libzip4")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "xdg-utils")
include(CPack)
