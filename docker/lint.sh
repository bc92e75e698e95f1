#!/usr/bin/env bash
# Lints the deployment files without a Docker engine: YAML syntax (yamllint), the compose model as Compose itself
# reads it (`docker-compose config`, Debian's docker-compose package: Compose v1.29, which validates the same
# file format v2 reads), and shell syntax of the entry point. Exits non-zero on the first error.
# hadolint is not packaged by Debian and its npm wrapper downloads a binary at install time, so Dockerfiles are
# checked by the Java test DockerfileTest instead (multi-stage, JRE runtime, non-root user).
# Needs: apt-get install -y yamllint docker-compose   (.ci/run installs them)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in yamllint docker-compose; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "docker/lint.sh: $tool is missing: apt-get install -y yamllint docker-compose" >&2
    exit 1
  }
done

# Syntax and structure; long lines are fine in compose files (commands, listener lists).
yamllint -s -d '{extends: default, rules: {line-length: disable, document-start: disable, truthy: {check-keys: false}}}' \
  compose.yaml compose.single.yaml

# The compose model: every file alone where it stands alone, and each override on top of the main file. A secret
# file that the operator creates at deploy time is stood in by a temporary one.
secret_stubs=()
for secret in ingest_token judge_api_key s3_access_key_id s3_secret_access_key; do
  if [ ! -f "secrets/$secret" ]; then
    mkdir -p secrets
    printf 'lint-placeholder\n' > "secrets/$secret"
    secret_stubs+=("secrets/$secret")
  fi
done
trap 'for f in "${secret_stubs[@]}"; do rm -f "$f"; done' EXIT
for profiles in gpu cpu; do
  COMPOSE_PROFILES=$profiles docker-compose -f compose.yaml config -q
  COMPOSE_PROFILES=$profiles docker-compose -f compose.yaml -f compose.single.yaml config -q
done

sh -n entrypoint.sh
bash -n lint.sh
echo "docker/lint.sh: compose files and entry point OK"
