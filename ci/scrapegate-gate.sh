#!/usr/bin/env bash
# scrapegate CI gate: check scraped documents against a suite, compare with a baseline from the
# main branch when there is one, and write every report CI needs into one folder.
#
# Configuration (environment variables, or the flags below):
#   SUITE      suite file (required)                             --suite FILE
#   DOCS       documents to check, space-separated; empty means  --docs "PATH ..."
#              the suite's own documents.paths
#   BASELINE   result JSON of a run on main (optional; a missing --baseline FILE
#              file is reported and the run is checked without it)
#   OUT        output folder (default scrapegate-out)            --out DIR
#   TOLERANCE  allowed pass-rate drop, 0.01 = one point (default 0)
#   GROUP_BY   breakdown of the HTML report (default: URL host or folder)
#   SAMPLE     check a seeded random sample of this many records (quick runs only)
#   SCRAPEGATE the command to run (default scrapegate)
#
# Writes OUT/result.json (the next baseline), OUT/report.html, OUT/summary.md, OUT/junit.xml,
# appends the summary to $GITHUB_STEP_SUMMARY when set, and exits with scrapegate's code:
# 0 pass, 1 expectations failed or regressed, 2 configuration error, 3 internal error.
set -euo pipefail

while [ "$#" -gt 0 ]; do
  case "$1" in
    --suite) SUITE="$2"; shift 2 ;;
    --docs) DOCS="$2"; shift 2 ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "scrapegate-gate: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

SUITE="${SUITE:-}"
DOCS="${DOCS:-}"
BASELINE="${BASELINE:-}"
OUT="${OUT:-scrapegate-out}"
TOLERANCE="${TOLERANCE:-0}"
GROUP_BY="${GROUP_BY:-}"
SAMPLE="${SAMPLE:-}"
SCRAPEGATE="${SCRAPEGATE:-scrapegate}"

if [ -z "$SUITE" ]; then
  echo "scrapegate-gate: set SUITE (or pass --suite FILE)" >&2
  exit 2
fi

mkdir -p "$OUT"
args=(check)
if [ -n "$DOCS" ]; then
  # DOCS is a space-separated list on purpose: CI variables cannot hold arrays.
  read -r -a docs <<< "$DOCS"
  args+=("${docs[@]}")
fi
args+=(--suite "$SUITE" --json "$OUT/result.json" --html "$OUT/report.html"
       --markdown "$OUT/summary.md" --junit "$OUT/junit.xml")
if [ -n "$BASELINE" ]; then
  if [ -f "$BASELINE" ]; then
    args+=(--baseline "$BASELINE" --tolerance "$TOLERANCE")
  else
    # The first run on main has nothing to compare with; say so instead of failing.
    message="no baseline at $BASELINE; checking without a comparison"
    if [ "${GITHUB_ACTIONS:-}" = "true" ]; then echo "::warning title=scrapegate::$message"; fi
    echo "scrapegate-gate: $message" >&2
  fi
fi
if [ -n "$GROUP_BY" ]; then args+=(--group-by "$GROUP_BY"); fi
if [ -n "$SAMPLE" ]; then args+=(--sample "$SAMPLE"); fi

set +e
"$SCRAPEGATE" "${args[@]}"
code=$?
set -e

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$OUT/summary.md" ]; then
  cat "$OUT/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
echo "scrapegate-gate: exit $code (0 pass, 1 failed or regressed, 2 configuration error, 3 internal error); reports in $OUT/"
exit "$code"
