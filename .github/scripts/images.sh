#!/usr/bin/env bash
# images.sh: the container images CI built and tested, from the test job to ECR and from stage to stage.
#
#   images.sh digest ARCHIVE             the sha256 digest of the image manifest in an OCI archive (podman save
#                                        --format oci-archive): the digest ECR will report once it is pushed
#   images.sh push ARCHIVE REPOSITORY TAG
#                                        skopeo copy --preserve-digests to REPOSITORY:TAG; fails unless ECR then
#                                        reports the archive's own digest (the tested bytes, not a rebuild)
#   images.sh resolve STAGE KEY NAME REPOSITORY
#                                        the digest that passed STAGE for KEY (the git tree of the commit) and NAME
#                                        (server-amd64, authorizer-arm64, ...): the ECR tag passed-STAGE-KEY-NAME.
#                                        Fails, naming the stage, when there is none: the promotion rule.
#   images.sh mark STAGE KEY NAME DIGEST REPOSITORY
#                                        records that DIGEST passed STAGE (tag passed-STAGE-KEY-NAME on it)
#
# REPOSITORY is <account>.dkr.ecr.<region>.amazonaws.com/<name>. Prints its answer on stdout, diagnostics on
# stderr; uses the aws CLI and skopeo with the job's credentials.
set -euo pipefail

die() {
    echo "images.sh: $*" >&2
    exit 1
}

# repository URI -> "REGISTRY_ID REGION NAME"
split_repository() {
    [[ $1 =~ ^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([a-z0-9._/-]+)$ ]] || die "not an ECR repository URI: $1"
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
}

manifest_digest() { # ARCHIVE
    local index digest
    [ -f "$1" ] || die "no archive $1"
    index=$(tar -xOf "$1" index.json) || die "$1 is not an OCI archive (no index.json)"
    digest=$(printf '%s' "$index" | jq -er '.manifests | if length == 1 then .[0].digest else error("not one manifest") end') ||
        die "$1 must hold exactly one image manifest"
    [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "$1: unexpected digest $digest"
    echo "$digest"
}

ecr_digest_of_tag() { # REGISTRY REGION NAME TAG -> digest or nothing
    aws ecr describe-images --registry-id "$1" --region "$2" --repository-name "$3" --image-ids "imageTag=$4" \
        --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true
}

tag_name() { # STAGE KEY NAME
    [[ $1 =~ ^(dev|qas|prod)$ ]] || die "unknown stage $1"
    [[ $2 =~ ^[0-9a-f]{40}$ ]] || die "the key must be a git object id (40 hex), not $2"
    [[ $3 =~ ^(server|authorizer)-(amd64|arm64)$ ]] || die "unknown image name $3"
    echo "passed-$1-${2:0:20}-$3"
}

command=${1:-}
shift || true
case "$command" in
digest)
    manifest_digest "${1:?usage: images.sh digest ARCHIVE}"
    ;;
push)
    archive=${1:?usage: images.sh push ARCHIVE REPOSITORY TAG}
    repository=${2:?} tag=${3:?}
    read -r registry region name <<<"$(split_repository "$repository")"
    want=$(manifest_digest "$archive")
    aws ecr get-login-password --region "$region" |
        skopeo login --username AWS --password-stdin "${repository%%/*}" >/dev/null
    skopeo copy --preserve-digests --retry-times 3 "oci-archive:$archive" "docker://$repository:$tag" >&2
    got=$(ecr_digest_of_tag "$registry" "$region" "$name" "$tag")
    [ "$got" = "$want" ] || die "pushed $archive as $repository:$tag, but ECR reports digest '$got', not $want"
    echo "$want"
    ;;
resolve)
    stage=${1:?usage: images.sh resolve STAGE KEY NAME REPOSITORY} key=${2:?} image=${3:?} repository=${4:?}
    read -r registry region name <<<"$(split_repository "$repository")"
    tag=$(tag_name "$stage" "$key" "$image")
    digest=$(ecr_digest_of_tag "$registry" "$region" "$name" "$tag")
    [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] ||
        die "no $image image of this commit's tree passed $stage (no tag $tag in $repository): deploy it to $stage first"
    echo "$digest"
    ;;
mark)
    stage=${1:?usage: images.sh mark STAGE KEY NAME DIGEST REPOSITORY} key=${2:?} image=${3:?} digest=${4:?} repository=${5:?}
    [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die "not a digest: $digest"
    read -r registry region name <<<"$(split_repository "$repository")"
    tag=$(tag_name "$stage" "$key" "$image")
    manifest=$(aws ecr batch-get-image --registry-id "$registry" --region "$region" --repository-name "$name" \
        --image-ids "imageDigest=$digest" --query 'images[0].imageManifest' --output text)
    if [ -z "$manifest" ] || [ "$manifest" = None ]; then die "$digest is not in $repository"; fi
    aws ecr put-image --registry-id "$registry" --region "$region" --repository-name "$name" --image-tag "$tag" \
        --image-manifest "$manifest" >/dev/null
    [ "$(ecr_digest_of_tag "$registry" "$region" "$name" "$tag")" = "$digest" ] || die "tag $tag does not point at $digest"
    echo "$tag"
    ;;
*)
    die "usage: images.sh digest|push|resolve|mark ..."
    ;;
esac
