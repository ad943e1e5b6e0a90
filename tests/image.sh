#!/usr/bin/env bash
# The session image, built and run as Kubernetes would run it (called by tests/run.sh; also alone):
#   1. image/build.sh builds it with Debian's podman (base from debootstrap, cached under target/image/);
#   2. its configuration is checked (user, entrypoint, HEALTHCHECK, environment, port);
#   3. it is run. `podman run` cannot start containers in this sandbox (crun: setrlimit … Operation not
#      permitted; ../shared/notes/containers.md), so the image's own files are run instead: `podman image
#      mount` (read-only, like readOnlyRootFilesystem) in a private mount namespace, with the pod's
#      volumes (tmpfs for /home/eduk8s and /tmp, the ConfigMap's files at /opt/workshop) and chroot as
#      uid 1001 through the image's ENTRYPOINT and CMD; then /readyz, the HEALTHCHECK command, a terminal
#      command, code-server behind /editor/, /metrics, resident memory, and SIGTERM.
# Skips (exit 0, saying why) without root or podman. Env: LECTERN_BIN (default target/release/lectern).
# Last line: "image: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TAG=localhost/lectern:test
PASSED=0; FAILED=0
ok() { echo "ok: $*"; PASSED=$((PASSED + 1)); }
bad() { echo "FAILED: $*"; FAILED=$((FAILED + 1)); }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
finish() { echo "image: $PASSED passed, $FAILED failed${1:+ ($1)}"; [ "$FAILED" -eq 0 ]; exit $?; }
skip() { echo "image: skipped: $*"; echo "image: 0 passed, 0 failed (skipped)"; exit 0; }

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, mount namespaces)"
command -v podman >/dev/null || skip "podman is not installed (apt-get install podman debootstrap)"
podman info >/dev/null 2>&1 || skip "podman info fails: $(podman info 2>&1 | tail -1)"

export LECTERN_BIN="${LECTERN_BIN:-$TARGET/release/lectern}"
[ -x "$LECTERN_BIN" ] || { bad "no release binary at $LECTERN_BIN (cargo build --release)"; finish; }
log=$TARGET/image/build.log
mkdir -p "$TARGET/image"
if bash image/build.sh "$TAG" >"$log" 2>&1; then ok "image/build.sh builds $TAG"; else
  tail -30 "$log"; bad "image/build.sh (log: $log)"; finish; fi

# ---- configuration ----
config() { podman image inspect --format "$1" "$TAG"; }
check "runs as uid 1001" [ "$(config '{{.Config.User}}')" = "1001:1001" ]
check "entrypoint is tini + lectern-entrypoint" \
  [ "$(config '{{join .Config.Entrypoint " "}}')" = "/usr/bin/tini -g -- /usr/local/bin/lectern-entrypoint" ]
health=$(config '{{json .Config.Healthcheck.Test}}')
check "HEALTHCHECK asks /readyz" grep -q '/readyz' <<<"$health"
check "WORKSHOP_DIR=/opt/workshop" grep -qx 'WORKSHOP_DIR=/opt/workshop' <<<"$(config '{{join .Config.Env "\n"}}')"
check "exposes 10080" grep -q '10080/tcp' <<<"$(config '{{json .Config.ExposedPorts}}')"

# ---- the files ----
mnt=$(podman image mount "$TAG") || { bad "podman image mount"; finish; }
trap 'podman image unmount "$TAG" >/dev/null 2>&1' EXIT
for file in /usr/local/bin/lectern /bin/bash /usr/bin/git /usr/bin/tini /usr/bin/curl /usr/local/bin/code-server \
  /opt/code-server/lib/node /usr/local/bin/lectern-entrypoint; do
  check "$file is executable" [ -x "$mnt$file" ]
done
check "code-server's entry point" [ -f "$mnt/opt/code-server/node_modules/code-server/out/node/entry.js" ]
check "editor extensions folder" [ -d "$mnt/opt/code-server/extensions" ]
check "user eduk8s is 1001" grep -q '^eduk8s:x:1001:1001:' "$mnt/etc/passwd"
check "root filesystem mounts read-only" bash -c "! touch '$mnt/.writable' 2>/dev/null"
check "the image's workshop passes lectern check" \
  chroot --userspec=1001:1001 --groups=1001 "$mnt" /usr/local/bin/lectern check /opt/workshop

# ---- run it as the pod does ----
# The ConfigMap's files, laid out as the Deployment's volume items do.
content=$(mktemp -d)
trap 'podman image unmount "$TAG" >/dev/null 2>&1; rm -rf "$content"' EXIT
python3 - "$content" <<'EOF' || bad "ConfigMap content extracted"
import json, os, re, sys
# Minimal reader for the two manifests (no PyYAML needed): data keys of the ConfigMap, items of the volume.
out = sys.argv[1]
cm = open("image/k8s/base/content.yaml").read().split("\ndata:\n", 1)[1]
data, key = {}, None
for line in cm.splitlines():
    m = re.match(r"^  ([\w.-]+): \|$", line)
    if m: key = m.group(1); data[key] = []; continue
    if key is not None: data[key].append(line[4:] if line.startswith("    ") else "")
