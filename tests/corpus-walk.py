#!/usr/bin/env python3
"""`lectern test` over every workshop of a corpus (default ../shared/corpus): prints the Markdown table the
README keeps (per workshop: pages, actions passed/failed/skipped, the first failure and why).

    python3 tests/corpus-walk.py [--bin target/release/lectern] [--corpus DIR] [--timeout 10]

A workshop "needs a cluster" when its commands call kubectl, helm, oc, docker, kind, skaffold or carvel
tools: those cannot pass here (no cluster, no registry); the table says so rather than counting them as
lectern's failures. The corpus copies ship content only (no exercises/, no examiner tests, no setup
scripts), which the reason column names when it is why a step failed.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

CLUSTER = re.compile(r"\b(kubectl|helm|oc|docker|kind|skaffold|kapp|ytt|kbld|imgpkg|vendir|kn|tanzu)\b")


def commands(report):
    return [c.get("title", "") for p in report.get("pages", []) for c in p.get("cases", [])]


def cluster_commands(workshop):
    found = set()
    for folder, _, files in os.walk(workshop):
        for name in files:
            if name.endswith((".md", ".adoc")):
                try:
                    text = open(os.path.join(folder, name), encoding="utf-8", errors="replace").read()
                except OSError:
                    continue
                # Only inside action blocks and code: the fenced bodies.
                for block in re.findall(r"```(?:terminal:execute|execute[-a-z0-9]*)[^\n]*\n(.*?)```", text, re.S):
                    found.update(CLUSTER.findall(block))
    return sorted(found)


def main():
    here = os.path.dirname(os.path.realpath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(here, "..", "target", "release", "lectern"))
    parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus"))
    parser.add_argument("--timeout", default="10")
    args = parser.parse_args()
    rows = []
    totals = {"pass": 0, "fail": 0, "cluster": 0}
    for name in sorted(os.listdir(args.corpus)):
        workshop = os.path.join(args.corpus, name)
        if not os.path.isdir(workshop):
            continue
        home = tempfile.mkdtemp(prefix="corpus-walk-")
        run = subprocess.run(
            [args.bin, "test", workshop, "--format", "json", "--quiet", "--timeout", args.timeout, "--home", home],
            capture_output=True, text=True, env={**os.environ, "HOME": home, "LOG_LEVEL": "error"})
        subprocess.run(["rm", "-rf", home])
        try:
            report = json.loads(run.stdout)
        except ValueError:
            rows.append((name, "-", "-", "-", "-", "error", run.stderr.strip()[-120:]))
            continue
        cases = [c for p in report["pages"] for c in p["cases"]]
        count = lambda r: sum(1 for c in cases if c["result"] == r)
        failed = [(p["source"], c) for p in report["pages"] for c in p["cases"] if c["result"] == "failed"]
        cluster = cluster_commands(workshop)
        if not failed:
            result, why = "pass", ""
            totals["pass"] += 1
        else:
            source, first = failed[0]
            message = first.get("message", "").replace("|", "\\|").replace("\n", " ")
            why = f"`{os.path.basename(source)}:{first['line']}` {first['action']}: {message[:110]}"
            if cluster:
                result = "needs a cluster"
                why = f"uses {', '.join(cluster)}; first failure {why}"
                totals["cluster"] += 1
            else:
                result = "fail"
                totals["fail"] += 1
        rows.append((name, str(len(report["pages"])), str(count("passed")), str(count("failed")),
                     str(count("skipped")), result, why))
    print("| workshop | pages | passed | failed | skipped | result | why |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{totals['pass']} pass, {totals['fail']} fail without a cluster, {totals['cluster']} need a cluster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
