#!/usr/bin/env bash
# Checks that every tracked C++ file is formatted by clang-format (the
# project's .clang-format, Google style), as the tree was reformatted once.
#
#   tools/check-format.sh          # lists the files that differ; exit 1 if any
#   tools/check-format.sh --fix    # reformats them in place
#
# Uses Debian 12's clang-format 14; another major version may format
# differently, so the check refuses to judge with one (exit 0, says why).
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
case "${1:-}" in
  --fix) fix=1 ;;
  "") ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "check-format: unknown option $1" >&2; exit 2 ;;
esac

formatter=${CLANG_FORMAT:-clang-format}
if ! command -v "$formatter" >/dev/null; then
  echo "check-format: $formatter not found (apt-get install clang-format)" >&2
  exit 2
fi
version=$("$formatter" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
if [ "$version" != 14 ]; then
  echo "check-format: skipped, $formatter is version $version, the tree is formatted by 14"
  exit 0
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-format: not a git checkout, nothing to list" >&2
  exit 2
fi

mapfile -t files < <(git ls-files '*.cc' '*.h')
if [ "$fix" = 1 ]; then
  "$formatter" -i "${files[@]}"
  exit 0
fi
# One clang-format run over every file; it names each file that differs.
mapfile -t unformatted < <("$formatter" --dry-run "${files[@]}" 2>&1 |
  sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u)
if [ "${#unformatted[@]}" -gt 0 ]; then
  echo "check-format: ${#unformatted[@]} file(s) not formatted (tools/check-format.sh --fix):"
  printf '  %s\n' "${unformatted[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
