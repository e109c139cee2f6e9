#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare spfbench runs of several kernels: a table, a plot and a CSV.

Usage: bench_report.py RESULTS [--baseline LABEL]

RESULTS holds one folder per kernel run, named by its label (vanilla-6.1,
spf-on, ...), each with the JSON reports of `spfbench ... -j FILE.json`,
one per workload and page kind (CSV files beside them are not read).
Writes into RESULTS, refusing to overwrite any of them:

  report.md    ops/s per label, workload, mode and task count, ratios to
               the baseline label, threads/processes and busy/idle ratios,
               the spread of the samples and the SPF abort rates; for
               fault_under_writer also the CPU use of the faulters and the
               writer, where the reports have it; also printed on stdout
  scaling.svg  ops/s against tasks, one panel per workload
  summary.csv  one row per label, workload, mode and task count, with
               faulter_cpu, writer_cpu and ops_per_cpu_s where measured

Exit status: 0 on success, 1 on bad input, 2 on bad usage.
"""

import argparse
import csv
import datetime
import json
import math
import os
import sys
from xml.sax.saxutils import escape, quoteattr

OUTPUTS = ("report.md", "scaling.svg", "summary.csv")
WORKLOADS = ("page_fault1", "page_fault2", "page_fault3", "fault_under_writer",
             "same_vma", "mmap_churn")
PAGES = ("4k", "thp", "default", None)
MODES = ("processes", "threads", "threads_writer_idle")
ENV_KEYS = ("accel", "vcpus", "kernel", "series", "spf_switch")
DASHES = {"processes": "", "threads": "7 4", "threads_writer_idle": "2 3"}
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f")


class ReportError(Exception):
    """Bad input: the message says what and where."""


class Run:
    """One spfbench JSON report of one label."""

    def __init__(self, label, path, doc, mtime):
        self.label, self.path = label, path
        self.workload = doc["workload"]
        if not isinstance(self.workload, str) or not self.workload:
            raise ValueError("'workload'")
        if not isinstance(doc["results"], list) or not doc["results"]:
            raise ValueError("'results': no task count")
        self.env = {k: str(doc[k]) for k in ENV_KEYS}
        self.date = doc.get("date") or datetime.datetime.fromtimestamp(
            mtime, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC (file time)")
        self.spf = {k: int(v) for k, v in doc["spf_counters"].items()}
        self.rows = {}        # tasks -> {mode: stats}
        self.busy_idle = {}   # tasks -> reported busy/idle ratio
        self.busy_idle_cpu = {}  # tasks -> busy/idle of ops per faulter CPU-s
        applied = True
        for r in doc["results"]:
            modes = {m: stats(r[m]) for m in MODES if m in r}
            if not modes:
                raise ValueError(f"'results' entry of {r['tasks']} tasks: no mode")
            applied = r[next(iter(modes))]["pages"]["applied"]
            self.rows[int(r["tasks"])] = modes
            if "busy_idle_ratio" in r:
                self.busy_idle[int(r["tasks"])] = number(r["busy_idle_ratio"])
                self.busy_idle_cpu[int(r["tasks"])] = number(
                    r.get("busy_idle_ratio_per_cpu_s"))
        self.pages = doc["page_size"] if applied else None
        self.key = self.workload + (f" {self.pages}" if self.pages else "")


def number(v):
    """A JSON number, or NaN for null (spfbench's non-finite values)."""
    if v is None:
        return math.nan
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"{v!r} is not a number")
    return float(v)


# CPU use, in reports of spfbench since it measured it: NaN when absent.
CPU_KEYS = ("faulter_cpu", "writer_cpu", "ops_per_cpu_s")


def stats(m):
    return {"mean": number(m["mean"]), "stddev": number(m["stddev"]),
            "min": number(m["min"]), "max": number(m["max"]),
            "samples": len(m["samples"]), "idle_pct": number(m["idle_pct"]),
            **{k: number(m.get(k)) for k in CPU_KEYS}}


