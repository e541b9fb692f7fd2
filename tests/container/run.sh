#!/bin/bash
# tests/container/run.sh [--arch amd64|arm64]: build the container images with podman and test them as they ship,
# for one architecture (default amd64, this machine's; arm64 runs under QEMU user emulation, tests/container/
# arm64-base.sh).
#
#   1. ../shared/tools/podman-offline prepares podman and the local debian:bookworm-slim base image (for arm64,
#      arm64-base.sh adds qemu-user-static, its binfmt registration and an arm64 base). The Dockerfile's own
#      BASE_IMAGE must be pinned by digest; offline, the local base is passed with --build-arg BASE_IMAGE.
#   2. podman build --target server and --target authorizer for linux/<arch>; the sizes are printed.
#   3. Each image: its architecture, a numeric non-root USER, the binary's absolute path as ENTRYPOINT, the OCI
#      labels, a version label equal to what the binary reports, only run-time files inside (no shell, compiler,
#      headers, apt lists or caches), and `--entrypoint /bin/sh` fails.
#   4. Every container runs as Lambda runs one: a read-only root file system, a writable /tmp (tmpfs), and an
#      arbitrary non-root user (uid 993, gid 990), not the image's USER. Two server containers on 127.0.0.1 with
#      ports podman picks: the image as shipped (tool set "default"), and one with -e MCP_TOOLSETS=default,
#      conformance. Their process runs as uid 993; the TypeScript SDK end-to-end test runs against both
#      (tests/node/lib/server.mjs reads MCP_SERVER_URL), the conformance suite against the second (amd64 only:
#      under QEMU it would take most of an hour); every log line is JSON; SIGTERM (podman stop) exits 0.
#   5. Both images as Lambda functions behind the project's Runtime API emulator (lambda.test.mjs), and the
#      authorizer's whole emulator suite (tests/authorizer/authorizer.test.mjs) with the authorizer image as the
#      function (a wrapper that runs the container, as Lambda would).
# Every container this run starts carries the label mcp-container-test=<pid>-<time>; on exit, whether the
# tests passed or not, the ids of those containers are looked up and each is removed. Needs root, Node.js
# and tests/node/node_modules (make node-deps).
set -euo pipefail
cd "$(dirname "$0")"
root=$(git rev-parse --show-toplevel)
cd "$root"

arch=amd64
if [ "${1:-}" = --arch ]; then arch=${2:?--arch amd64 or arm64}; fi
case "$arch" in amd64 | arm64) ;; *) echo "container: --arch must be amd64 or arm64" >&2; exit 2 ;; esac
server_image=mcp-server:test-$arch
authorizer_image=mcp-authorizer:test-$arch
# As Lambda runs a function: read-only root, writable /tmp, a user the image did not choose.
LAMBDA_USER=993:990
# --arch: the image's own, so podman does not warn (on stderr, which the tests read) that it is not the host's.
sandbox=(--read-only --tmpfs "/tmp:rw,mode=1777" --user "$LAMBDA_USER" --arch "$arch")
node_dir=tests/node
passed=0
failed=0
run_label=mcp-container-test=$$-$(date +%s)
work=$(mktemp -d)

