#!/usr/bin/env bash
# npm run setup: installs what ipclue needs, once, idempotently.
#  - the npm dependencies, exactly as package-lock.json pins them (npm ci)
#  - from the OS package manager, only where missing: redis-server (the private Redis of the
#    embedded default), chromium (Playwright drives the system browser; none is ever downloaded)
#    and a CJK font (reports and evidence screenshots render Chinese text)
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci wipes node_modules: skip it when this exact lockfile is already installed
stamp=node_modules/.ipclue-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "ipclue setup: node_modules already matches package-lock.json"
else
  echo "ipclue setup: npm ci"
  npm ci --no-fund --no-audit
  echo "$want" > "$stamp"
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if ! (command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -qi 'noto'); then
  missing+=(fonts-noto-cjk)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "ipclue setup: OS packages present (redis-server, chromium, fonts-noto-cjk)"
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "ipclue setup: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
    exit 0
  fi
  echo "ipclue setup: missing OS packages: ${missing[*]}. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "ipclue setup: missing OS packages: ${missing[*]}; install them with your package manager" >&2
echo "  (e.g. macOS: brew install redis chromium font-noto-sans-cjk) and run npm run setup again" >&2
exit 1
