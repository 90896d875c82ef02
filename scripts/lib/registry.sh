# Helpers for the demo: a throw-away docker-registry on a free loopback port, and tiny images pushed
# through the registry HTTP API with curl. Source this file; nothing here talks to anything but 127.0.0.1.

# start_registry DIR → sets REGISTRY (127.0.0.1:PORT) and REGISTRY_PID.
start_registry() {
    local dir=$1 port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    mkdir -p "$dir/storage"
    cat >"$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONFIG
    docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    REGISTRY_PID=$!
    REGISTRY=127.0.0.1:$port
    for _ in $(seq 50); do
        curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "docker-registry did not start; see $dir/registry.log" >&2
    return 1
}

_sha() { sha256sum | cut -d' ' -f1; }

# _blob REPO DATA → uploads DATA, prints its digest.
_blob() {
    local repo=$1 data=$2 digest location
    digest="sha256:$(printf '%s' "$data" | _sha)"
    location=$(curl -fsS -X POST -D - -o /dev/null "http://$REGISTRY/v2/$repo/blobs/uploads/" |
        tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    case $location in http*) ;; *) location="http://$REGISTRY$location" ;; esac
    case $location in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
    printf '%s' "$data" | curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @- "$location" >/dev/null
    echo "$digest"
}

# _manifest REPO SEED ARCH → pushes a one-layer schema2 image by digest, prints "digest size".
_manifest() {
    local repo=$1 seed=$2 arch=$3 config layer manifest digest
    config=$(printf '{"architecture":"%s","os":"linux","config":{"Labels":{"seed":"%s"}},"rootfs":{"type":"layers","diff_ids":[]}}' "$arch" "$seed")
    layer="layer $seed $arch"
    local cd ld
    cd=$(_blob "$repo" "$config")
    ld=$(_blob "$repo" "$layer")
    manifest=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%d,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%d,"digest":"%s"}]}' \
        "${#config}" "$cd" "${#layer}" "$ld")
    digest="sha256:$(printf '%s' "$manifest" | _sha)"
    printf '%s' "$manifest" | curl -fsS -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
        --data-binary @- "http://$REGISTRY/v2/$repo/manifests/$digest" >/dev/null
    echo "$digest ${#manifest}"
}

# push_image REPO TAG SEED → a single-platform image; prints its digest.
push_image() {
    local repo=$1 tag=$2 seed=$3 digest size manifest
    read -r digest size < <(_manifest "$repo" "$seed" amd64)
    manifest=$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/$repo/manifests/$digest")
    printf '%s' "$manifest" | curl -fsS -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' \
        --data-binary @- "http://$REGISTRY/v2/$repo/manifests/$tag" >/dev/null
    echo "$digest"
}

# push_list REPO TAG SEED → a Docker manifest list for linux/amd64 and linux/arm64; prints its digest.
push_list() {
    local repo=$1 tag=$2 seed=$3 amd arm amd_size arm_size list
    read -r amd amd_size < <(_manifest "$repo" "$seed" amd64)
    read -r arm arm_size < <(_manifest "$repo" "$seed" arm64)
    list=$(printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":%d,"digest":"%s","platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":%d,"digest":"%s","platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}' \
        "$amd_size" "$amd" "$arm_size" "$arm")
    printf '%s' "$list" | curl -fsS -X PUT -H 'Content-Type: application/vnd.docker.distribution.manifest.list.v2+json' \
        --data-binary @- "http://$REGISTRY/v2/$repo/manifests/$tag" >/dev/null
    echo "sha256:$(printf '%s' "$list" | _sha)"
}
