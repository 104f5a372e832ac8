#!/bin/sh
# Render a `tm diff --html` report to a PNG with headless Chromium (Debian's `chromium` package).
#
#   scripts/screenshot_report.sh REPORT.html OUT.png [WIDTH,HEIGHT]
#
# Without REPORT.html (or with `-`), the report of the sample handoff pair in tests/data/handoffs is built
# first. The browser runs with a throw-away profile and no network-facing background services.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
report=${1:--}
out=${2:-report.png}
size=${3:-1400,1000}

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "error: no chromium found (apt-get install -y chromium)" >&2
    exit 2
fi

if [ "$report" = "-" ]; then
    report=$(mktemp --suffix=.html)
    (cd "$here" && python3 -m tm diff tests/data/handoffs/old tests/data/handoffs/new --html "$report" -q) || [ $? -eq 1 ]
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
case "$report" in /*) url="file://$report" ;; *) url="file://$(pwd)/$report" ;; esac
case "$out" in /*) png="$out" ;; *) png="$(pwd)/$out" ;; esac

"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars \
    --screenshot="$png" --window-size="$size" "$url" >/dev/null 2>&1
[ -s "$png" ] || { echo "error: chromium wrote no screenshot" >&2; exit 1; }
echo "$png"