def load(results):
    """Every spfbench report under RESULTS/<label>/, as Runs."""
    if not os.path.isdir(results):
        raise ReportError(f"{results}: no such folder")
    runs = []
    for label in sorted(os.listdir(results)):
        folder = os.path.join(results, label)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                run = load_run(label, os.path.join(folder, name))
                if run:
                    runs.append(run)
    if not runs:
        raise ReportError(f"{results}: no spfbench JSON report found in "
                          f"{os.path.join(results, '<label>', '*.json')}")
    seen = {}
    for run in runs:
        other = seen.setdefault((run.label, run.key), run)
        if other is not run:
            raise ReportError(f"{run.path}: {run.key} already given by {other.path}")
    return runs


def load_run(label, path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        mtime = os.path.getmtime(path)
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: malformed JSON: {e}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"{path}: cannot read: {e}") from e
    if not isinstance(doc, dict) or doc.get("tool") != "spfbench":
        print(f"bench_report: {path}: not a spfbench report, ignored", file=sys.stderr)
        return None
    try:
        return Run(label, path, doc, mtime)
    except KeyError as e:
        raise ReportError(f"{path}: malformed spfbench report: no {e}") from e
    except (TypeError, ValueError, AttributeError) as e:
        raise ReportError(f"{path}: malformed spfbench report: bad {e}") from e


def order(runs, baseline):
    """Labels (baseline first) and workload keys, in report order."""
    labels = sorted({r.label for r in runs}, key=lambda l: (l != baseline, l))

    def rank(r):
        w = WORKLOADS.index(r.workload) if r.workload in WORKLOADS else len(WORKLOADS)
        p = PAGES.index(r.pages) if r.pages in PAGES else len(PAGES)
        return (w, r.workload, p, r.key)
    keys = [r.key for r in sorted(runs, key=rank)]
    return labels, list(dict.fromkeys(keys))


def ratio(a, b):
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def fmt(v, spec=".0f"):
    return "—" if v is None or math.isnan(v) else format(v, spec)


def pct(part, whole):
    return "—" if not whole else f"{100 * part / whole:.3g}%"


def mode_name(run, mode):
    if run.workload == "fault_under_writer":
        return {"threads": "threads, writer busy",
                "threads_writer_idle": "threads, writer idle"}.get(mode, mode)
    return mode


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |"
                    for row in rows]


def markdown(results, runs, labels, keys, baseline):
    by = {(r.label, r.key): r for r in runs}
    out = [f"# spfbench: {os.path.basename(os.path.abspath(results))}", "",
           "Page fault throughput measured by spfbench, per kernel run (label). "
           "ops/s is the mean of the 1-second samples, with their sample standard "
           "deviation and min–max; ratios are of means. "
           f"Baseline: `{baseline}`.", "", "## Kernels", ""]
    rows = []
    for label in labels:
        mine = [r for r in runs if r.label == label]
        env = [", ".join(sorted({r.env[k] for r in mine})) for k in ENV_KEYS]
        rows.append([label] + env + [max(r.date for r in mine)])
    out += table(["label", "accel", "vCPUs", "kernel", "series", "SPF switch",
                  "date"], rows)
    for key in keys:
        present = [by[(l, key)] for l in labels if (l, key) in by]
        out += workload_table(present, by.get((baseline, key)), baseline)
        out += cpu_table(present)
    return "\n".join(out + spf_table(by, labels, keys)) + "\n"


