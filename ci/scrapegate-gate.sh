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
#   FAIL_ON    what fails the run with a baseline:               --fail-on RULE
#              regressions (default): only documents that newly fail, or a pass rate that
#              drops beyond TOLERANCE, among documents in both runs; failures: also every
#              failing error expectation. Without a baseline the rule is always failures.
#   GROUP_BY   breakdown of the HTML report (default: URL host or folder)
#   SAMPLE     check a seeded random sample of this many records (quick runs only)
#   SCRAPEGATE the command to run (default scrapegate)
#   RECORD_BASELINE=true  record this run as the next baseline:   --record-baseline
#              failing expectations (exit 1) are reported as a warning and the script exits
#              0, so the CI job succeeds and its result.json is served as an artifact; a
#              configuration error (2) or internal error (3) still fails. Use it on main only.
#
# Writes OUT/result.json (the next baseline), OUT/report.html, OUT/summary.md, OUT/junit.xml,
# appends the summary to $GITHUB_STEP_SUMMARY when set, and exits with scrapegate's code:
# 0 pass, 1 the gate failed (by the rule the last line of the log names), 2 configuration
# error, 3 internal error.
set -euo pipefail

while [ "$#" -gt 0 ]; do
  case "$1" in
    --suite) SUITE="$2"; shift 2 ;;
    --docs) DOCS="$2"; shift 2 ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    --fail-on) FAIL_ON="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --record-baseline) RECORD_BASELINE=true; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "scrapegate-gate: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

SUITE="${SUITE:-}"
DOCS="${DOCS:-}"
BASELINE="${BASELINE:-}"
OUT="${OUT:-scrapegate-out}"
TOLERANCE="${TOLERANCE:-0}"
FAIL_ON="${FAIL_ON:-}"
GROUP_BY="${GROUP_BY:-}"
SAMPLE="${SAMPLE:-}"
SCRAPEGATE="${SCRAPEGATE:-scrapegate}"
RECORD_BASELINE="${RECORD_BASELINE:-}"

warn() {
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then echo "::warning title=scrapegate::$1"; fi
  echo "scrapegate-gate: WARNING: $1" >&2
}

if [ -z "$SUITE" ]; then
  echo "scrapegate-gate: set SUITE (or pass --suite FILE)" >&2
  exit 2
fi
case "$FAIL_ON" in
  ""|regressions|failures) ;;
  *) echo "scrapegate-gate: FAIL_ON is '$FAIL_ON'; use regressions or failures" >&2; exit 2 ;;
esac

mkdir -p "$OUT"
args=(check)
if [ -n "$DOCS" ]; then
  # DOCS is a space-separated list on purpose: CI variables cannot hold arrays.
  read -r -a docs <<< "$DOCS"
  args+=("${docs[@]}")
fi
args+=(--suite "$SUITE" --json "$OUT/result.json" --html "$OUT/report.html"
       --markdown "$OUT/summary.md" --junit "$OUT/junit.xml")
missing_baseline=""
if [ -n "$BASELINE" ]; then
  if [ -f "$BASELINE" ]; then
    rule="${FAIL_ON:-regressions}"
    args+=(--baseline "$BASELINE" --tolerance "$TOLERANCE" --fail-on "$rule")
  else
    # The first run on main has nothing to compare with; say so loudly instead of failing,
    # so a broken baseline fetch is never mistaken for a clean comparison.
    missing_baseline="no baseline at $BASELINE; checking without a comparison, so regressions against main are NOT detected and every failing expectation fails the run (fail-on failures)"
    warn "$missing_baseline"
  fi
fi
if [ -z "${rule:-}" ]; then
  # Nothing to compare with: only the suite's own verdicts can decide.
  rule=failures
  if [ "$FAIL_ON" = "regressions" ] && [ -z "$BASELINE" ]; then
    warn "FAIL_ON=regressions needs a baseline; without one this run fails on every failing expectation (failures)"
  fi
  args+=(--fail-on failures)
fi
if [ -n "$GROUP_BY" ]; then args+=(--group-by "$GROUP_BY"); fi
if [ -n "$SAMPLE" ]; then args+=(--sample "$SAMPLE"); fi

set +e
"$SCRAPEGATE" "${args[@]}"
code=$?
set -e

if [ -n "$missing_baseline" ] && [ -f "$OUT/summary.md" ]; then
  # The summary is what reviewers read (step summary, pull-request comment): say it there too.
  printf '\n> **Warning:** %s.\n' "$missing_baseline" >> "$OUT/summary.md"
fi
if [ "$RECORD_BASELINE" = "true" ] && [ "$code" -eq 1 ] && [ -f "$OUT/result.json" ]; then
  # GitLab serves artifacts of successful jobs only: a failing baseline job would leave merge
  # requests with nothing to compare with. The failures are in the reports and the baseline.
  warn "expectations failed (exit 1); recorded $OUT/result.json as the baseline anyway (RECORD_BASELINE)"
  code=0
  recorded=" after failing expectations, recorded as the baseline (RECORD_BASELINE)"
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$OUT/summary.md" ]; then
  cat "$OUT/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
echo "scrapegate-gate: exit $code${recorded:-} (fail-on $rule: 0 pass, 1 the gate failed, 2 configuration error, 3 internal error); reports in $OUT/"
exit "$code"
