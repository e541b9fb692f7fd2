#!/usr/bin/env bash
# rollback.sh record|restore STACK: put the functions' live aliases back where they were before a deploy whose
# smoke test failed.
#
#   rollback.sh record STACK FILE    before cdk deploy: the version each live alias of STACK points at, into FILE
#                                    (nothing when the stack does not exist yet: a first deploy has nothing to return to)
#   rollback.sh restore FILE         after a failed smoke test: every alias in FILE back to its recorded version
#
# CodeDeploy already rolls back a traffic shift that trips an alarm; this covers what only the smoke test sees (a
# refused token, a wrong answer) once the shift is complete. CloudFormation still believes in the new version; the
# next deploy shifts from the restored one.
set -euo pipefail

case "${1:-}" in
record)
    stack=${2:?usage: rollback.sh record STACK FILE} file=${3:?}
    : >"$file"
    if ! outputs=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs' --output json 2>/dev/null); then
        echo "rollback: $stack does not exist yet; nothing to roll back to"
        exit 0
    fi
    for key in ServerFunctionName AuthorizerFunctionName; do
        fn=$(printf '%s' "$outputs" | jq -r --arg k "$key" '.[]? | select(.OutputKey == $k) | .OutputValue')
        [ -n "$fn" ] || continue
        version=$(aws lambda get-alias --function-name "$fn" --name live --query FunctionVersion --output text 2>/dev/null || true)
        [[ $version =~ ^[0-9]+$ ]] || continue
        printf '%s %s\n' "$fn" "$version" >>"$file"
        echo "rollback: $fn:live is at version $version"
    done
    ;;
restore)
    file=${2:?usage: rollback.sh restore FILE}
    if [ ! -s "$file" ]; then
        echo "::error::no previous versions recorded (a first deploy): nothing to roll back to; fix forward"
        exit 1
    fi
    status=0
    while read -r fn version; do
        if aws lambda update-alias --function-name "$fn" --name live --function-version "$version" \
            --routing-config '{}' >/dev/null; then
            echo "::warning::rolled back $fn:live to version $version"
        else
            echo "::error::could not roll back $fn:live to version $version"
            status=1
        fi
    done <"$file"
    exit "$status"
    ;;
*)
    echo "usage: rollback.sh record STACK FILE | restore FILE" >&2
    exit 2
    ;;
esac