items = re.findall(r"- key: (\S+)\n\s+path: (\S+)", open("image/k8s/base/deployment.yaml").read())
assert items, "no volume items"
for key, path in items:
    dest = os.path.join(out, path)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    open(dest, "w").write("\n".join(data[key]).rstrip("\n") + "\n")
EOF
chmod -R a+rX "$content"   # as a ConfigMap volume's files (defaultMode 0644)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
editor_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
entrypoint=$(config '{{join .Config.Entrypoint " "}}')
cmd=$(config '{{join .Config.Cmd " "}}')
mapfile -t image_env < <(config '{{join .Config.Env "\n"}}')
token=image-test-login-token-0123456789
services=image-test-services-password
healthcmd=$(python3 -c 'import json,sys; t=json.loads(sys.argv[1]); print(t[1] if t[0]=="CMD-SHELL" else " ".join(t[1:]))' "$health")
results=$(mktemp)
# Everything below runs in a private mount namespace: its mounts vanish with it.
unshare --mount --propagation private bash -s -- "$mnt" "$content" "$port" "$editor_port" "$results" <<EOF
set -u
mnt=\$1; content=\$2; port=\$3; editor_port=\$4; results=\$5
say() { echo "\$*" >>"\$results"; }
mount --rbind /dev "\$mnt/dev" \
  && mount -t tmpfs -o mode=0755,uid=1001,gid=1001 home "\$mnt/home/eduk8s" \
  && mount -t tmpfs -o mode=1777 tmp "\$mnt/tmp" && mount --bind -o ro "\$content" "\$mnt/opt/workshop" \
  || { say "FAILED: pod volumes mounted"; exit 0; }
say "ok: pod volumes mounted (home, tmp: tmpfs; /opt/workshop: ConfigMap files)"
# The image's environment, on loopback only (the host's network is shared), with the pod's settings; in
# its own PID namespace, so tini is PID 1 as in a container (it reaps code-server, and when it exits
# nothing of the container is left).
env -i $(printf '%q ' "${image_env[@]}") LECTERN_BIND=127.0.0.1 GATEWAY_PORT=\$port EDITOR_PORT=\$editor_port \
  ENABLE_EDITOR=true LECTERN_AUTH=token LECTERN_LOGIN_TOKEN=$token SERVICES_PASSWORD=$services SESSION_NAME=image-test \
  unshare --pid --fork --mount-proc="\$mnt/proc" \
  chroot --userspec=1001:1001 --groups=1001 "\$mnt" $entrypoint $cmd >"\$results.log" 2>&1 &
pid=\$!
# Every process of the "container": tini and its descendants.
tree() { local p=\$1 c; echo \$p; for c in \$(pgrep -P \$p); do tree \$c; done; }
base=http://127.0.0.1:\$port
for _ in \$(seq 600); do curl -fs -o /dev/null "\$base/readyz" && break; sleep 0.1; done
if curl -fs -o /dev/null "\$base/readyz"; then say "ok: /readyz answers 200"; else
  say "FAILED: /readyz (log: \$(tail -5 "\$results.log" | tr '\n' ' '))"; kill -KILL \$(pgrep -P \$pid); exit 0; fi
tini_pid=\$(pgrep -P \$pid)
curl -fs -o /dev/null "\$base/healthz" && say "ok: /healthz answers 200" || say "FAILED: /healthz"
if env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin GATEWAY_PORT=\$port chroot --userspec=1001:1001 --groups=1001 "\$mnt" /bin/sh -c '$healthcmd'; then
  say "ok: the HEALTHCHECK command succeeds inside the image"; else say "FAILED: the HEALTHCHECK command"; fi
lectern_pid=\$(pgrep -P \$tini_pid -x lectern)
[ "\$(awk '/^Uid:/ {print \$2}' /proc/\$lectern_pid/status 2>/dev/null)" = 1001 ] \
  && say "ok: lectern runs as uid 1001" || say "FAILED: lectern runs as uid 1001 (pid '\$lectern_pid')"
jar=\$results.jar
curl -fs -o /dev/null -c "\$jar" "\$base/?token=$token" && say "ok: token login" || say "FAILED: token login"
page=\$(curl -fs -b "\$jar" "\$base/api/workshop")
grep -q 'Terminals and the editor' <<<"\$page" && say "ok: the ConfigMap's pages are served" \
  || say "FAILED: the ConfigMap's pages are served: \$page"
