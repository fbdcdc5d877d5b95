#!/bin/sh
# Installs Debian's Chromium for HtmlReportRenderingTest, which opens the HTML run report in it.
# runners/pom.xml runs this (profile install-chromium) before the tests when /usr/bin/chromium is
# missing, as on CI's fresh machine. It needs apt-get and root (or sudo without a password).
set -u
skip="or skip just that test with -Dchromium.skip"
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: /usr/bin/chromium is missing and there is no apt-get here to install" \
    "Debian's chromium package: install Chromium at /usr/bin/chromium, $skip." >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  echo "install-chromium: /usr/bin/chromium is missing and installing it needs root: run" \
    "'apt-get install -y --no-install-recommends chromium' as root, $skip." >&2
  exit 1
fi
echo "install-chromium: /usr/bin/chromium is missing; installing Debian's chromium (about 100 MB)"
install() {
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
}
# A fresh machine may have no package lists yet: update once and retry.
if ! install && ! { $as_root apt-get update -q && install; }; then
  echo "install-chromium: apt-get could not install chromium (see above), $skip." >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "install-chromium: apt-get finished but /usr/bin/chromium is still missing, $skip." >&2
  exit 1
fi
/usr/bin/chromium --version 2>/dev/null
