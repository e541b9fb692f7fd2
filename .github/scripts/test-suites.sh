#!/usr/bin/env bash
# test-suites.sh DIR: the upstream test suites some unit tests read in place (tests/unit/test.h, test_suite_dir()),
# at the commits the project's own machines hold beside the checkout (../shared/reference/test-suites/README.md):
#
#   DIR/json-schema-test-suite/{tests,remotes}   json-schema-org/JSON-Schema-Test-Suite at 44401e0c (MIT)
#   DIR/aws-sigv4-test-suite/v4                  awslabs/aws-c-auth tests/aws-signing-test-suite/v4 at 495329c (Apache-2.0)
#
# A GitHub runner has no such directory beside the checkout, so this fetches them, and points the tests at DIR
# through MCP_TEST_SUITES_DIR in $GITHUB_ENV (when set). Nothing is copied into the repository; a suite that cannot
# be fetched fails the job rather than letting the tests that need it be skipped.
set -euo pipefail

dir=${1:?usage: test-suites.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# fetch NAME URL COMMIT: a clone without file contents until checkout, then the pinned commit.
fetch() {
    local clone="$dir/.clones/$1"
    rm -rf "$clone"
    git clone --quiet --filter=blob:none --no-checkout "$2" "$clone"
    git -C "$clone" -c advice.detachedHead=false checkout --quiet "$3"
}

fetch json-schema-test-suite https://github.com/json-schema-org/JSON-Schema-Test-Suite.git 44401e0c
fetch aws-c-auth https://github.com/awslabs/aws-c-auth.git 495329c

rm -rf "$dir/json-schema-test-suite" "$dir/aws-sigv4-test-suite"
mkdir -p "$dir/json-schema-test-suite" "$dir/aws-sigv4-test-suite"
cp -R "$dir/.clones/json-schema-test-suite/tests" "$dir/.clones/json-schema-test-suite/remotes" \
    "$dir/.clones/json-schema-test-suite/LICENSE" "$dir/json-schema-test-suite/"
cp -R "$dir/.clones/aws-c-auth/tests/aws-signing-test-suite/v4" "$dir/aws-sigv4-test-suite/"
cp "$dir/.clones/aws-c-auth/LICENSE" "$dir/.clones/aws-c-auth/NOTICE" "$dir/aws-sigv4-test-suite/"
rm -rf "$dir/.clones"

for want in json-schema-test-suite/tests/draft2020-12 aws-sigv4-test-suite/v4; do
    if [ ! -d "$dir/$want" ]; then
        echo "::error::$want is missing after the fetch"
        exit 1
    fi
done
if [ -n "${GITHUB_ENV:-}" ]; then
    echo "MCP_TEST_SUITES_DIR=$dir" >>"$GITHUB_ENV"
fi
echo "test suites in $dir"
