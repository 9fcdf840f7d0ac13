# ghost-hunter build. `make test` and `sudo make run` are the only commands a
# fresh Debian machine needs: everything below installs what it is missing.
.DELETE_ON_ERROR:
.SUFFIXES:
SHELL := /bin/bash

DENO_VERSION := 2.9.6
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
DENO_PLATFORM := $(shell uname -m | sed -e 's/x86_64/linux-x64-glibc/' -e 's/aarch64/linux-arm64-glibc/')
DENO := .tools/node_modules/@deno/$(DENO_PLATFORM)/deno
# clang builds the probe (its BPF backend is built in); libbpf-dev and linux-libc-dev give
# the headers (and libbpf.so.1, which the agent loads); bpftool dumps vmlinux.h.
DEBIAN_PACKAGES := clang libbpf-dev linux-libc-dev bpftool
# For the tests only: procps (ps) is used by the end-to-end tests; sqlite3 reads the profile
# database in a unit test, as an operator would; openssh-server and openssh-client carry the
# end-to-end logins over loopback SSH.
DEBIAN_TEST_PACKAGES := procps sqlite3 openssh-server openssh-client
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ibuild -Ibpf
PROBE := build/probe.bpf.o
# apt-get download as root would otherwise warn that its _apt sandbox cannot write here.
APT_DOWNLOAD := apt-get download -qq -o APT::Sandbox::User=$(shell id -un)
TS_SOURCES := main.ts deno.json $(shell find src ffi -name '*.ts' 2>/dev/null)

.PHONY: all toolchain deno prometheus test check run bench calibrate clean install uninstall

PREFIX ?= /usr/local
UNIT_DIR ?= /etc/systemd/system

all: ghost-hunter

# Debian packages, installed only when a tool or header is missing.
toolchain: .tools/debian.stamp
.tools/debian.stamp:
	@mkdir -p .tools
	@if ! command -v clang >/dev/null || ! command -v bpftool >/dev/null || \
	    ! test -f /usr/include/bpf/bpf_helpers.h || \
	    ! test -f /usr/include/linux/types.h; then \
		echo "make: installing $(DEBIAN_PACKAGES) from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	fi
	@touch $@

# The tests' packages. Installing openssh-server would start and enable the host's own ssh
# service, opening a login port that was not there: while it installs, a policy-rc.d (where
# the host has none) forbids starting services, and a server this install brought is then
# disabled. The tests run their own sshd on loopback and need only its binary and user.
.tools/debian-test.stamp: | .tools/debian.stamp
	@if ! command -v ps >/dev/null || ! command -v sqlite3 >/dev/null || \
	    ! command -v ssh >/dev/null || ! test -x /usr/sbin/sshd; then \
		echo "make: installing $(DEBIAN_TEST_PACKAGES) from Debian (the ssh service left stopped and disabled)"; \
		new_sshd=; test -x /usr/sbin/sshd || new_sshd=1; \
		if ! test -e /usr/sbin/policy-rc.d; then \
			trap 'rm -f /usr/sbin/policy-rc.d' EXIT; trap 'exit 130' INT TERM HUP; \
			printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_TEST_PACKAGES) >/dev/null; \
		status=$$?; \
		if [ -n "$$new_sshd" ] && [ $$status -eq 0 ]; then \
			if [ -d /run/systemd/system ]; then systemctl disable --now --quiet ssh.service ssh.socket; \
			elif command -v systemctl >/dev/null; then systemctl disable --quiet ssh.service ssh.socket; \
			else update-rc.d ssh disable >/dev/null; fi; \
		fi; \
		exit $$status; \
	fi
	@touch $@

# Prometheus (server and promtool), which the end-to-end tests scrape the agent
# with: Debian's package unpacked into .tools, not installed, since installing it
# would enable a Prometheus service on the host. A fresh machine may have no
# package lists yet.
PROMETHEUS := .tools/prometheus/usr/bin/prometheus
prometheus: $(PROMETHEUS)
$(PROMETHEUS): | .tools/debian-test.stamp
	@rm -rf .tools/prometheus && mkdir -p .tools/prometheus/deb
	@cd .tools/prometheus/deb && { $(APT_DOWNLOAD) prometheus || { apt-get update -qq && $(APT_DOWNLOAD) prometheus; }; }
	dpkg-deb -x .tools/prometheus/deb/prometheus_*.deb .tools/prometheus
	@rm -rf .tools/prometheus/deb
	@test -x $@ && touch $@

