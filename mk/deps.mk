# mk/deps.mk — the Debian packages the build needs, and `make deps`.
#
# To add a dependency, append its package to DEB_PACKAGES (and, for a
# library, its pkg-config name to PKGS in mk/config.mk).
#
# `make deps` is cheap when nothing is missing (one dpkg-query per package);
# only then does it run apt-get update + install. test, run, bench and fuzz
# run it first unless NO_DEPS=1.

DEB_PACKAGES := gcc clang make libc6-dev tzdata pkg-config libcjson-dev
# clang's libFuzzer and sanitizer runtimes (libclang_rt.fuzzer, .asan, ...)
# on Debian 12 (clang 14).
DEB_PACKAGES += libclang-rt-14-dev
# Later issues: libsodium-dev libmicrohttpd-dev libcjson-dev libsqlite3-dev ...

.PHONY: deps
deps:
	@scripts/deps.sh $(DEB_PACKAGES)

ifeq ($(NO_DEPS),1)
DEPS_ORDER :=
else ifneq ($(filter test run bench fuzz,$(MAKECMDGOALS)),)
DEPS_ORDER := deps
else
DEPS_ORDER :=
endif
