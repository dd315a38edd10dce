#!/bin/sh
# Caravan's container entrypoint (POSIX sh; also runs outside a container).
#
#   caravan.sh [run]   start the gateway in the foreground (exec: java becomes PID 1 and gets SIGTERM)
#   caravan.sh health  exit 0 when the admin plane answers /ready with 200 (used by HEALTHCHECK)
#
# Environment:
#   CARAVAN_HOME         where caravan.jar is                       (default /opt/caravan)
#   CARAVAN_CONFIG_DIR   application.properties, routes/*.yaml       (default /etc/caravan)
#   CARAVAN_ADMIN_PORT   admin plane port, for the health probe      (default 8081)
#   CARAVAN_HEALTH_PATH  path the probe asks                         (default /ready)
#   JAVA_OPTS            JVM heap and collector options; replaces the default "-XX:+UseSerialGC -Xms160m
#                        -Xmx160m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError", chosen by measuring
#                        the candidates' resident memory, throughput and latency (bench/RESULTS.md, footprint)
#   MALLOC_ARENA_MAX     glibc malloc arenas (default 2: fewer arenas, less resident memory)
#   CARAVAN_CDS          "off" starts without the class-data archive $CARAVAN_HOME/caravan.jsa (when there is one:
#                        the image makes it at build time; it shortens the start)
#   <NAME>_FILE          for NAME = CARAVAN_* or *_API_KEY (e.g. OPENAI_API_KEY_FILE=/run/secrets/openai): NAME
#                        is read from that file unless NAME is set, so keys can come from Docker secrets
# Every other setting comes from the environment too: CARAVAN_API_PORT=9090 sets caravan.api.port.
set -eu

CARAVAN_HOME="${CARAVAN_HOME:-/opt/caravan}"
CARAVAN_CONFIG_DIR="${CARAVAN_CONFIG_DIR:-/etc/caravan}"

secrets_from_files() {
  # only Caravan's own settings and provider keys: other *_FILE variables (SSL_CERT_FILE...) are left alone
  for var in $(env | sed -n -e 's/^\(CARAVAN_[A-Z0-9_]*\)_FILE=.*/\1/p' -e 's/^\([A-Z0-9_]*_API_KEY\)_FILE=.*/\1/p'); do
    eval "current=\${$var:-}"
    eval "file=\${${var}_FILE}"
    if [ -z "$current" ] && [ -n "$file" ]; then
      if [ ! -r "$file" ]; then
        echo "caravan: ${var}_FILE names $file, which cannot be read" >&2
        exit 64
      fi
      # the value is exported, never printed
      value="$(cat "$file")"
      export "$var=$value"
    fi
    unset "${var}_FILE"
  done
}

case "${1:-run}" in
  run)
    secrets_from_files
    if [ ! -d "$CARAVAN_CONFIG_DIR" ]; then
      echo "caravan: config directory $CARAVAN_CONFIG_DIR does not exist; starting with the built-in defaults" >&2
    fi
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
    cds=""
    if [ "${CARAVAN_CDS:-on}" != off ] && [ -f "$CARAVAN_HOME/caravan.jsa" ]; then
      # a class-data archive of this jar made by this JVM; a mismatched one is ignored with a warning
      cds="-XX:SharedArchiveFile=$CARAVAN_HOME/caravan.jsa"
    fi
    # shellcheck disable=SC2086  # JAVA_OPTS is a list of options
    exec java ${JAVA_OPTS:--XX:+UseSerialGC -Xms160m -Xmx160m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError} $cds \
      -Dcaravan.config.dir="$CARAVAN_CONFIG_DIR" \
      -jar "$CARAVAN_HOME/caravan.jar"
    ;;
  health)
    exec curl -fsS -o /dev/null --max-time 3 \
      "http://127.0.0.1:${CARAVAN_ADMIN_PORT:-8081}${CARAVAN_HEALTH_PATH:-/ready}"
    ;;
  *)
    echo "usage: caravan.sh [run|health]" >&2
    exit 64
    ;;
esac
