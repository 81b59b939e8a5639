#!/usr/bin/env bash
# Screenshot the self-contained quality report in headless Chromium with networking disabled.
#   scripts/screenshot_report.sh [reports/quality.html] [reports/quality.png]
# Needs the Debian package `chromium` (apt-get install -y chromium). The page must render with no
# network: the proxy and resolver flags make any remote load fail instead of hanging.
set -euo pipefail
html="${1:-reports/quality.html}"
png="${2:-${html%.html}.png}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 2; }
[ -f "$html" ] || { echo "no report at $html (run: dvc repro, or curate quality --format html)" >&2; exit 2; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
HOME="$profile" "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --disable-extensions \
  --proxy-server=127.0.0.1:9 "--host-resolver-rules=MAP * ~NOTFOUND" \
  --user-data-dir="$profile" --screenshot="$(realpath -m "$png")" --window-size=1200,2000 \
  "file://$(realpath "$html")" 2>/dev/null
echo "wrote $png"
