#!/bin/bash
# The README's "Adding a tool" example must be a complete tool in under 20 lines that compiles against
# server/mcp.h, so the documentation cannot drift from the API.
set -euo pipefail
cd "$(dirname "$0")/.."
example=$(awk '/^## Adding a tool/ {in_section = 1} in_section && /^```c$/ {grab = 1; next} grab && /^```$/ {exit} grab {print}' README.md)
lines=$(printf '%s\n' "$example" | wc -l)
echo "README example: $lines lines"
[ "$lines" -gt 0 ] && [ "$lines" -lt 20 ] || { echo "the example must have 1-19 lines" >&2; exit 1; }
printf '%s\n' "$example" | cc -std=gnu11 -Wall -Wextra -Werror -Wno-override-init -Wno-missing-field-initializers \
  -Iserver -Icommon -x c -fsyntax-only -
echo "README example compiles"