def workload_table(present, base, baseline):
    """One workload: a row per task count, mode and label."""
    both = any({"processes", "threads"} <= set(m) for r in present
               for m in r.rows.values())
    writer = any(r.busy_idle for r in present)
    pages = f", {present[0].pages} pages" if present[0].pages else ""
    head = ["tasks", "mode", "label", "ops/s", "stddev", "min–max", "samples",
            f"vs {baseline}"] + ["threads/processes"] * both + ["busy/idle"] * writer
    rows = []
    for tasks in sorted({t for r in present for t in r.rows}):
        for mode in MODES:
            for r in present:
                s = r.rows.get(tasks, {}).get(mode)
                if not s:
                    continue
                b = base.rows.get(tasks, {}).get(mode) if base else None
                row = [tasks, mode_name(r, mode), r.label, fmt(s["mean"]),
                       fmt(s["stddev"]), f"{fmt(s['min'])}–{fmt(s['max'])}",
                       s["samples"], fmt(ratio(s["mean"], b["mean"]) if b else None, ".2f")]
                if both:
                    p = r.rows[tasks].get("processes")
                    row.append(fmt(ratio(s["mean"], p["mean"])
                                   if p and mode == "threads" else None, ".2f"))
                if writer:
                    row.append(fmt(r.busy_idle.get(tasks) if mode == "threads" else None,
                                   ".2f"))
                rows.append(row)
    return ["", f"## {present[0].workload}{pages}", ""] + table(head, rows)


def cpu_table(present):
    """fault_under_writer: where the faulters' time went, writer busy and idle."""
    if not any(not math.isnan(s[k]) for r in present for t in r.busy_idle
               for s in r.rows[t].values() for k in CPU_KEYS):
        return []  # no report of this workload measured CPU use
    pages = f", {present[0].pages} pages" if present[0].pages else ""
    head = ["tasks", "label", "busy/idle", "faulter CPU, idle", "faulter CPU, busy",
            "writer CPU, busy", "CPU idle %, busy", "busy/idle per faulter CPU-s"]
    rows = []
    for tasks in sorted({t for r in present for t in r.busy_idle}):
        for r in present:
            if tasks not in r.busy_idle:
                continue
            busy = r.rows[tasks].get("threads")
            idle = r.rows[tasks].get("threads_writer_idle")
            if not busy or not idle:
                continue
            per_cpu = r.busy_idle_cpu.get(tasks, math.nan)
            if math.isnan(per_cpu):
                per_cpu = ratio(busy["ops_per_cpu_s"], idle["ops_per_cpu_s"])
            rows.append([tasks, r.label, fmt(r.busy_idle[tasks], ".2f"),
                         fmt(idle["faulter_cpu"], ".2f"), fmt(busy["faulter_cpu"], ".2f"),
                         fmt(busy["writer_cpu"], ".2f"), fmt(busy["idle_pct"], ".1f"),
                         fmt(per_cpu, ".2f")])
    return (["", f"## {present[0].workload}{pages}: CPU use", ""] + table(head, rows)
            + ["", "CPU is CPU-seconds per second (2.00: two whole CPUs), of the "
               "faulting threads together and of the writer thread. If busy/idle per "
               "faulter CPU-s is near 1 while busy/idle of ops/s is lower, the faults "
               "themselves are not slowed; the faulters got less CPU (waiting for one "
               "when CPU idle is near 0, asleep when it is not)."])


def spf_table(by, labels, keys):
    """Abort rates by reason, per label and workload, and per label."""
    out = ["", "## SPF aborts", "",
           "Deltas of the `spf_*` lines of /proc/vmstat over each spfbench run "
           "(first to last sampling window); rates are of `spf_attempt`.", ""]
    rows = []
    for label in labels:
        mine = [by[(label, k)] for k in keys if (label, k) in by]
        if not any(r.spf for r in mine):
            rows.append([label, "all", "—", "—", "—",
                         "no spf_* counters (kernel without the series)"])
            continue
        total = {}
        for r in mine:
            for k, v in r.spf.items():
                total[k] = total.get(k, 0) + v
            rows.append(spf_row(label, r.key, r.spf))
        rows.append(spf_row(label, "all", total))
    return out + table(["label", "workload", "spf_attempt", "spf_abort", "abort rate",
                        "non-zero reasons (rate)"], rows)


