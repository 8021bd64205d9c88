#!/usr/bin/env bash
# Installs the real syslog receivers that the @iw/sink-syslog tests start on loopback:
#   - rsyslog with its TLS driver (rsyslog, rsyslog-gnutls), as Debian packages;
#   - syslog-ng: Debian's syslog-ng-core conflicts with rsyslog (both provide system-log-daemon),
#     so its package is unpacked (not installed) under $XDG_CACHE_HOME/iw-ci-syslog-ng, with its
#     libraries installed as packages. The tests find it there (or syslog-ng on PATH).
# Never fatal: where something cannot be installed it prints a loud WARNING and the tests that
# need it skip, saying so. Nothing is started here and no system service is touched.
set -u

warn() { echo; echo "!!! WARNING: $* — the matching real-receiver tests of @iw/sink-syslog will be SKIPPED"; echo; }

if [[ "$(uname -s)" != "Linux" ]] || ! command -v apt-get >/dev/null 2>&1; then
  warn "not a Debian/Ubuntu machine (no apt-get): rsyslog and syslog-ng not installed"
  exit 0
fi
SUDO=()
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    warn "not root and no password-less sudo: rsyslog and syslog-ng not installed"
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive

cache="${XDG_CACHE_HOME:-$HOME/.cache}/iw-ci-syslog-ng"
need_rsyslog=0
command -v rsyslogd >/dev/null 2>&1 || need_rsyslog=1
ls /usr/lib/*/rsyslog/lmnsd_gtls.so /usr/lib/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 || need_rsyslog=1
need_syslog_ng=0
command -v syslog-ng >/dev/null 2>&1 || [[ -x "$cache/root/usr/sbin/syslog-ng" ]] || need_syslog_ng=1
if [[ $need_rsyslog == 0 && $need_syslog_ng == 0 ]]; then
  echo "rsyslog and syslog-ng already present"
  exit 0
fi

updated=0
update() { [[ $updated == 1 ]] || { "${SUDO[@]}" apt-get update -qq >/dev/null 2>&1 && updated=1; }; }

if [[ $need_rsyslog == 1 ]]; then
  update
  # --no-install-recommends: no logrotate cron jobs; in a container nothing is started.
  if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends rsyslog rsyslog-gnutls >/dev/null 2>&1; then
    warn "apt-get install rsyslog rsyslog-gnutls failed"
  fi
fi

if [[ $need_syslog_ng == 1 ]]; then
  update
  work="$(mktemp -d)"
  chmod 755 "$work"
  if (cd "$work" && apt-get download -qq syslog-ng-core >/dev/null 2>&1) && deb="$(ls "$work"/syslog-ng-core_*.deb 2>/dev/null | head -1)" && [[ -n "$deb" ]]; then
    # Its shared libraries (libivykis, libnet, json-c, glib, …) from its Depends line.
    libs="$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/^ +| +$//g' | grep '^lib' | tr '\n' ' ')"
    if [[ -n "$libs" ]] && ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends $libs >/dev/null 2>&1; then
      warn "apt-get install of syslog-ng's libraries ($libs) failed"
    fi
    rm -rf "$cache" && mkdir -p "$cache" && dpkg-deb -x "$deb" "$cache/root"
    if ! LD_LIBRARY_PATH="$cache/root/usr/lib/syslog-ng" "$cache/root/usr/sbin/syslog-ng" --version >/dev/null 2>&1; then
      warn "the unpacked syslog-ng ($cache/root/usr/sbin/syslog-ng) does not run"
    fi
  else
    warn "apt-get download syslog-ng-core failed"
  fi
  rm -rf "$work"
fi
command -v rsyslogd >/dev/null 2>&1 && echo "rsyslog: $(rsyslogd -v 2>/dev/null | head -1)"
[[ -x "$cache/root/usr/sbin/syslog-ng" ]] && echo "syslog-ng: unpacked in $cache/root"
exit 0
