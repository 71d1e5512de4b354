#!/bin/sh
# Fails when a C++ source differs from .clang-format (clang-format 14, Debian's). With FILES...,
# checks those; without, every tracked .cpp/.h. `packaging/check-format.sh --fix` rewrites them.
set -eu
cd "$(dirname "$0")/.."
fix=0
if [ "${1:-}" = "--fix" ]; then fix=1; shift; fi
if [ "$#" -gt 0 ]; then files="$*"; else files=$(git ls-files '*.cpp' '*.h'); fi
if [ "$fix" = 1 ]; then
    # shellcheck disable=SC2086
    clang-format -i $files
    exit 0
fi
bad=""
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then bad="$bad $f"; fi
done
if [ -n "$bad" ]; then
    echo "check-format: these files differ from .clang-format (fix: sh packaging/check-format.sh --fix FILE...):" >&2
    for f in $bad; do echo "  $f" >&2; done
    exit 1
fi
echo "check-format: $(echo "$files" | wc -w) files follow .clang-format"
