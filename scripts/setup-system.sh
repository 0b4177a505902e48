#!/bin/sh
# System packages the test suite needs that PyPI cannot provide.
# Java 17 (Spark) and PostgreSQL are already on every machine of this project.
set -e
if ! command -v java >/dev/null 2>&1; then
    echo "setup-system: Java 17 is needed for the Spark tests (apt-get install openjdk-17-jre-headless)" >&2
fi
# Chromium for the browser tests (tests/browser) and the README screenshots: Playwright's
# Python package drives Debian's build through executable_path=/usr/bin/chromium (`playwright
# install` is never used), with a font that has Hangul and Han (Korean names and news).
apt_quiet() {
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    fi
}
browser_packages=""
[ -x /usr/bin/chromium ] || browser_packages="chromium"
[ -d /usr/share/fonts/opentype/noto ] || browser_packages="$browser_packages fonts-noto-cjk"
if [ -n "$browser_packages" ]; then
    if [ "$(id -u)" = "0" ]; then
        # shellcheck disable=SC2086
        apt_quiet $browser_packages
    else
        echo "setup-system: the browser tests need: apt-get install $browser_packages" >&2
    fi
fi
