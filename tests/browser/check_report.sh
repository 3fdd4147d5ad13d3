#!/usr/bin/env bash
# Renders report.html and the page of `activations --plot` in headless Chromium and checks every
# chart as the browser draws it (check_charts.js: not empty, y axis within what the values can be,
# nothing drawn outside the axes, no horizontal overflow of the page at 900 px), then takes a
# full-page screenshot beside each page (report.png) for people to look at.
#
#   check_report.sh MLPTRAIN WORKDIR   runs `mlptrain compare` on configs/iris.json and
#                                      configs/deep_sigmoid.json into WORKDIR and checks both
#   check_report.sh --check REPORT...  checks reports that exist (a hand-edited one, say)
#
# Prints one line per chart; exits 1 naming the chart on any failure, 77 (CTest's skip) when
# Chromium is not installed.
set -euo pipefail

readonly kWidth=900            # the window the page must fit
readonly kTimeout=60           # seconds for one Chromium run
readonly kMaxShotHeight=16000  # Chromium cannot capture taller pages in one image
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)

usage() {
  echo "usage: $0 MLPTRAIN WORKDIR | $0 --check REPORT.html..." >&2
  exit 2
}

browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
  echo "skipped: chromium is not installed (apt-get install chromium; scripts/test installs it)"
  exit 77
fi

# Runs Chromium headless on a file, with a fresh profile in $work and no display, within
# kTimeout; stdout to $1, stderr (with the page's console) appended to $work/chromium.log, so that
# nothing it leaves running holds CTest's output open. --no-sandbox: Chromium refuses to run as
# root without it, and the page is our own file.
chromium_run() {
  local stdout=$1 height=$2
  shift 2
  rm -rf "$work/profile" && mkdir -p "$work/profile" "$work/home"
  timeout -k 5 "$kTimeout" env -u DISPLAY -u WAYLAND_DISPLAY HOME="$work/home" XDG_CONFIG_HOME="$work/home" \
    XDG_CACHE_HOME="$work/home" "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --disable-extensions --disable-background-networking \
    --disable-component-update --disable-sync --disable-breakpad --mute-audio --hide-scrollbars \
    --enable-logging=stderr --user-data-dir="$work/profile" --window-size="$kWidth,$height" "$@" >"$stdout" \
    2>>"$work/chromium.log"
}

chromium_failed() {
  echo "FAIL $1: chromium $2 (exit $3; 124: timed out after $kTimeout s); the end of its log:" >&2
  tail -n 20 "$work/chromium.log" >&2
  exit 1
}

# Checks one report: prints check_charts.js's lines; exits 1 on a FAIL among them. Then writes
# the screenshot beside the report.
check_page() {
  local report=$1 name
  name=$(basename "$(dirname "$report")")/$(basename "$report")
  echo "== $name"
  # The page with the check appended: a script after </html> still runs, at the end of <body>.
  local page="$work/check.html"
  { cat "$report" && printf '\n<script>\n' && cat "$here/check_charts.js" && printf '\n</script>\n'; } >"$page"
  local status=0
  chromium_run "$work/dom.html" 2600 --dump-dom "file://$page" || status=$?
  [ "$status" -eq 0 ] || chromium_failed "$name" "--dump-dom" "$status"
  local result
  result=$(sed -n '/<pre id="chart-check"/,/<\/pre>/p' "$work/dom.html" | sed -e 's/.*<pre id="chart-check"[^>]*>//' \
    -e 's/<\/pre>.*$//' -e 's/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&amp;/\&/g')
  if ! grep -q '^page width ' <<<"$result"; then
    echo "FAIL $name: check_charts.js did not finish; the page's console said:" >&2
    grep -a 'CONSOLE' "$work/chromium.log" | tail -n 5 >&2 || true
    exit 1
  fi
  echo "$result"

  local height shot="${report%.html}.png"
  height=$(sed -n 's/^page width .* height \([0-9]*\) px$/\1/p' <<<"$result")
  height=$((${height:-2600} > kMaxShotHeight ? kMaxShotHeight : ${height:-2600}))
  status=0
  chromium_run "$work/screenshot.out" "$height" --screenshot="$shot" "file://$report" || status=$?
  [ "$status" -eq 0 ] && [ -s "$shot" ] || chromium_failed "$name" "--screenshot" "$status"
  echo "screenshot: $shot (${kWidth}x$height)"
  if grep -q '^FAIL' <<<"$result"; then
    echo "FAIL $name: see the FAIL lines above; the screenshot shows the page" >&2
    exit 1
  fi
}

[ $# -ge 1 ] || usage
if [ "$1" = "--check" ]; then
  shift
  [ $# -ge 1 ] || usage
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  for report in "$@"; do check_page "$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"; done
  exit 0
fi

[ $# -eq 2 ] || usage
mlptrain=$1
mkdir -p "$2"
work=$(cd "$2" && pwd)
# Two comparisons that draw differently: iris (7 activations, runs that stop early, a learned PReLU
# slope) and deep_sigmoid (10 layers: gradients that vanish over decades of a log axis); 3 seeds
# each, so that the thin per-seed lines are drawn too. Each takes about a second in a release build.
for config in iris deep_sigmoid; do
  rm -rf "${work:?}/$config"
  if ! "$mlptrain" compare --config "$source_dir/configs/$config.json" --seeds 3 --out "$work/$config" -q \
    >"$work/$config.log" 2>&1; then
    echo "FAIL: mlptrain compare --config configs/$config.json failed:" >&2
    cat "$work/$config.log" >&2
    exit 1
  fi
done
# And the page of `mlptrain activations --plot`: f and f' of every activation, 21 lines a chart.
mkdir -p "$work/activations"
if ! "$mlptrain" activations --plot "$work/activations/activations.html" >"$work/activations.log" 2>&1; then
  echo "FAIL: mlptrain activations --plot failed:" >&2
  cat "$work/activations.log" >&2
  exit 1
fi
: >"$work/chromium.log"
for config in iris deep_sigmoid; do check_page "$work/$config/report.html"; done
check_page "$work/activations/activations.html"
echo "all charts passed"
