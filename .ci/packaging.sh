#!/usr/bin/env bash
# Packaging and TLS checks on the real artefacts (run by .ci/run as root):
#   1. the static binary: `file` says so, and it serves from an empty root (no libraries);
#   2. the container's root file system as packaging/Containerfile assembles it, run as its
#      unprivileged user;
#   3. the Debian package, built with cargo-deb and installed with dpkg -i;
#   4. testssl.sh against the TLS listener: no "not ok" finding (result kept in target/).
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  umount -R "$work/root/dev" 2>/dev/null || true
  umount -R "$work/image/dev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits until URL answers 200 (curl options may follow), or fails showing the server's LOG.
wait_healthy() {
  local url="$1" log="$2"
  shift 2
  for _ in $(seq 1 100); do
    if curl -fsS --max-time 2 "$@" "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "no answer from $url:" >&2
  cat "$log" >&2
  return 1
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

echo "== static binary"
packaging/build-static
bin=target/x86_64-unknown-linux-gnu/release/loondossier
description="$(file -b "$bin")"
echo "$description"
case "$description" in
  *"static-pie linked"* | *"statically linked"*) ;;
  *) echo "the binary is not statically linked" >&2; exit 1 ;;
esac
if cargo tree --locked -i openssl-sys >/dev/null 2>&1; then
  echo "openssl-sys is in the dependency tree" >&2
  exit 1
fi

# An empty root: the binary, its config, and /dev (as any container runtime provides).
mkdir -p "$work/root/dev" "$work/root/etc/loondossier"
cp "$bin" "$work/root/loondossier"
printf 'data_dir = "/data"\n[http]\nlisten = "127.0.0.1:18080"\n' > "$work/root/etc/loondossier/loondossier.toml"
unshare --mount -- sh -c "mount --rbind /dev '$work/root/dev' && exec chroot '$work/root' /loondossier --version"
unshare --mount -- sh -c "mount --rbind /dev '$work/root/dev' && exec chroot '$work/root' /loondossier serve --config /etc/loondossier/loondossier.toml" \
  > "$work/static.log" 2>&1 &
server_pid=$!
wait_healthy http://127.0.0.1:18080/healthz "$work/static.log"
stop_server
ls -A "$work/root" | grep -qx data || { echo "no data directory was made" >&2; exit 1; }
echo "served from an empty root"

echo "== container image (packaging/Containerfile)"
image="$work/image"
mkdir -p "$image"
command -v podman >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman || true
}
podman_ok=false
if command -v podman >/dev/null &&
  podman --storage-driver vfs build --quiet -f packaging/Containerfile -t loondossier:ci . >/dev/null; then
  config="$(podman --storage-driver vfs image inspect loondossier:ci \
    --format '{{.Config.User}} {{.Config.Volumes}} {{.Config.Entrypoint}}')"
  echo "image: $config"
  [ "$config" = "10001:10001 map[/data:{}] [/usr/bin/loondossier]" ]
  container="$(podman --storage-driver vfs create loondossier:ci)"
  podman --storage-driver vfs export "$container" | tar -x -C "$image"
  podman --storage-driver vfs rm "$container" >/dev/null
  podman_ok=true
else
  # Some machines cannot run a container engine: assemble the same files from the
  # Containerfile's COPY lines instead, and say so.
  echo "WARNING: podman could not build the image here; assembling its files by hand" >&2
  mkdir -p "$image/usr/bin" "$image/data"
  grep -q '^COPY target/x86_64-unknown-linux-gnu/release/loondossier /usr/bin/loondossier$' packaging/Containerfile
  cp "$bin" "$image/usr/bin/loondossier"
  grep -q '^COPY packaging/container/ /$' packaging/Containerfile
  cp -a packaging/container/. "$image/"
  grep -q '^COPY --chown=10001:10001 packaging/container-data/ /data/$' packaging/Containerfile
  cp -a packaging/container-data/. "$image/data/"
  chown -R 10001:10001 "$image/data"