def spf_row(label, key, c):
    att, abort = c.get("spf_attempt", 0), c.get("spf_abort", 0)
    reasons = [f"{k[len('spf_abort_'):]} {v} ({pct(v, att)})"
               for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
               if k.startswith("spf_abort_") and v]
    return [label, key, att, abort, pct(abort, att), ", ".join(reasons) or "none"]


def summary_csv(f, runs, labels, keys, baseline):
    by = {(r.label, r.key): r for r in runs}
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["label", "workload", "pages", "mode", "tasks", "mean", "stddev",
                "min", "max", "samples", "idle_pct", "vs_baseline"] + list(ENV_KEYS)
               + list(CPU_KEYS))
    for key in keys:
        base = by.get((baseline, key))
        for label in labels:
            r = by.get((label, key))
            for tasks, modes in sorted(r.rows.items()) if r else ():
                for mode, s in modes.items():
                    b = base.rows.get(tasks, {}).get(mode) if base else None
                    rel = ratio(s["mean"], b["mean"]) if b else math.nan
                    w.writerow([label, r.workload, r.pages or "", mode, tasks]
                               + [fmt(s[k], ".2f") for k in ("mean", "stddev", "min", "max")]
                               + [s["samples"], fmt(s["idle_pct"], ".2f"),
                                  "" if math.isnan(rel) else f"{rel:.4f}"]
                               + [r.env[k] for k in ENV_KEYS]
                               + ["" if math.isnan(s[k]) else
                                  format(s[k], ".2f" if k == "ops_per_cpu_s" else ".3f")
                                  for k in CPU_KEYS])


def nice_step(span, n=5):
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)


