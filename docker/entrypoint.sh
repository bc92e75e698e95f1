#!/bin/sh
# Container entry point: the tralign CLI with JAVA_OPTS (heap, -Dai.djl.offline=true); arguments are a tralign
# command line, e.g. `ingest serve`. Settings come from TRALIGN_* variables (docs/operations.md).
set -eu
# shellcheck disable=SC2086 # JAVA_OPTS holds several options on purpose.
exec java ${JAVA_OPTS:-} -Dtralign.home=/opt/tralign -jar /opt/tralign/tralign-app.jar "$@"
