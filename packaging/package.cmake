# The Debian package: `scripts/package.sh` (cpack -G DEB from a build configured with
# -DCMAKE_INSTALL_PREFIX=/usr -DHOOK_SERVER_PACKAGE=ON). Layout:
#   /usr/bin/hook-server, hook-server-full       the lean front (static) and the whole CLI
#   /usr/lib/hook-server/hook-server-capture.so  the snapshot module (found relative to the binaries)
#   /usr/share/hook-server/                      MediaMTX's reference configuration, the web console (web/)
#   /lib/systemd/system/hook-server.service      the hardened unit (packaging/hook-server.service.in)
#   /etc/hook-server/{hook-server,mediamtx-base}.yml   samples, conffiles
#   /usr/share/doc/hook-server/                  README, copyright, changelog, the example configs
#   /usr/share/lintian/overrides/hook-server     the static hook client is static on purpose
# The maintainer scripts (packaging/deb/) create the hook-server system user with adduser.
option(HOOK_SERVER_PACKAGE "Install what the Debian package adds: unit, /etc samples, docs" OFF)

if(HOOK_SERVER_PACKAGE)
  configure_file(${CMAKE_SOURCE_DIR}/packaging/hook-server.service.in ${CMAKE_BINARY_DIR}/hook-server.service @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/hook-server.service DESTINATION /lib/systemd/system)
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/hook-server.yml DESTINATION /etc/hook-server)
  install(FILES ${CMAKE_SOURCE_DIR}/mediamtx-config/base.yml DESTINATION /etc/hook-server RENAME mediamtx-base.yml)
  # Debian wants the changelog and copyright compressed or in its own form.
  set(doc_stage ${CMAKE_BINARY_DIR}/package-doc)
  file(MAKE_DIRECTORY ${doc_stage})
  # A native package (no Debian revision): its changelog is changelog.gz.
  configure_file(${CMAKE_SOURCE_DIR}/packaging/deb/changelog.in ${doc_stage}/changelog @ONLY)
  add_custom_command(OUTPUT ${doc_stage}/changelog.gz
    COMMAND gzip -9nf -k ${doc_stage}/changelog
    DEPENDS ${doc_stage}/changelog)
  add_custom_target(package_doc ALL DEPENDS ${doc_stage}/changelog.gz)
  install(FILES ${doc_stage}/changelog.gz ${CMAKE_SOURCE_DIR}/packaging/deb/copyright
          ${CMAKE_SOURCE_DIR}/README.md DESTINATION share/doc/hook-server)
  # hook-server is static on purpose (it runs in images without a libc): said to lintian.
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/deb/lintian-overrides DESTINATION share/lintian/overrides
          RENAME hook-server)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION share/doc/hook-server/examples
          FILES_MATCHING PATTERN "*.yml" PATTERN "var" EXCLUDE PATTERN "node_modules" EXCLUDE)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hook-server)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "hook-server maintainers <hook-server@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "recordings index, retention and snapshots for MediaMTX")
set(CPACK_PACKAGE_DESCRIPTION "hook-server runs beside MediaMTX: it indexes every recording\n\
segment from MediaMTX's hooks in SQLite, generates MediaMTX's path\n\
configuration, runs cyclic retention that never deletes footage marked\n\
permanent, captures snapshots and serves a JSON API to a frontend.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tzdata")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/deb/conffiles ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
    ${CMAKE_SOURCE_DIR}/packaging/deb/prerm ${CMAKE_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_SET_DESTDIR OFF)
include(CPack)
