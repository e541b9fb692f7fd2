# Container images of the MCP server and of the token authorizer, from one Dockerfile.
#
#   podman build --target server     -t mcp-server .       (server is the default target)
#   podman build --target authorizer -t mcp-authorizer .
#   docker build ... works the same; add --platform linux/amd64 or --platform linux/arm64 to pick the
#   architecture (a Lambda function runs one architecture; build once per architecture you deploy).
#
# The base is pinned by digest (BASE_IMAGE below: the multi-architecture index of debian:bookworm-slim, from ECR
# Public's mirror of Docker's official images, which has no anonymous pull limits on AWS and GitHub runners).
# Dependabot proposes a new digest when Debian publishes one; the weekly Rebuild workflow builds the images again
# (with `apt-get upgrade`) so security fixes ship even when no source changed. A machine without registry access
# passes its own copy: --build-arg BASE_IMAGE=docker.io/library/debian:bookworm-slim (tests/container/run.sh).
#
# Stages:
#   build               debian:bookworm-slim with the compiler and -dev packages; runs the project's CMake build
#                       over the context .dockerignore leaves (the sources of the server and the authorizer).
#   rootfs              for each binary the build produced, a directory /rootfs/<binary>/ holding exactly what
#                       it needs at run time (see below).
#   authorizer-rootfs   fails the build with a clear message when the authorizer binary was not built.
#   authorizer, server  FROM scratch: the matching /rootfs/<binary>/ and nothing else.
#
# Why the final stages are FROM scratch: the only image we pull is debian:bookworm-slim, about 75 MB of
# shell, coreutils, dpkg, apt and perl-base, none of which the binaries use. What they do need is a short,
# known list: the dynamic loader and the shared libraries ldd reports (glibc, OpenSSL, h2o and its
# dependencies), the CA certificates, /etc/passwd and /etc/group naming the non-root user, and a writable
# /tmp. The rootfs stage copies those files out of the build stage at the paths ldd printed, so the loader
# finds them at the same place as on Debian, for whichever architecture is being built; a scratch stage
# holding only them is a few megabytes, with no shell, package manager or compiler to misuse. The libraries
# are Debian's own, the very files the binaries were linked against; security fixes arrive by rebuilding
# (the build stage upgrades its packages first; CI rebuilds weekly). The Debian copyright files of the copied packages and the
# project's LICENSE are kept in /usr/share/doc, as the licenses ask of anyone who redistributes the binaries.
#
# Lambda uses ENTRYPOINT, CMD, WORKDIR and ENV from this file and ignores USER (it picks its own unprivileged
# user; every file here is world-readable, the binaries and the loader world-executable). ENTRYPOINT is the
# binary's absolute path: the server runs the Lambda Runtime API loop when Lambda sets AWS_LAMBDA_RUNTIME_API,
# and the HTTP front door otherwise.
#
# With Docker, use BuildKit (the default since Docker 23): the legacy builder also builds stages the target
# does not need, so without the authorizer sources it would fail on authorizer-rootfs even for --target server.

# VERSION is the binaries' own (mcp-server --version; tests/container/run.sh checks that they agree).
# SOURCE_URL is the repository's address, e.g. --build-arg SOURCE_URL=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.
ARG VERSION=0.1.0
ARG SOURCE_URL=""
ARG BASE_IMAGE=public.ecr.aws/docker/library/debian:bookworm-slim@sha256:3783cc01769c7b2b1b83a5c5ad96c815348e28ed7da68e2e3687004faa906251

FROM ${BASE_IMAGE} AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get upgrade -y --no-install-recommends \
 && apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config libh2o-evloop-dev libssl-dev libpcre2-dev libexpat1-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build -j"$(nproc)"

FROM build AS rootfs
# Per binary: the stripped binary in /usr/local/bin; every library ldd resolves (and the loader, the one
# line without "=>") copied to the path ldd printed, following symlinks; the copyright files of the
# packages they came from, and the project's LICENSE; the CA bundle, also where OpenSSL looks by default
# (OPENSSLDIR/cert.pem); a passwd and group with root and the non-root user 65532; /tmp with the sticky bit.
RUN set -eu; \
    openssldir=$(openssl version -d | sed -E 's/^OPENSSLDIR: "(.*)"$/\1/'); \
    for bin in build/mcp-server build/mcp-admin build/mcp-authorizer; do \
        [ -x "$bin" ] || continue; \
        name=${bin##*/}; \
        root=/rootfs/$name; \
        [ "$name" = mcp-admin ] && root=/rootfs/mcp-server; \
        install -D -m 0755 "$bin" "$root/usr/local/bin/$name"; \
        strip --strip-unneeded "$root/usr/local/bin/$name"; \
        deps=$(ldd "$bin"); \
        if printf '%s\n' "$deps" | grep -q 'not found'; then echo "$bin: unresolved libraries:" >&2; echo "$deps" >&2; exit 1; fi; \
        for lib in $(printf '%s\n' "$deps" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do \
            mkdir -p "$root$(dirname "$lib")"; \
            cp -L "$lib" "$root$lib"; \
            pkg=$( (dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")") | head -n1 | cut -d: -f1); \
            install -D -m 0644 "/usr/share/doc/$pkg/copyright" "$root/usr/share/doc/$pkg/copyright"; \
        done; \
        install -D -m 0644 LICENSE "$root/usr/share/doc/mcp-lambda-c/LICENSE"; \
        install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"; \
        install -D -m 0644 /usr/share/doc/ca-certificates/copyright "$root/usr/share/doc/ca-certificates/copyright"; \
        mkdir -p "$root$openssldir"; \
        ln -sf /etc/ssl/certs/ca-certificates.crt "$root$openssldir/cert.pem"; \
        printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' 'nonroot:x:65532:65532:nonroot:/nonexistent:/usr/sbin/nologin' \
            >"$root/etc/passwd"; \
        printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' >"$root/etc/group"; \
        install -d -m 1777 "$root/tmp"; \
    done

FROM rootfs AS authorizer-rootfs
RUN [ -d /rootfs/mcp-authorizer ] || { \
        echo 'ERROR: --target authorizer: the build produced no build/mcp-authorizer, because authorizer/main.c' \
             'is not in the build context (the authorizer sources are missing, or .dockerignore excludes them).' >&2; \
        exit 1; }

FROM scratch AS authorizer
ARG VERSION
ARG SOURCE_URL
LABEL org.opencontainers.image.title="mcp-authorizer" \
      org.opencontainers.image.description="API Gateway Lambda authorizer for Bearer tokens, a Lambda custom runtime in C" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=authorizer-rootfs /rootfs/mcp-authorizer/ /
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/mcp-authorizer"]

FROM scratch AS server
ARG VERSION
ARG SOURCE_URL
LABEL org.opencontainers.image.title="mcp-server" \
      org.opencontainers.image.description="Stateless MCP server in C (Streamable HTTP); on AWS Lambda, a custom runtime" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=rootfs /rootfs/mcp-server/ /
ENV MCP_BIND=0.0.0.0 MCP_PORT=8080
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/mcp-server"]