fi
mkdir -p "$image/dev"
# Its entrypoint and command, as the runtime would start them, as its user.
unshare --mount -- sh -c "mount --rbind /dev '$image/dev' && exec chroot --userspec=10001:10001 '$image' /usr/bin/loondossier serve --config /etc/loondossier/loondossier.toml" \
  > "$work/image.log" 2>&1 &
server_pid=$!
wait_healthy http://127.0.0.1:8080/healthz "$work/image.log"
stop_server
test -f "$image/data/loondossier.db" || { echo "no database in the /data volume" >&2; exit 1; }
echo "the image (built with podman: $podman_ok) serves as uid 10001 with the data in /data"

echo "== Debian package"
if [ ! -x target/ci-tools/bin/cargo-deb ]; then
  cargo install --locked --quiet --root target/ci-tools cargo-deb@3.8.0
fi
target/ci-tools/bin/cargo-deb --no-build --target x86_64-unknown-linux-gnu --output "$work/loondossier.deb"
dpkg -i "$work/loondossier.deb"
/usr/bin/loondossier --version
id loondossier
[ "$(stat -c '%a %U %G' /etc/loondossier/loondossier.toml)" = "640 root loondossier" ]
[ "$(stat -c '%a %U' /var/lib/loondossier)" = "700 loondossier" ]
test -f /lib/systemd/system/loondossier.service || test -f /usr/lib/systemd/system/loondossier.service
test -f /usr/share/doc/loondossier/config.example.toml
runuser -u loondossier -- /usr/bin/loondossier check-config --config /etc/loondossier/loondossier.toml >/dev/null
runuser -u loondossier -- /usr/bin/loondossier serve --config /etc/loondossier/loondossier.toml \
  > "$work/deb.log" 2>&1 &
server_pid=$!
wait_healthy http://127.0.0.1:8080/healthz "$work/deb.log"
stop_server
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/loondossier.service
fi
dpkg --purge loondossier
rm -rf /var/lib/loondossier
echo "installed, served as the loondossier user, purged"

echo "== testssl.sh"
command -v testssl >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq testssl.sh
}
tls="$work/tls"
mkdir -p "$tls"
# A test CA and an ECDSA P-256 server certificate as a public CA would issue it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=loondossier CI CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$tls/key.pem" -out "$tls/leaf.csr" 2>/dev/null
cat > "$tls/ext.cnf" <<'EXT'
subjectAltName = DNS:localhost
extendedKeyUsage = serverAuth
keyUsage = critical, digitalSignature
basicConstraints = critical, CA:FALSE
crlDistributionPoints = URI:http://localhost/ca.crl
authorityInfoAccess = OCSP;URI:http://localhost/ocsp
EXT
openssl x509 -req -in "$tls/leaf.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
  -days 30 -extfile "$tls/ext.cnf" -out "$tls/cert.pem" 2>/dev/null
cat "$tls/cert.pem" "$tls/ca.pem" > "$tls/fullchain.pem"
printf 'data_dir = "%s/data"\n[http]\nlisten = "127.0.0.1:18443"\n[tls]\ncert = "%s/fullchain.pem"\nkey = "%s/key.pem"\n' \
  "$tls" "$tls" "$tls" > "$tls/loondossier.toml"
"$bin" serve --config "$tls/loondossier.toml" > "$tls/serve.log" 2>&1 &
server_pid=$!
wait_healthy https://localhost:18443/healthz "$tls/serve.log" --cacert "$tls/ca.pem"
testssl --quiet --color 0 --warnings off --add-ca "$tls/ca.pem" localhost:18443 \
  > target/testssl.txt 2>&1 || true
stop_server
grep -E "TLS 1(\.[0-3])? |SSLv|Strong encryption|PFS is offered|Heartbleed|ROBOT|Secure Renegotiation" target/testssl.txt || true
if grep -qi "not ok" target/testssl.txt; then
  echo "testssl.sh found problems:" >&2
  grep -i "not ok" target/testssl.txt >&2
  exit 1
fi
grep -q "Done" target/testssl.txt || { cat target/testssl.txt >&2; echo "testssl.sh did not finish" >&2; exit 1; }
echo "testssl.sh: no \"not ok\" findings (target/testssl.txt)"