def si(v):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def svg(runs, labels, keys):
    """Plain SVG: a legend, then one panel per workload in two columns."""
    by = {(r.label, r.key): r for r in runs}
    pw, ph, ml, mr, mt, mb = 440, 300, 70, 20, 30, 45
    cols = min(2, len(keys))
    legend = 20 + 20 * (len(labels) + 1)
    width, height = cols * pw, legend + ph * math.ceil(len(keys) / cols)
    colour = {l: COLOURS[i % len(COLOURS)] for i, l in enumerate(labels)}
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'font-family="sans-serif" font-size="12">',
         f'<rect width="{width}" height="{height}" fill="white"/>', '<g class="legend">']
    for i, label in enumerate(labels):
        y = 20 + 20 * i
        o.append(f'<line x1="20" y1="{y}" x2="50" y2="{y}" stroke="{colour[label]}" '
                 f'stroke-width="2"/><text x="56" y="{y + 4}">{escape(label)}</text>')
    y = 20 + 20 * len(labels)
    names = {"processes": "processes", "threads": "threads",
             "threads_writer_idle": "threads, writer idle"}
    if any(r.busy_idle for r in runs):
        names["threads"] = "threads (fault_under_writer: writer busy)"
    x = 20
    for mode in [m for m in MODES if any(m in s for r in runs for s in r.rows.values())]:
        o.append(f'<line x1="{x}" y1="{y}" x2="{x + 30}" y2="{y}" stroke="black" '
                 f'stroke-width="2" stroke-dasharray="{DASHES[mode]}"/>'
                 f'<text x="{x + 36}" y="{y + 4}">{names[mode]}</text>')
        x += 60 + 6 * len(names[mode])
    o.append('</g>')
    for i, key in enumerate(keys):
        x0, y0 = (i % cols) * pw, legend + (i // cols) * ph
        series = [(l, m, sorted((t, s[m]["mean"]) for t, s in by[(l, key)].rows.items()
                                if m in s and not math.isnan(s[m]["mean"])))
                  for l in labels if (l, key) in by for m in MODES]
        series = [s for s in series if s[2]]
        xs = [t for _, _, pts in series for t, _ in pts] or [1]
        tmin, tmax = min(xs), max(xs)
        if tmin == tmax:  # one task count: put it in the middle
            tmin, tmax = tmin - 1, tmax + 1
        vmax = max([v for _, _, pts in series for _, v in pts] + [1])
        ystep = nice_step(vmax)
        ymax = ystep * math.ceil(vmax / ystep)
        left, right, top, bottom = x0 + ml, x0 + pw - mr, y0 + mt, y0 + ph - mb

        def px(t):
            return left + (right - left) * (t - tmin) / (tmax - tmin)

        def py(v):
            return bottom - (bottom - top) * v / ymax
        o += [f'<g class="panel" id={quoteattr("panel-" + key.replace(" ", "-"))}>',
              f'<text x="{(left + right) / 2}" y="{y0 + 18}" text-anchor="middle" '
              f'font-weight="bold">{escape(key)}</text>',
              f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
              'fill="none" stroke="black"/>']
        tstep = max(1, math.ceil((tmax - tmin) / 10))
        for t in range(tmin, tmax + 1, tstep):
            o.append(f'<line x1="{px(t):.1f}" y1="{bottom}" x2="{px(t):.1f}" y2="{bottom + 5}" '
                     f'stroke="black"/><text x="{px(t):.1f}" y="{bottom + 18}" '
                     f'text-anchor="middle">{t}</text>')
        for k in range(round(ymax / ystep) + 1):
            y = py(k * ystep)
            o.append(f'<line x1="{left - 5}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 8}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{si(k * ystep)}</text>')
        o.append(f'<text x="{(left + right) / 2}" y="{bottom + 36}" '
                 'text-anchor="middle">tasks</text>')
        o.append(f'<text transform="translate({x0 + 16} {(top + bottom) / 2}) rotate(-90)" '
                 'text-anchor="middle">ops/s</text>')
        for label, mode, pts in series:
            xy = " ".join(f"{px(t):.1f},{py(v):.1f}" for t, v in pts)
            o.append(f'<polyline class="series" fill="none" stroke="{colour[label]}" '
                     f'stroke-width="2" stroke-dasharray="{DASHES[mode]}" points="{xy}">'
                     f'<title>{escape(label)} {mode}</title></polyline>')
            o += [f'<circle cx="{px(t):.1f}" cy="{py(v):.1f}" r="3" fill="{colour[label]}"/>'
                  for t, v in pts]
        o.append('</g>')
    return "\n".join(o + ["</svg>"]) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare spfbench JSON reports of several kernels: writes "
        "report.md (also printed), scaling.svg and summary.csv into RESULTS.")
    ap.add_argument("results", metavar="RESULTS",
                    help="folder with one subfolder of spfbench JSON per label")
    ap.add_argument("--baseline", default="vanilla-6.1", metavar="LABEL",
                    help="label the others are compared to (default: %(default)s)")
    args = ap.parse_args(argv)
    try:
        runs = load(args.results)
        labels, keys = order(runs, args.baseline)
        if args.baseline not in labels:
            raise ReportError(f"baseline label '{args.baseline}' not found in "
                              f"{args.results}; labels: {', '.join(labels)} "
                              "(choose one with --baseline)")
        paths = [os.path.join(args.results, n) for n in OUTPUTS]
        there = [p for p in paths if os.path.lexists(p)]
        if there:
            raise ReportError(f"refusing to overwrite {', '.join(there)}")
        md = markdown(args.results, runs, labels, keys, args.baseline)
        with open(paths[0], "x", encoding="utf-8") as f:
            f.write(md)
        with open(paths[1], "x", encoding="utf-8") as f:
            f.write(svg(runs, labels, keys))
        with open(paths[2], "x", encoding="utf-8", newline="") as f:
            summary_csv(f, runs, labels, keys, args.baseline)
    except ReportError as e:
        print(f"bench_report: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"bench_report: error: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(md)
    print(f"bench_report: wrote {', '.join(paths)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