# Deno, pinned, from the npm package that ships its binary.
deno: $(DENO)
$(DENO):
	@mkdir -p .tools
	npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error deno@$(DENO_VERSION)
	@test -x $@ && touch $@

build/vmlinux.h: | .tools/debian.stamp
	@mkdir -p build
	bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@

$(PROBE): bpf/probe.bpf.c bpf/ghost_hunter.h build/vmlinux.h | .tools/debian.stamp
	clang $(BPF_CFLAGS) -c $< -o $@

# deno compile needs the denort runtime (network or DENORT_BIN); without it,
# a launcher with the same command line runs main.ts under the pinned Deno.
ghost-hunter: $(PROBE) $(TS_SOURCES) $(DENO) tools/launcher.sh
	@if $(DENO) compile --quiet --allow-all --include $(PROBE) --include src/actuation/actuator_worker.ts --output $@ main.ts 2>/dev/null; then \
		echo "make: built ./ghost-hunter as a deno compile single binary"; \
	else \
		sed -e "s|@DENO@|$(DENO)|" tools/launcher.sh > $@ && chmod 0755 $@; \
		echo "make: deno compile runtime unavailable (no network, no DENORT_BIN): built ./ghost-hunter as a launcher for main.ts"; \
	fi

test: ghost-hunter $(PROMETHEUS) .tools/debian-test.stamp
	@bash tools/run_tests.sh $(DENO)

check: $(DENO)
	$(DENO) task check

run: ghost-hunter
	./ghost-hunter $(ARGS)

build/empty_sys_enter.bpf.o: bench/empty_sys_enter.bpf.c build/vmlinux.h | .tools/debian.stamp
	clang $(BPF_CFLAGS) -c $< -o $@

build/write_loop: bench/write_loop.c | .tools/debian.stamp
	clang -O2 -Wall -Werror -o $@ $<

bench: ghost-hunter build/empty_sys_enter.bpf.o build/write_loop
	$(DENO) task bench

calibrate: $(DENO)
	$(DENO) task calibrate

clean:
	rm -rf build ghost-hunter

# Installs the single binary and the hardened systemd unit. The launcher
# `make` writes without the compile runtime runs main.ts from this checkout,
# so it is refused here.
install: ghost-hunter
	@if head -c 2 ghost-hunter | grep -q '#!'; then \
		echo "make install: ./ghost-hunter is the development launcher; build the single binary first (DENORT_BIN=/path/to/denort make)" >&2; exit 1; fi
	install -D -m 0755 ghost-hunter $(DESTDIR)$(PREFIX)/bin/ghost-hunter
	install -D -m 0644 dist/ghost-hunter.service $(DESTDIR)$(UNIT_DIR)/ghost-hunter.service
	install -d -m 0755 $(DESTDIR)/etc/ghost-hunter
	@test -e $(DESTDIR)/etc/ghost-hunter/config.json || \
		printf '{\n  "alerts": "/var/log/ghost-hunter/alerts.jsonl"\n}\n' > $(DESTDIR)/etc/ghost-hunter/config.json
	chmod 0600 $(DESTDIR)/etc/ghost-hunter/config.json
	-systemctl daemon-reload
	@echo "make install: done; check with: sudo ghost-hunter doctor; start with: sudo systemctl enable --now ghost-hunter"

uninstall:
	-systemctl disable --now ghost-hunter.service
	rm -f $(DESTDIR)$(UNIT_DIR)/ghost-hunter.service $(DESTDIR)$(PREFIX)/bin/ghost-hunter
	-systemctl daemon-reload
	@echo "make uninstall: kept /etc/ghost-hunter and /var/log/ghost-hunter (alerts); remove them by hand if unwanted"