cleanup() {
  local ids
  mapfile -t ids < <(podman ps --all --quiet --filter "label=$run_label" 2>/dev/null)
  [ "${#ids[@]}" -eq 0 ] || podman rm --force --time 0 "${ids[@]}" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
summary() {
  echo
  echo "container: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

[ -d "$node_dir/node_modules/@modelcontextprotocol/sdk" ] || {
  echo "container: $node_dir/node_modules is missing; run 'make node-deps' first" >&2
  exit 1
}
# On the project's machines, which reach no container registry, podman-offline installs podman and builds the
# debian:bookworm-slim base with debootstrap; elsewhere (a GitHub runner) podman is installed and the base pulled.
if [ -x "$root/../shared/tools/podman-offline" ]; then
  "$root/../shared/tools/podman-offline"
else
  command -v podman >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc netavark aardvark-dns iptables >/dev/null
  }
  podman image exists docker.io/library/debian:bookworm-slim || podman pull docker.io/library/debian:bookworm-slim
fi
base=docker.io/library/debian:bookworm-slim
if [ "$arch" = arm64 ]; then
  base=$(tests/container/arm64-base.sh | tail -n1)
fi

# The Dockerfile's default base is pinned by digest: a build anywhere else gets exactly that image.
pinned_base() {
  local default
  default=$(sed -n 's/^ARG BASE_IMAGE=//p' Dockerfile)
  echo "  ARG BASE_IMAGE=$default"
  [[ $default =~ ^[a-z0-9./-]+/debian:bookworm-slim@sha256:[0-9a-f]{64}$ ]] && grep -q '^FROM \${BASE_IMAGE} AS build$' Dockerfile
}

# build TARGET TAG: podman build; its output goes to a log file, whose end is shown when the build fails.
build() {
  local log="$work/build-$1.log"
  echo "building --target $1 -t $2 ..."
  if podman build --pull=never --platform "linux/$arch" --build-arg "BASE_IMAGE=$base" --target "$1" -t "$2" . >"$log" 2>&1; then
    return 0
  fi
  tail -n 60 "$log"
  return 1
}

check "the Dockerfile's base image is pinned by digest" pinned_base
started=$(date +%s)
check "podman build --target server (linux/$arch)" build server "$server_image" || { summary; exit 1; }
images=("$server_image")
check "podman build --target authorizer (linux/$arch)" build authorizer "$authorizer_image" && images+=("$authorizer_image")
echo "builds took $(($(date +%s) - started)) s"

echo
echo "image sizes (podman image inspect --format '{{.Size}}'):"
for image in "${images[@]}" "$base"; do
  size=$(podman image inspect --format '{{.Size}}' "$image")
  awk -v i="$image" -v s="$size" 'BEGIN { printf "  %-40s %10d bytes  %6.1f MB\n", i, s, s / 1e6 }'
done
echo

# Files an image may hold: the binary, the loader and libraries, CA certificates (and OpenSSL's default
# link to them), passwd and group, /tmp, and the copyright files of what it carries.
allowed_files='^(usr/local/bin/mcp-[a-z]+|(usr/)?lib[^/]*/.*\.so(\.[0-9]+)*|etc/(passwd|group)|etc/ssl/certs/ca-certificates\.crt|usr/lib/ssl/cert\.pem|usr/share/doc/[^/]+/(copyright|LICENSE)|tmp/)$'

only_runtime_files() { # IMAGE: list the image's files (not directories, except /tmp) and match them
  local id files unexpected
  id=$(podman create --label "$run_label" "$1")
  files=$(podman export "$id" | tar -tvf - | awk '$1 !~ /^d/ || $NF == "tmp/" { print ($1 ~ /^l/ ? $(NF - 2) : $NF) }')
  podman rm "$id" >/dev/null
  echo "$files" | sed 's/^/    /'
  unexpected=$(echo "$files" | grep -Ev "$allowed_files" || true)
  [ -z "$unexpected" ] || { echo "  unexpected files in $1:"; echo "$unexpected" | sed 's/^/    /'; return 1; }
  echo "$files" | grep -q '^usr/local/bin/mcp-' && echo "$files" | grep -q '^tmp/$'
}

architecture() { # IMAGE: the image's config says linux/<arch>, and so does the binary inside
  local a
  a=$(podman image inspect --format '{{.Os}}/{{.Architecture}}' "$1")
  echo "  $a"
  [ "$a" = "linux/$arch" ]
}

numeric_non_root_user() { # IMAGE
  local user
  user=$(podman image inspect --format '{{.Config.User}}' "$1")
  echo "  USER $user"
  [[ $user =~ ^[0-9]+(:[0-9]+)?$ ]] && [ "${user%%:*}" -ne 0 ]
}

absolute_entrypoint() { # IMAGE BINARY
  local entrypoint
  entrypoint=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$1")
  echo "  ENTRYPOINT $entrypoint"
  [ "$entrypoint" = "[\"/usr/local/bin/$2\"]" ]
}

oci_labels() { # IMAGE
  local key value ok=0
  for key in title description licenses version; do
    value=$(podman image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$key\"}}" "$1")
    echo "  org.opencontainers.image.$key=$value"
    [ -n "$value" ] || ok=1
  done
  podman image inspect --format '{{json .Config.Labels}}' "$1" | grep -q '"org.opencontainers.image.source":' || ok=1
  return $ok
}

version_label_matches_binary() { # IMAGE
  local label reported
  label=$(podman image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "$1")
  reported=$(podman run --rm --label "$run_label" "${sandbox[@]}" "$1" --version)
  echo "  label $label, binary: $reported"
  [ "$reported" = "mcp-server $label" ]
}

no_shell() { # IMAGE
  ! podman run --rm --label "$run_label" --entrypoint /bin/sh "$1" -c true >/dev/null 2>&1
}

for image in "${images[@]}"; do
  binary=$(podman image inspect --format '{{index .Config.Labels "org.opencontainers.image.title"}}' "$image")
  check "$image: built for linux/$arch" architecture "$image"
  check "$image: only run-time files (no shell, compiler, headers, apt lists or caches)" only_runtime_files "$image"
  check "$image: USER is numeric and not root" numeric_non_root_user "$image"
  check "$image: ENTRYPOINT is /usr/local/bin/$binary" absolute_entrypoint "$image" "$binary"
  check "$image: OCI labels" oci_labels "$image"
  check "$image: podman run --entrypoint /bin/sh fails" no_shell "$image"
done
check "$server_image: version label matches mcp-server --version" version_label_matches_binary "$server_image"

# wait_ready URL: a ping answered with 200 within 30 s (QEMU starts slowly).
wait_ready() {
  node -e '
    const [url] = process.argv.slice(1);
    const deadline = Date.now() + 30_000;
    const ping = { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" } };
    (async () => {
      for (;;) {
        try { if ((await fetch(url, ping)).status === 200) return; } catch {}
        if (Date.now() > deadline) { console.error(`no answer from ${url} within 30 s`); process.exit(1); }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();' "$1"
}

runs_as_uid() { # CONTAINER UID: every uid of the container's process (real, effective, saved, fs) is UID
  local pid uids
  pid=$(podman inspect --format '{{.State.Pid}}' "$1")
  uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status")
  echo "  pid $pid, Uid: $uids"
  [ "$uids" = "$2 $2 $2 $2" ]
}

json_logs_only() { # CONTAINER
  podman logs "$1" >"$work/$1.log" 2>&1
  echo "  $(wc -l <"$work/$1.log") log lines"
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const bad = lines.filter((l) => { try { const v = JSON.parse(l); return v === null || typeof v !== "object"; } catch { return true; } });
    for (const l of bad.slice(0, 20)) console.log(`  not JSON: ${l}`);
    process.exit(bad.length === 0 && lines.length > 0 ? 0 : 1);' "$work/$1.log"
}

stops_with_0() { # CONTAINER: SIGTERM, in-flight requests finish, exit status 0
  podman stop --time 10 "$1" >/dev/null
  local code
  code=$(podman inspect --format '{{.State.ExitCode}}' "$1")
  echo "  exit code $code"
  [ "$code" = 0 ]
}

declare -A cid url
sets=(default conformance)
for set in "${sets[@]}"; do
  opts=()
  [ "$set" = conformance ] && opts=(-e "MCP_TOOLSETS=default,conformance")
  cid[$set]=$(podman run -d --label "$run_label" "${sandbox[@]}" -p 127.0.0.1::8080 "${opts[@]}" "$server_image")
  url[$set]="http://127.0.0.1:$(podman port "${cid[$set]}" 8080/tcp | head -n1 | sed 's/.*://')/mcp"
  echo "server container with tool set $set: ${cid[$set]:0:12} at ${url[$set]}"
  check "$set container answers (read-only root, tmpfs /tmp, user $LAMBDA_USER)" wait_ready "${url[$set]}"
  check "$set container process runs as uid ${LAMBDA_USER%%:*}" runs_as_uid "${cid[$set]}" "${LAMBDA_USER%%:*}"
done

check "end-to-end with the TypeScript SDK client, against the linux/$arch containers" \
  env MCP_SERVER_URL="default=${url[default]} default,conformance=${url[conformance]}" node --test "$node_dir/e2e.test.mjs"
# the conformance suite is run on this machine's architecture only: under QEMU it would take most of an hour
if [ "$arch" = amd64 ]; then
  check "conformance 0.1.16 --suite all, against the container" \
    env MCP_SERVER_URL="${url[conformance]}" node "$node_dir/conformance.mjs"
fi

for set in "${sets[@]}"; do
  check "$set container: every log line is JSON" json_logs_only "${cid[$set]}"
  check "$set container: SIGTERM (podman stop) exits 0" stops_with_0 "${cid[$set]}"
done

# The authorizer image as the function of the authorizer's own emulator suite: a wrapper the emulator starts as
# the function's process, which runs the container sandboxed as Lambda would, with the environment the emulator
# gives a runtime (--env-host).
wrapper=$work/authorizer-function
cat >"$wrapper" <<WRAPPER
#!/bin/sh
exec podman run --rm --network host --env-host --label "$run_label" ${sandbox[*]} "$authorizer_image"
WRAPPER
chmod +x "$wrapper"
check "the authorizer's emulator suite, with the linux/$arch authorizer image as the function" \
  env MCP_AUTHORIZER_BIN="$wrapper" MCP_AUTHORIZER_TIMEOUT_MS=60000 node --test tests/authorizer/authorizer.test.mjs

check "the images as Lambda functions behind the Runtime API emulator (read-only, tmpfs /tmp, user $LAMBDA_USER)" \
  env CONTAINER_LABEL="$run_label" SERVER_IMAGE="$server_image" AUTHORIZER_IMAGE="$authorizer_image" \
  LAMBDA_USER="$LAMBDA_USER" CONTAINER_ARCH="$arch" node --test tests/container/lambda.test.mjs

echo "linux/$arch: $(($(date +%s) - started)) s from the first build"
summary
