#!/usr/bin/env bash
# Installs the reference tools the tests and benchmarks drive, pinned by version and cached
# per machine outside the repository (default ~/.cache/natsts-tools). Prints nothing on a cache hit.
# Fails loudly (non-zero exit) when a tool cannot be installed: tests never skip for a missing tool.
set -euo pipefail

NATS_SERVER_VERSION="${NATS_SERVER_VERSION:-v2.12.15}"
NATSCLI_VERSION="${NATSCLI_VERSION:-v0.3.0}"
CACHE="${NATSTS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/natsts-tools}"

export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOPATH="${CACHE}/gopath"
export GOMODCACHE="${CACHE}/gopath/pkg/mod"
export GOCACHE="${CACHE}/gocache"

if ! command -v go >/dev/null 2>&1; then
  echo "install.sh: Go is required to build the reference nats-server and nats CLI (apt-get install golang-go)" >&2
  exit 1
fi

install_one() { # name module version
  local name="$1" module="$2" version="$3"
  local dir="${CACHE}/${name}-${version}"
  if [ -x "${dir}/bin/${name}" ]; then return 0; fi
  echo "install.sh: building ${module}@${version} into ${dir}" >&2
  mkdir -p "${dir}"
  GOBIN="${dir}/bin.tmp" go install "${module}@${version}"
  mv "${dir}/bin.tmp" "${dir}/bin"
}

install_one nats-server github.com/nats-io/nats-server/v2 "${NATS_SERVER_VERSION}"
# natscli: `go install pkg@version` also asks the proxy for the module's version list (a deprecation
# check) which the proxy refuses for natscli, so build it from a throw-away module that pins the version.
install_in_module() { # name package module version
  local name="$1" pkg="$2" module="$3" version="$4"
  local dir="${CACHE}/${name}-${version}"
  if [ -x "${dir}/bin/${name}" ]; then return 0; fi
  echo "install.sh: building ${pkg}@${version} into ${dir}" >&2
  local work; work="$(mktemp -d)"
  trap 'rm -rf "${work}"' RETURN
  (cd "${work}" && go mod init natsts-tools-build >/dev/null 2>&1 \
    && go get "${pkg}@${version}" \
    && mkdir -p "${dir}/bin.tmp" && go build -o "${dir}/bin.tmp/${name}" "${pkg}")
  mv "${dir}/bin.tmp" "${dir}/bin"
}
install_in_module nats github.com/nats-io/natscli/nats github.com/nats-io/natscli "${NATSCLI_VERSION}"

mkdir -p "${CACHE}/current"
ln -sfn "${CACHE}/nats-server-${NATS_SERVER_VERSION}/bin/nats-server" "${CACHE}/current/nats-server"
ln -sfn "${CACHE}/nats-${NATSCLI_VERSION}/bin/nats" "${CACHE}/current/nats"
"${CACHE}/current/nats-server" --version >/dev/null
"${CACHE}/current/nats" --version >/dev/null 2>&1
