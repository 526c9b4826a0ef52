# Installation layout and the Debian package (CPack DEB), built with
#   cpack --config build/CPackConfig.cmake -G DEB -B OUTDIR
# into two packages: ctg-gateway (the gateway, `ctg`, the systemd units, the
# default configuration, docs) and ctg-synth (the synthetic base generator,
# optional). `cmake --install build` installs the ctg-gateway part
# (prefix /usr by default, as the package; the configuration and units go to
# /etc/ctg-gateway and <prefix>/lib/systemd/system); add
# `--component synth` for ctg-synth.
include(CtgVersion)

if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Installation prefix" FORCE)
endif()
set(CTG_BIN_DIR ${CMAKE_INSTALL_PREFIX}/bin)
set(CTG_LIBEXEC_DIR ${CMAKE_INSTALL_PREFIX}/libexec/ctg-gateway)
set(CTG_DOC_DIR ${CMAKE_INSTALL_PREFIX}/share/doc/ctg-gateway)
set(CTG_SYSTEMD_DIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)

set(_pkg ${PROJECT_SOURCE_DIR}/packaging)
set(_gen ${PROJECT_BINARY_DIR}/packaging)
foreach(unit ctg-gateway.service ctg-gateway-backup.service ctg-gateway-backup)
  configure_file(${_pkg}/${unit}.in ${_gen}/${unit} @ONLY)
endforeach()

install(FILES ${_gen}/ctg-gateway.service ${_gen}/ctg-gateway-backup.service
              ${_pkg}/ctg-gateway-backup.timer
        DESTINATION ${CTG_SYSTEMD_DIR} COMPONENT gateway)
install(PROGRAMS ${_gen}/ctg-gateway-backup DESTINATION ${CTG_LIBEXEC_DIR} COMPONENT gateway)
install(FILES ${_pkg}/sysusers.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d
        RENAME ctg-gateway.conf COMPONENT gateway)
install(FILES ${_pkg}/tmpfiles.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d
        RENAME ctg-gateway.conf COMPONENT gateway)
install(FILES ${_pkg}/ctg-gateway.conf DESTINATION /etc/ctg-gateway
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT gateway)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CTG_DOC_DIR} COMPONENT gateway)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CTG_DOC_DIR}/docs
        COMPONENT gateway FILES_MATCHING PATTERN "*.md")
install(PROGRAMS ${PROJECT_SOURCE_DIR}/certs/make-dev-pki.sh
                 ${PROJECT_SOURCE_DIR}/certs/revoke-dev-cert.sh
        DESTINATION ${CTG_DOC_DIR}/examples COMPONENT gateway)

# The Debian packages.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ctg-gateway)
set(CPACK_PACKAGE_VENDOR "Caf")
set(CPACK_PACKAGE_CONTACT "ctg-gateway maintainers <ctg-gateway@localhost>")
set(CPACK_PACKAGE_VERSION ${CTG_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "mTLS gRPC gateway between a Caf and the communes of its CTG conventions")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL gateway synth)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${CTG_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_DEBIAN_GATEWAY_PACKAGE_NAME ctg-gateway)
set(CPACK_DEBIAN_GATEWAY_DESCRIPTION
    "mTLS gRPC gateway between a Caf and the communes of its CTG conventions
 Statistical extracts under the secret statistique, the etude d'opportunite
 workflow and a tamper-evident audit trail. Ships ctg-gateway, the ctg
 client, a hardened systemd service, a daily backup timer and the manual.")
set(CPACK_DEBIAN_GATEWAY_PACKAGE_DEPENDS "adduser, systemd (>= 252)")
set(CPACK_DEBIAN_GATEWAY_PACKAGE_CONTROL_EXTRA
    ${_pkg}/debian/conffiles ${_pkg}/debian/preinst ${_pkg}/debian/postinst
    ${_pkg}/debian/prerm ${_pkg}/debian/postrm)
set(CPACK_DEBIAN_GATEWAY_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_SYNTH_PACKAGE_NAME ctg-synth)
set(CPACK_DEBIAN_SYNTH_DESCRIPTION
    "synthetic statistical bases for ctg-gateway (demo and tests)
 ctg-synth writes deterministic synthetic bases in the ctg-gateway CSV
 import format, for demonstrations and load tests.")
include(CPack)
