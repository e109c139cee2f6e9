#!/usr/bin/env python3
"""Summarise the cost runs: ops/s per kernel, workload and task count,
and the SPF abort reasons, per boot and in total."""
import glob, json, os, sys, collections
out = sys.argv[1]
rows = collections.defaultdict(list)
aborts = collections.defaultdict(collections.Counter)
for d in sorted(glob.glob(os.path.join(out, "r*-*"))):
    if not os.path.isdir(d):
        continue
    boot = os.path.basename(d)
    kern = boot.split("-", 1)[1]
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        wl = os.path.basename(f)[:-5]
        j = json.load(open(f))
        for r in j["results"]:
            for mode in ("threads", "threads_writer_idle"):
                if mode not in r:
                    continue
                m = r[mode]
                rows[(wl, r["tasks"], mode, kern)].append(m["mean"])
                for k, v in m.get("spf_counters", {}).items():
                    aborts[(kern, wl)][k] += v
print("| workload | tasks | state | v7 ops/s (boots) | RCU ops/s (boots) | RCU / v7 |")
print("|---|---|---|---|---|---|")
keys = sorted({k[:3] for k in rows})
for wl, t, mode in keys:
    a = rows.get((wl, t, mode, "v7"), [])
    b = rows.get((wl, t, mode, "rcu"), [])
    if not a or not b:
        continue
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    state = {"threads": "writer busy" if wl.startswith("fault_under") else "-",
             "threads_writer_idle": "writer idle"}[mode]
    fa = ", ".join(f"{x:.0f}" for x in a)
    fb = ", ".join(f"{x:.0f}" for x in b)
    print(f"| {wl} | {t} | {state} | {ma:.0f} ({fa}) | {mb:.0f} ({fb}) | {mb / ma:.3f} |")
print()
print("| kernel | workload | attempts | aborts | ptl_busy | reasons (nonzero) |")
print("|---|---|---|---|---|---|")
for (kern, wl), c in sorted(aborts.items()):
    reasons = ", ".join(f"{k[10:]} {v}" for k, v in sorted(c.items())
                        if k.startswith("spf_abort_") and v)
    print(f"| {kern} | {wl} | {c['spf_attempt']} | {c['spf_abort']} | {c['spf_abort_ptl_busy']} | {reasons or '-'} |")
