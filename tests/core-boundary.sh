#!/bin/bash
# The core never sees h2o: a translation unit in server/core/ that includes <h2o.h> must not compile with
# the core's flags (h2o's H2O_USE_LIBUV=0 and include path belong to the HTTP front door's target alone).
# The flags are the build's own, read from its compile_commands.json. As controls, the same unit without
# the include compiles with the core's flags, and with the HTTP front door's flags it compiles include
# and all, so the test fails if the boundary is gone and cannot pass for a reason of its own.
# Usage: tests/core-boundary.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
commands="$build/compile_commands.json"
[ -f "$commands" ] || { echo "no $commands (CMAKE_EXPORT_COMPILE_COMMANDS is set in CMakeLists.txt)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The compile command of one source file, with its source and output replaced by a placeholder.
flags_of() {
  python3 - "$commands" "$1" <<'PY'
import json, shlex, sys
for e in json.load(open(sys.argv[1])):
    if e["file"].endswith(sys.argv[2]):
        args = shlex.split(e["command"])
        out = []
        skip = False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a in ("-o", "-c"):
                skip = True
                continue
            out.append(a)
        print(" ".join(shlex.quote(a) for a in out))
        break
else:
    sys.exit("no compile command for " + sys.argv[2])
PY
}
core_flags=$(flags_of server/core/handle.c)
http_flags=$(flags_of server/http/http_server.c)
compiler=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["command"].split()[0])' "$commands")

printf '#include "core.h"\n#include <h2o.h>\nint boundary_probe(void) { return 0; }\n' >"$work/with_h2o.c"
printf '#include "core.h"\nint boundary_probe(void) { return 0; }\n' >"$work/without_h2o.c"
fails=0
try() { # expect (pass|fail), flags, file, what
  if eval "$compiler $2 -fsyntax-only $3" >"$work/out" 2>&1; then got=pass; else got=fail; fi
  if [ "$got" = "$1" ]; then echo "ok   $4"; else echo "FAIL $4 (compiled: $got)"; sed 's/^/     /' "$work/out" | head -5; fails=1; fi
}
try fail "$core_flags" "$work/with_h2o.c" "a core unit that includes <h2o.h> does not compile with the core's flags"
try pass "$core_flags" "$work/without_h2o.c" "the same unit without the include compiles with the core's flags"
try pass "$http_flags" "$work/with_h2o.c" "the HTTP front door's flags do compile <h2o.h>"
exit $fails
