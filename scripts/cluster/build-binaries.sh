#!/usr/bin/env bash
# Builds the real control-plane programs `npm run test:cluster` runs, from the wrapper Go modules in
# tools/control-plane/, into a cache OUTSIDE the repo and node_modules, keyed by version:
#   ${PLATFORM_KIT_CACHE:-$HOME/.cache/platform-kit}/bin/<tool>-<version>/<tool>
# A tool already in the cache is not rebuilt, so only the first run on a machine pays for the build.
# Prints one line per tool: <tool> <absolute path>.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD/tools/control-plane

# One place for the versions; each must match its wrapper go.mod (checked below, so a bump cannot half-happen).
K8S_VERSION=v1.36.3
K8S_DATE=2026-07-22T18:07:38Z # the release tag's time from the Go module proxy: --version reports the real build source
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0

cache=${PLATFORM_KIT_CACHE:-$HOME/.cache/platform-kit}/bin
command -v go >/dev/null 2>&1 || { echo "build-binaries: Go is needed for the cluster tier (https://go.dev/dl/, 1.26 or newer)" >&2; exit 2; }

require() { # module-dir module version: the go.mod must pin exactly the version this script labels the binary with
  grep -qE "^(require )?[[:space:]]*$2 $3\$" "$root/$1/go.mod" ||
    { echo "build-binaries: $root/$1/go.mod does not require $2 $3; update both together" >&2; exit 2; }
}
require kubernetes k8s.io/kubernetes "$K8S_VERSION"
require etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
require kwok sigs.k8s.io/kwok "$KWOK_VERSION"

# build <module-dir> <version> <ldflags> <tool=package>...: builds the tools missing from the cache in one `go build`
# (they share most packages), then moves each into place, so an interrupted build never leaves a half-written binary.
build() {
  local dir=$1 version=$2 ldflags=$3; shift 3
  local missing=() pkgs=() pair tool
  for pair in "$@"; do
    tool=${pair%%=*}
    [ -x "$cache/$tool-$version/$tool" ] || { missing+=("$tool"); pkgs+=("${pair#*=}"); }
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local tmp; tmp=$(mktemp -d "${TMPDIR:-/tmp}/platform-kit-build.XXXXXX")
  echo "build-binaries: building ${missing[*]} $version (first run on this machine; later runs reuse $cache)" >&2
  (cd "$root/$dir" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}") >&2
  local i out
  for i in "${!missing[@]}"; do
    tool=${missing[$i]}
    out=${pkgs[$i]%/v[0-9]*}; out=${out##*/} # go names a binary after its package path, without a /vN suffix
    mkdir -p "$cache/$tool-$version"
    mv "$tmp/$out" "$cache/$tool-$version/$tool.partial"
    mv "$cache/$tool-$version/$tool.partial" "$cache/$tool-$version/$tool"
  done
  rmdir "$tmp"
}

# The same -X flags as Kubernetes' hack/lib/version.sh, for both version packages (kubectl reports client-go's).
k8s_ldflags="-s -w"
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$K8S_DATE"
done

build kubernetes "$K8S_VERSION" "$k8s_ldflags" \
  kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
  kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
  kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler \
  kubectl=k8s.io/kubernetes/cmd/kubectl
build etcd "$ETCD_VERSION" "-s -w" etcd=go.etcd.io/etcd/server/v3
build kwok "$KWOK_VERSION" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=$K8S_VERSION" \
  kwok=sigs.k8s.io/kwok/cmd/kwok

# kwok needs Stages to move nodes and pods along; it ships its defaults (the ones `kwokctl` uses: node initialize,
# heartbeat with lease, pod ready/complete/delete) as YAML in its module, so take them from there, never a copy.
stages=$cache/kwok-$KWOK_VERSION/default-stages.yaml
if [ ! -s "$stages" ]; then
  src=$(cd "$root/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo '---'; cat "$src/$f.yaml"
  done > "$stages.partial"
  mv "$stages.partial" "$stages"
fi

for tool in kube-apiserver kube-controller-manager kube-scheduler kubectl; do echo "$tool $cache/$tool-$K8S_VERSION/$tool"; done
echo "etcd $cache/etcd-$ETCD_VERSION/etcd"
echo "kwok $cache/kwok-$KWOK_VERSION/kwok"
echo "kwok-stages $stages"
