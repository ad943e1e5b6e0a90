#!/usr/bin/env bash
# Validates image/k8s (called by tests/run.sh; also alone): every manifest and every rendered overlay
# against the Kubernetes schemas with PyPI's `kubernetes-validate --strict` (virtualenv in
# target/test-deps/kv), then the session workload's rules on the rendered overlays: non-root, read-only
# root with the writable paths as volumes, capabilities dropped, seccomp RuntimeDefault, probes on
# /healthz and /readyz, resource requests, content from a ConfigMap, one wildcard ingress host.
# `kubectl apply --dry-run=client` is not used: kubectl wants an API server even for a client dry run
# (it reads the server's OpenAPI schema); `kubectl kustomize` renders the overlays offline.
# Last line: "k8s: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
OUT="$TARGET/k8s"
VENV="$TARGET/test-deps/kv"
PASSED=0; FAILED=0
ok() { echo "ok: $*"; PASSED=$((PASSED + 1)); }
bad() { echo "FAILED: $*"; FAILED=$((FAILED + 1)); }
finish() { echo "k8s: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

if [ ! -x "$VENV/bin/kubernetes-validate" ]; then
  (python3 -m venv "$VENV" && "$VENV/bin/pip" install -q kubernetes-validate) >"$TARGET/kv-install.log" 2>&1 \
    || { tail -5 "$TARGET/kv-install.log"; bad "kubernetes-validate could not be installed (python3-venv?)"; finish; }
fi
rm -rf "$OUT"; mkdir -p "$OUT"

# Every manifest as written (kustomization files are kustomize's, not Kubernetes objects).
mapfile -t files < <(find image/k8s -name '*.yaml' ! -name kustomization.yaml | sort)
# Every overlay as it would be applied.
if command -v kubectl >/dev/null; then
  for overlay in image/k8s/overlays/*/; do
    name=$(basename "$overlay")
    if kubectl kustomize "$overlay" >"$OUT/$name.yaml" 2>"$OUT/$name.err"; then
      ok "overlay $name renders"; files+=("$OUT/$name.yaml")
    else bad "overlay $name renders: $(head -3 "$OUT/$name.err")"; fi
  done
else
  bad "kubectl is not installed: the overlays cannot be rendered (apt-get install kubectl)"
fi
for file in "${files[@]}"; do
  if "$VENV/bin/kubernetes-validate" --strict --quiet "$file" >"$OUT/validate.log" 2>&1; then
    ok "$file validates (strict)"
  else bad "$file: $(grep -iv '^INFO' "$OUT/validate.log" | head -3)"; fi
done

# The workload's rules, on what would be applied.
rendered=("$OUT"/*.yaml)
"$VENV/bin/python" - "${rendered[@]}" >"$OUT/rules.log" 2>&1 <<'EOF' || bad "the rules script failed: $(tail -3 "$OUT/rules.log")"
import sys, yaml
for path in sys.argv[1:]:
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    kinds = {d["kind"]: d for d in docs}
    def rule(name, cond):
        print(("ok: " if cond else "FAILED: ") + f"{path.rsplit('/', 1)[-1]}: {name}")
    dep = kinds.get("Deployment")
    rule("has the session Deployment", dep is not None)
    if dep is None: continue
    pod = dep["spec"]["template"]["spec"]
    psc = pod.get("securityContext", {})
    rule("pod runs as non-root uid 1001", psc.get("runAsNonRoot") is True and psc.get("runAsUser") == 1001)
    rule("pod seccomp RuntimeDefault", psc.get("seccompProfile", {}).get("type") == "RuntimeDefault")
    rule("no service account token", pod.get("automountServiceAccountToken") is False)
    rule("one replica, recreated (one pod per session)",
         dep["spec"].get("replicas") == 1 and dep["spec"].get("strategy", {}).get("type") == "Recreate")
    (c,) = pod["containers"]
    sc = c.get("securityContext", {})
    rule("read-only root filesystem", sc.get("readOnlyRootFilesystem") is True)
    rule("no privilege escalation", sc.get("allowPrivilegeEscalation") is False)
    rule("capabilities: drop ALL", sc.get("capabilities", {}).get("drop") == ["ALL"])
    rule("container non-root, seccomp RuntimeDefault",
         sc.get("runAsNonRoot") is True and sc.get("seccompProfile", {}).get("type") == "RuntimeDefault")
    rule("readiness probe on /readyz", c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz")
    rule("liveness probe on /healthz", c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz")
    req = c.get("resources", {}).get("requests", {})
    rule("cpu and memory requests, memory limit", "cpu" in req and "memory" in req
         and "memory" in c.get("resources", {}).get("limits", {}))
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    rule("writable /home/eduk8s and /tmp are emptyDir volumes",
         all("emptyDir" in volumes.get(mounts.get(p), {}) for p in ("/home/eduk8s", "/tmp")))
    content = volumes.get(mounts.get("/opt/workshop"), {})
    cm = content.get("configMap", {}).get("name")
    rule("content at /opt/workshop from a ConfigMap in the manifests",
         cm is not None and any(d["kind"] == "ConfigMap" and d["metadata"]["name"] == cm for d in docs))
    env = {e["name"] for e in c.get("env", [])}
    secrets = {d["metadata"]["name"] for d in docs if d["kind"] == "Secret"}
    refs = {e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", []) if "valueFrom" in e}
    rule("SESSION_NAME, INGRESS_DOMAIN and WORKSHOP_DIR set", {"SESSION_NAME", "INGRESS_DOMAIN", "WORKSHOP_DIR"} <= env)
    if secrets:
        rule("Secret references resolve", refs <= secrets)
    ing = kinds.get("Ingress")
    hosts = [r.get("host", "") for r in (ing or {}).get("spec", {}).get("rules", [])]
    rule("Ingress: the dashboard host and one wildcard host",
         len([h for h in hosts if h.startswith("*.")]) == 1 and len(hosts) == 2)
    svc = kinds.get("Service")
    rule("Service selects the session pod", svc is not None and all(
        dep["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in svc["spec"]["selector"].items()))
EOF
while read -r line; do
  case $line in ok:*) ok "${line#ok: }";; FAILED:*) bad "${line#FAILED: }";; *) echo "$line";; esac
done <"$OUT/rules.log"
finish