curl -fs -o /dev/null -b "\$jar" -H 'content-type: application/json' \
  -d '{"command":"id -u > ~/uid; git --version > ~/git; touch /opt/x 2> ~/rofs; env > ~/env; echo done > ~/done"}' \
  "\$base/terminal/api/1/execute" || say "FAILED: terminal execute"
for _ in \$(seq 300); do [ -s "\$mnt/home/eduk8s/done" ] && break; sleep 0.1; done
[ "\$(cat "\$mnt/home/eduk8s/uid" 2>/dev/null)" = 1001 ] && say "ok: a terminal's bash runs as 1001 in HOME" \
  || say "FAILED: terminal command ran (uid: \$(cat "\$mnt/home/eduk8s/uid" 2>&1))"
grep -q '^git version' "\$mnt/home/eduk8s/git" 2>/dev/null && say "ok: git in the terminal" || say "FAILED: git in the terminal"
grep -q 'Read-only file system' "\$mnt/home/eduk8s/rofs" 2>/dev/null && say "ok: the root filesystem is read-only for the shell" \
  || say "FAILED: root filesystem read-only for the shell"
status=000
for _ in \$(seq 900); do
  status=\$(curl -s -o /dev/null -w '%{http_code}' -b "\$jar" "\$base/editor/")
  case \$status in 200|302) break;; esac; sleep 0.2
done
# code-server sends the browser on to ./?folder=<home>, resolved under /editor/ as a browser does (curl's
# own resolution of ./?query drops the slash).
location=\$(curl -s -o /dev/null -D - -b "\$jar" "\$base/editor/" | tr -d '\r' | sed -n 's/^location: //ip')
case \$location in ./*) next=/editor/\${location#./};; /*) next=\$location;; *) next=/editor/\$location;; esac
status=\$(curl -s -o "\$results.editor" -w '%{http_code}' -b "\$jar" "\$base\$next")
if [ "\$status" = 200 ] && grep -q vscode-workbench-web-configuration "\$results.editor"; then
  say "ok: code-server's workbench page is served behind /editor/"
else say "FAILED: code-server behind /editor/ (\$status; \$(tail -3 "\$mnt/home/eduk8s/.local/share/code-server/log" 2>&1 | tr '\n' ' '))"; fi
grep -qE '^(SERVICES_PASSWORD|LECTERN_LOGIN_TOKEN)=' "\$mnt/home/eduk8s/env" 2>/dev/null \
  && say "FAILED: the terminal's shell sees lectern's secrets" || say "ok: the terminal's shell sees none of lectern's secrets"
curl -fs -H "Authorization: Bearer $services" "\$base/metrics" | grep -q '^lectern_terminal_bytes_total{direction="in"} [1-9]' \
  && say "ok: /metrics counts the terminal" || say "FAILED: /metrics"
rss() { local total=0 p; for p in "\$@"; do total=\$((total + \$(awk '/^VmRSS:/ {print \$2}' /proc/\$p/status 2>/dev/null || echo 0))); done; echo \$((total / 1024)); }
all=\$(tree \$pid)
cs=\$(for p in \$all; do grep -qs '^/opt/code-server/lib/node' /proc/\$p/cmdline && echo \$p; done | tr '\n' ' ')
shells=\$(for p in \$all; do [ "\$(cat /proc/\$p/comm 2>/dev/null)" = bash ] && echo \$p; done | tr '\n' ' ')
leaked=; for p in \$cs; do tr '\\0' '\\n' </proc/\$p/environ | grep -qE '^(SERVICES_PASSWORD|LECTERN_LOGIN_TOKEN)=' && leaked=\$p; done
[ -n "\$cs" ] && [ -z "\$leaked" ] && say "ok: code-server sees none of lectern's secrets" \
  || say "FAILED: code-server's environment (processes '\$cs', leaked in '\$leaked')"
say "rss: lectern \$(rss \$lectern_pid) MB, code-server \$(rss \$cs) MB (\$(echo \$cs | wc -w) processes), shells \$(rss \$shells) MB"
kill -TERM \$tini_pid
for _ in \$(seq 200); do kill -0 \$pid 2>/dev/null || break; sleep 0.1; done
if kill -0 \$pid 2>/dev/null; then say "FAILED: SIGTERM stops the container (tini, lectern, code-server)"; kill -KILL \$tini_pid; else
  say "ok: SIGTERM stops the container (tini, lectern, code-server)"; fi
EOF
while read -r line; do
  case $line in ok:*) ok "${line#ok: }";; FAILED:*) bad "${line#FAILED: }";; *) echo "$line";; esac
done <"$results"
rm -f "$results" "$results.log" "$results.jar" "$results.editor"
finish
