#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare spfbench runs of several kernels: a table, a plot and a CSV.

Usage: bench_report.py RESULTS [--baseline LABEL] [--subject LABEL] [--compare OTHER]

RESULTS holds one folder per kernel run, named by its label (vanilla-6.1,
spf-on, ...), each with the JSON reports of `spfbench ... -j FILE.json`,
one per workload and page kind (CSV files beside them are not read).
Writes into RESULTS, refusing to overwrite any of them:

  report.md    a headline table (busy/idle of fault_under_writer with 4 KiB
               pages, per label and task count), then ops/s per label,
               workload, mode and task count, ratios to
               the baseline label, threads/processes and busy/idle ratios,
               the spread of the samples and the SPF abort rates; for
               fault_under_writer also the CPU use of the faulters and the
               writer, and x86's TLB shootdown IPIs, where the reports have
               them; also printed on stdout
  scaling.svg  ops/s against tasks, one panel per workload
  summary.csv  one row per label, workload, mode and task count, with
               faulter_cpu, writer_cpu and ops_per_cpu_s where measured

If RESULTS has a rounds/ folder (run-bench.sh's repeated headline runs:
rounds/r1/<label>/, rounds/r2/<label>/, ..., each label folder with a
fault_under_writer 4k report), report.md adds after the headline the
mean over the rounds of each headline ratio with its 95% confidence
interval (Student's t), and the difference SUBJECT - label per other
label with its 95% interval, paired by round (--subject, default
spf-on): above, below, or level where the interval holds 0. A round's
control runs (spfbench --writer-in process: the writer in an mm of its
own) add a row of their busy/idle.

With --compare OTHER, a second results folder of the same suite (another
run), report.md ends with the run-to-run spread: per label, the median,
90th percentile and max of |relative difference| between the two runs of
the mean ops/s, the busy/idle and the threads/processes ratios, over the
points (label, workload and pages, mode, task count) both runs have;
labels are matched by folder name. Points in one run only are listed.

  spread.csv   one row per point compared: both values and their
               relative difference (RESULTS - OTHER) / OTHER

Exit status: 0 on success, 1 on bad input, 2 on bad usage.
"""

import argparse
import csv
import datetime
import json
import math
import os
import re
import statistics
import sys
from xml.sax.saxutils import escape, quoteattr

OUTPUTS = ("report.md", "scaling.svg", "summary.csv")
SPREAD_CSV = "spread.csv"  # also written with --compare
WORKLOADS = ("page_fault1", "page_fault2", "page_fault3", "fault_under_writer",
             "swap_under_writer", "same_vma", "mmap_churn")
WRITER_WORKLOADS = ("fault_under_writer", "swap_under_writer")  # with an mprotect() writer
PAGES = ("4k", "thp", "default", None)
MODES = ("processes", "threads", "threads_writer_idle")
HEADLINE = "fault_under_writer 4k"  # the key of the headline table's workload
CONTROL_SUFFIX = ", writer process"  # key and title of a control run
CONTROL = f"fault_under_writer{CONTROL_SUFFIX} 4k"  # the headline's control
PACED_SUFFIX = ", writer paced"  # key and title of a run with --writer-rate
PACED = f"fault_under_writer{PACED_SUFFIX} 4k"  # the headline, writer paced
FILE_SUFFIX = ", {} file"  # key and title of a run on files (spfbench --file)
ROUNDS_DIR = "rounds"  # run-bench.sh's repeated headline runs: rounds/r<N>/<label>/
# The workloads the rounds repeat besides the headline, for the faults the
# series took over last: huge pages as the guest has them (THP "always",
# no madvise), swap-in, and file-backed faults (private and shared writes
# on tmpfs, reads of tmpfs and ext4 files under the writer). Keys as
# Run.key makes them.
COVERAGE = ("page_fault1 default", "fault_under_writer thp", "swap_under_writer 4k",
            "page_fault2", "page_fault3", "fault_under_writer" + FILE_SUFFIX.format("tmpfs")
            + " 4k", "fault_under_writer" + FILE_SUFFIX.format("ext4") + " 4k")
# Student's t, 0.975 quantile (two-sided 95%), by degrees of freedom 1..30;
# above 30 the normal quantile.
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
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
        self.busy_idle_zap = {}  # tasks -> busy/idle outside MADV_DONTNEED
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
                self.busy_idle_zap[int(r["tasks"])] = number(
                    r.get("busy_idle_ratio_outside_zap"))
        self.duration = doc.get("duration_s")
        # How fault_under_writer measured its writer idle and busy.
        self.windows = doc.get("windows", "sequential")
        self.phase = (doc.get("phase_s"), doc.get("settle_s"))
        self.pages = doc["page_size"] if applied else None
        # fault_under_writer's control runs (spfbench --writer-in process)
        # and its runs with a paced writer (--writer-rate) are workloads
        # of their own.
        control = doc.get("writer_in") == "process"
        self.writer_rate = doc.get("writer_rate") or 0
        # Runs on files name the file system they ran on.
        fs = doc.get("file_fs")
        self.title = (self.workload + (CONTROL_SUFFIX if control else "")
                      + (PACED_SUFFIX if self.writer_rate else "")
                      + (FILE_SUFFIX.format(fs) if fs else ""))
        self.key = self.title + (f" {self.pages}" if self.pages else "")


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
            "tlb": number(m.get("tlb_shootdowns_per_s")),
            "writer_calls": number(m.get("writer_mprotect_per_s")),
            "zap": number(m.get("zap_s_per_s")),
            # Per-mode counter deltas; vm_counters (pgfault, the swap
            # traffic) only from a spfbench that reports them.
            "spf": {k: int(v) for k, v in m.get("spf_counters", {}).items()},
            "vm": {k: int(v) for k, v in m.get("vm_counters", {}).items()},
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
    if run.workload in WRITER_WORKLOADS:
        return {"threads": "threads, writer busy",
                "threads_writer_idle": "threads, writer idle"}.get(mode, mode)
    return mode


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |"
                    for row in rows]


def markdown(results, runs, labels, keys, baseline, rounds=(), subject="spf-on"):
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
    out += headline([by[(l, HEADLINE)] for l in labels if (l, HEADLINE) in by])
    if rounds:
        out += rounds_section(rounds, labels, subject)
        out += coverage_rounds(rounds, labels, subject)
    for key in keys:
        present = [by[(l, key)] for l in labels if (l, key) in by]
        out += workload_table(present, by.get((baseline, key)), baseline)
        out += cpu_table(present)
    return "\n".join(out + spf_table(by, labels, keys) + coverage_table(runs, labels, keys)) + "\n"


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
    return ["", f"## {present[0].title}{pages}", ""] + table(head, rows)


def per_cpu_ratio(run, tasks):
    """busy/idle of ops per faulter CPU-second: as reported, else from the modes."""
    v = run.busy_idle_cpu.get(tasks, math.nan)
    if not math.isnan(v):
        return v
    busy = run.rows[tasks].get("threads")
    idle = run.rows[tasks].get("threads_writer_idle")
    return ratio(busy["ops_per_cpu_s"], idle["ops_per_cpu_s"]) if busy and idle else math.nan


def headline(present):
    """The figure the series is judged by: 4 KiB faults under a writer, per label."""
    if not present:
        return []
    head = ["tasks", "measure"] + [r.label for r in present]
    rows, shown = [], set()
    for tasks in sorted({t for r in present for t in r.busy_idle}):
        # busy/idle always; the other ratios where some report has them.
        for name, key, get in MEASURES:
            values = [get(r, tasks) for r in present]
            if key == HEADLINE and (name == BUSY_IDLE or
                                    not all(math.isnan(v) for v in values)):
                shown.add(name)
                rows.append([tasks, name] + [fmt(v, ".2f") for v in values])
    text = ("The fault rate of threads faulting 4 KiB pages in their own VMAs while one "
            "more thread mprotect()s an unrelated populated VMA, over the rate with that "
            "thread idle.")
    if CPU_MEASURE in shown:
        text += (" Per faulter CPU-s divides out the CPU time the faulters lost to the "
                 "writer (see the CPU use table below).")
    if ZAP_MEASURE in shown:
        text += " " + ZAP_TEXT
    text += " " + windows_text(present)
    return ["", "## Headline: fault_under_writer, 4k pages", ""] + table(head, rows) + ["", text]


def windows_text(runs):
    """How the runs measured the writer idle and busy, as a sentence."""
    texts = []
    for how, (phase, settle) in sorted({(r.windows, r.phase) for r in runs},
                                       key=str):
        if how == "interleaved":
            texts.append(f"interleaved in one window: the writer idle and busy in "
                         f"alternate {phase:g} s phases in ABBA order (idle, busy, busy, "
                         f"idle, ...), each measured after its first {settle:g} s, so "
                         "that both states see the same state of the machine")
        else:
            texts.append(f"{how}: a window with the writer idle, then one with it busy")
    return "Idle and busy: " + "; ".join(texts) + "."


BUSY_IDLE = "busy/idle"
CPU_MEASURE = "busy/idle per faulter CPU-s"
ZAP_MEASURE = "busy/idle outside MADV_DONTNEED"
ZAP_TEXT = ("Outside MADV_DONTNEED takes out the time the faulters spent in the "
            "madvise() that empties their VMA between passes: it takes mmap_lock "
            "for read on every kernel here, so it waits for the writer even where "
            "the faults do not.")
CONTROL_MEASURE = "control: busy/idle, writer in its own process"
PACED_MEASURE = "busy/idle, writer paced"
PACED_ZAP_MEASURE = "busy/idle outside MADV_DONTNEED, writer paced"
# The headline's ratios, also over rounds: name, the run's key, its value
# at a task count (NaN where not measured).
def busy_idle(r, t):
    """A run's reported busy/idle at t tasks, NaN if it has none."""
    return r.busy_idle.get(t, math.nan)


def outside_zap(r, t):
    """A run's busy/idle outside MADV_DONTNEED at t tasks, NaN if it has none."""
    return r.busy_idle_zap.get(t, math.nan)


MEASURES = ((BUSY_IDLE, HEADLINE, busy_idle),
            (CPU_MEASURE, HEADLINE,
             lambda r, t: per_cpu_ratio(r, t) if t in r.rows else math.nan),
            (ZAP_MEASURE, HEADLINE, outside_zap),
            (CONTROL_MEASURE, CONTROL, busy_idle),
            (PACED_MEASURE, PACED, busy_idle),
            (PACED_ZAP_MEASURE, PACED, outside_zap))


MIN_IPIS = 20  # IPIs a second below which lost_per_ipi() gives no figure


def lost_per_ipi(r, t):
    """µs of one faulter's time lost outside MADV_DONTNEED per TLB IPI, or NaN."""
    m = r.rows.get(t, {})
    if t != 1 or "threads" not in m or "threads_writer_idle" not in m:
        return math.nan
    ipis = m["threads"]["tlb"] - m["threads_writer_idle"]["tlb"]
    if not m["threads"]["tlb"] >= MIN_IPIS or not ipis > 0:
        return math.nan
    return (1 - outside_zap(r, t)) / ipis * 1e6


def t975(df):
    return T975[df - 1] if df <= len(T975) else 1.960


def mean_ci(values):
    """(mean, 95% half-width, n) of the finite values; half-width NaN for n < 2."""
    v = [x for x in values if not math.isnan(x)]
    if not v:
        return math.nan, math.nan, 0
    if len(v) < 2:
        return v[0], math.nan, 1
    return (statistics.fmean(v), t975(len(v) - 1) * statistics.stdev(v) / math.sqrt(len(v)),
            len(v))


def load_rounds(results):
    """[(name, {label: {key: Run}})] of RESULTS/rounds/r<N>/, by N, keeping the
    headline's runs and its control's; [] if no rounds/."""
    top = os.path.join(results, ROUNDS_DIR)
    if not os.path.isdir(top):
        return []
    names = sorted((n for n in os.listdir(top)
                    if re.fullmatch(r"r[0-9]+", n) and os.path.isdir(os.path.join(top, n))),
                   key=lambda n: int(n[1:]))
    if not names:
        raise ReportError(f"{top}: no round folder (r1, r2, ...)")
    rounds = []
    for name in names:
        runs = {}
        for r in load(os.path.join(top, name)):
            if r.key in (HEADLINE, CONTROL, PACED) + COVERAGE:
                runs.setdefault(r.label, {})[r.key] = r
        if not any(HEADLINE in k for k in runs.values()):
            raise ReportError(f"{os.path.join(top, name)}: no {HEADLINE} report")
        rounds.append((name, runs))
    return rounds


def rounds_section(rounds, labels, subject):
    """The headline ratios over the rounds: means, intervals, paired differences."""
    labels = [l for l in labels if any(l in by for _, by in rounds)] + sorted(
        {l for _, by in rounds for l in by} - set(labels))
    runs = [r for _, by in rounds for mine in by.values() for r in mine.values()
            if r.key in (HEADLINE, CONTROL, PACED)]
    tasks_all = sorted({t for r in runs for t in r.busy_idle})
    durations = sorted({str(r.duration) for r in runs})
    control = any(r.key == CONTROL for r in runs)
    rates = sorted({r.writer_rate for r in runs if r.key == PACED})

    def values(label, measure, tasks):
        _, key, get = measure
        return [get(by[label][key], tasks) if key in by.get(label, {}) else math.nan
                for _, by in rounds]

    def cell(mean, half, n, spec):
        if n == 0:
            return "—"
        text = format(mean, spec) + ("" if math.isnan(half) else f" ± {format(half, spec)}")
        return text + ("" if n == len(rounds) else f" (n={n})")

    def ci_rows(measures, spec):
        """A row per task count and measure: each label's mean ± half-width."""
        rows = []
        for tasks in tasks_all:
            for m in measures:
                cells = [mean_ci(values(l, m, tasks)) for l in labels]
                if any(n for _, _, n in cells):
                    rows.append([tasks, m[0]] + [cell(*c, spec) for c in cells])
        return rows

    out = ["", f"## Headline over {len(rounds)} rounds", ""]
    out += table(["tasks", "measure"] + labels, ci_rows(MEASURES, ".2f"))
    out += ["", "Each round boots every kernel once, in an order that rotates from round "
            "to round, and runs fault_under_writer with 4 KiB pages (besides the "
            "huge-page and swap-in workloads of the section below), sampling "
            f"{', '.join(durations)} s per task count with the writer idle and busy. "
            f"{windows_text(runs)} Mean over the rounds ± the half-width of its 95% confidence interval "
            "(Student's t, n − 1 degrees of freedom)."]
    if control:
        out[-1] += (" The control runs the same writer in a process of its own, in the "
                    "same boot: it shares the CPUs with the faulters but not their mm "
                    "(no mmap_lock, no TLB flush of their address space), so its "
                    "busy/idle is what the emulated machine alone leaves of the idle "
                    "rate.")
    if rates:
        out[-1] += (f" The paced runs cap the writer thread at {' or '.join(map(str, rates))} "
                    "mprotect() calls a second, evenly spread, so that every kernel that "
                    "keeps up faces the same number of write-lock holds and TLB flushes "
                    "a second; unpaced, each writer makes as many as its kernel allows "
                    "(see its rate below).")

    if subject in labels:
        rows = []
        for tasks in tasks_all:
            for measure in MEASURES:
                mine = values(subject, measure, tasks)
                for other in (l for l in labels if l != subject):
                    d = [a - b for a, b in zip(mine, values(other, measure, tasks))
                         if not math.isnan(a) and not math.isnan(b)]
                    if d:
                        rows.append([tasks, measure[0], other] + paired(d))
        out += ["", f"### {subject} against each kernel, paired by round", ""]
        out += table(["tasks", "measure", "against", f"{subject} − it", "95% interval",
                      "rounds", f"{subject} is"], rows)
        out += ["", "The difference of the ratios within each round, averaged over the "
                "rounds, with its 95% interval: above or below where the interval "
                "excludes 0."]


    def busy(stat, mode="threads"):
        return lambda r, t: r.rows[t][mode][stat] if mode in r.rows.get(t, {}) else math.nan
    writers = (("writer thread", HEADLINE), ("writer process", CONTROL),
               ("writer thread, paced", PACED))
    idle = "threads_writer_idle"
    for title, measures, spec, text in (
            ("The writer's mprotect() calls per second, busy",
             [(name, key, busy("writer_calls")) for name, key in writers], ".0f",
             "As each writer counted them, over the rounds (mean ± 95% half-width)."),
            ("TLB shootdown IPIs per second, writer busy",
             [(name, key, busy("tlb")) for name, key in writers], ".0f",
             "x86's TLB shootdown interrupts of all CPUs (/proc/interrupts), over "
             "the rounds (mean ± 95% half-width)."),
            ("Faulters' time in MADV_DONTNEED, seconds per second",
             [("writer thread, idle", HEADLINE, busy("zap", idle)),
              ("writer thread, busy", HEADLINE, busy("zap")),
              ("writer thread, paced, idle", PACED, busy("zap", idle)),
              ("writer thread, paced, busy", PACED, busy("zap"))], ".3f",
             "spfbench's zap_s_per_s: the share of a faulter's time spent emptying "
             "its VMA with MADV_DONTNEED, which takes mmap_lock for read on every "
             "kernel here and so waits for a writer's mprotect() in progress; over "
             "the rounds (mean ± 95% half-width)."),
            ("Faulter time lost per TLB IPI, µs, one faulter",
             [(name, key, lost_per_ipi) for name, key in writers[:1]], ".0f",
             "Per round, (1 − busy/idle outside MADV_DONTNEED) / (TLB IPIs a second "
             "busy − idle): what each shootdown costs the faulter, if the IPIs are "
             "what it loses outside MADV_DONTNEED. Unpaced writer only (paced, the "
             "loss is too small to divide), and only where the busy faulter took "
             f"at least {MIN_IPIS} IPIs a second: a faulter that sleeps on mmap_lock "
             "is not sent them, and what it loses is the sleep.")):
        rows = ci_rows(measures, spec)
        if rows:
            out += ["", f"### {title}", ""] + table(["tasks", "writer"] + labels, rows)
            out += ["", text]

    rows = []
    for label in labels:
        for key in (HEADLINE, PACED, CONTROL):
            total = counter_sum(by[label][key].spf for _, by in rounds
                                if key in by.get(label, {}))
            if total:
                rows.append(spf_row(label, key, total))
    if rows:
        out += ["", "### SPF aborts over the rounds", ""]
        out += table(["label", "workload", "spf_attempt", "spf_abort", "abort rate",
                      "non-zero reasons (rate)"], rows)
        out += ["", "Sums over the rounds of each run's `spf_*` deltas of /proc/vmstat "
                "(writer idle and busy phases together)."]

    rows = [[tasks, l] + [fmt(v, ".2f") for v in values(l, MEASURES[0], tasks)]
            for tasks in tasks_all for l in labels]
    out += ["", "### busy/idle per round", ""]
    return out + table(["tasks", "label"] + [n for n, _ in rounds], rows)


def paired(d, centre=0.0, spec="+.2f"):
    """[mean, interval, n, verdict] of per-round values d (not empty): differences
    against 0, or with centre=1 and spec=".2f", ratios against 1."""
    mean, half, n = mean_ci(d)
    if n < 2:
        return [format(mean, spec), "—", n, "one round: no interval"]
    lo, hi = mean - half, mean + half
    verdict = ("above" if lo > centre else "below" if hi < centre
               else f"level: the interval holds {centre:g}")
    return [format(mean, spec), f"{format(lo, spec)} … {format(hi, spec)}", n, verdict]


def coverage(spf, vm):
    """(faults completed speculatively over pgfault, aborts over attempts) of
    summed counters; NaN where a count is missing or zero."""
    att, abort = spf.get("spf_attempt", 0), spf.get("spf_abort", 0)
    return ratio(att - abort, vm.get("pgfault", 0)), ratio(abort, att)


def coverage_row(c_spf, c_vm):
    """pgfault, attempts, aborts and the two shares of summed counters."""
    done, aborted = coverage(c_spf, c_vm)
    return [c_vm.get("pgfault", 0), c_spf.get("spf_attempt", 0), c_spf.get("spf_abort", 0),
            fmt(100 * done, ".1f"), fmt(100 * aborted, ".2f")]


COVERAGE_HEAD = ["pgfault", "spf_attempt", "spf_abort", "speculative % of faults",
                 "aborted % of attempts"]
COVERAGE_TEXT = ("Per mode, the deltas of /proc/vmstat over its sampling window: "
                 "speculative % of faults is (`spf_attempt` − `spf_abort`) / `pgfault`, "
                 "the share of the faults completed without mmap_lock (pgfault counts "
                 "every task's faults, spfbench's own too, so the share is a floor); "
                 "aborted % is `spf_abort` / `spf_attempt`.")


def coverage_table(runs, labels, keys):
    """Per kernel with SPF counters, workload, task count and mode: how many of
    the faults completed speculatively. Only reports that carry pgfault."""
    by = {(r.label, r.key): r for r in runs}
    rows = []
    for label in labels:
        for key in keys:
            r = by.get((label, key))
            if not r:
                continue
            for tasks in sorted(r.rows):
                for mode in MODES:
                    m = r.rows[tasks].get(mode)
                    if m and m["vm"].get("pgfault") and "spf_attempt" in m["spf"]:
                        rows.append([label, key, tasks, mode_name(r, mode)]
                                    + coverage_row(m["spf"], m["vm"]))
    if not rows:
        return []
    return (["", "## Speculative coverage", ""]
            + table(["label", "workload", "tasks", "mode"] + COVERAGE_HEAD, rows)
            + ["", COVERAGE_TEXT])


def coverage_rounds(rounds, labels, subject):
    """The huge-page and swap-in workloads over the rounds: ops/s per kernel,
    SUBJECT over each other kernel paired by round, busy/idle where there is a
    writer, and how many faults completed speculatively."""
    present = [k for k in COVERAGE if any(k in mine for _, by in rounds
                                          for mine in by.values())]
    if not present:
        return []
    labels = [l for l in labels if any(l in by for _, by in rounds)] + sorted(
        {l for _, by in rounds for l in by} - set(labels))

    def get(label, key, tasks, f):
        return [f(by[label][key], tasks) if key in by.get(label, {}) and
                tasks in by[label][key].rows else math.nan for _, by in rounds]

    def ops(r, t):
        return r.rows[t]["threads"]["mean"] if "threads" in r.rows[t] else math.nan

    def cell(values, spec):
        mean, half, n = mean_ci(values)
        if n == 0:
            return "—"
        text = format(mean, spec) + ("" if math.isnan(half) else f" ± {format(half, spec)}")
        return text + ("" if n == len(rounds) else f" (n={n})")

    def tasks_of(key):
        return sorted({t for _, by in rounds for mine in by.values()
                       if key in mine for t in mine[key].rows})

    means, pairs, cover = [], [], []
    for key in present:
        for tasks in tasks_of(key):
            writer = key.split(" ")[0].rstrip(",") in WRITER_WORKLOADS
            measures = [("ops/s" + (", writer busy" if writer else ""), ops, ".0f", True)]
            if writer:
                measures.append((BUSY_IDLE, busy_idle, ".2f", False))
            for name, f, spec, as_ratio in measures:
                means.append([key, tasks, name] + [cell(get(l, key, tasks, f), spec)
                                                   for l in labels])
                if subject not in labels:
                    continue
                mine = get(subject, key, tasks, f)
                for other in (l for l in labels if l != subject):
                    theirs = get(other, key, tasks, f)
                    if as_ratio:
                        d = [ratio(a, b) for a, b in zip(mine, theirs)]
                    else:
                        d = [a - b for a, b in zip(mine, theirs)]
                    d = [x for x in d if not math.isnan(x)]
                    if d:
                        name_ = f"{name}: {subject} / it" if as_ratio else f"{name}: {subject} − it"
                        pairs.append([key, tasks, name_, other]
                                     + (paired(d, 1.0, ".2f") if as_ratio else paired(d)))
            for label in labels:
                ms = [by[label][key].rows[tasks][mode] for _, by in rounds
                      if key in by.get(label, {}) and tasks in by[label][key].rows
                      for mode in MODES if mode in by[label][key].rows[tasks]]
                ms = [m for m in ms if m["vm"].get("pgfault") and "spf_attempt" in m["spf"]]
                if ms:
                    cover.append([key, tasks, label] + coverage_row(
                        counter_sum(m["spf"] for m in ms), counter_sum(m["vm"] for m in ms)))

    out = ["", f"## Huge pages, swap-in and files over {len(rounds)} rounds", ""]
    out += table(["workload", "tasks", "measure"] + labels, means)
    out += ["", "The rounds also run, in the same boots as the headline: page_fault1 "
            "threads with THP as the guest has it (no madvise: \"default\" pages), "
            "fault_under_writer with MADV_HUGEPAGE (\"thp\"), swap_under_writer "
            "(each pass MADV_PAGEOUTs its 4 KiB pages and faults them back from swap "
            "while a thread mprotect()s an unrelated VMA), page_fault2 and page_fault3 "
            "threads (private and shared writes of a tmpfs file, mapped afresh each "
            "pass), and fault_under_writer on files (\", tmpfs file\", \", ext4 file\": "
            "each faulter reads a shared mapping of a file of its own whose pages are "
            "in the page cache). Mean over the rounds ± the half-width of its 95% "
            "confidence interval."]
    if pairs:
        out += ["", f"### {subject} against each kernel on these workloads, paired by "
                "round", ""]
        out += table(["workload", "tasks", "measure", "against", "mean", "95% interval",
                      "rounds", f"{subject} is"], pairs)
        out += ["", f"ops/s: the ratio {subject} / it within each round, averaged, with "
                "its 95% interval: above or below 1 where the interval excludes 1. "
                "busy/idle: the difference within each round, against 0."]
    if cover:
        out += ["", "### Speculative coverage over the rounds", ""]
        out += table(["workload", "tasks", "label"] + COVERAGE_HEAD, cover)
        out += ["", "Counters summed over the rounds and modes (the writer idle and "
                "busy together). " + COVERAGE_TEXT]
    return out


def cpu_table(present):
    """fault_under_writer: where the faulters' time went, writer busy and idle."""
    if not any(not math.isnan(s[k]) for r in present for t in r.busy_idle
               for s in r.rows[t].values() for k in CPU_KEYS):
        return []  # no report of this workload measured CPU use
    pages = f", {present[0].pages} pages" if present[0].pages else ""
    head = ["tasks", "label", "busy/idle", "faulter CPU, idle", "faulter CPU, busy",
            "writer CPU, busy", "CPU idle %, busy", "busy/idle per faulter CPU-s"]
    tlb = any(not math.isnan(s["tlb"]) for r in present for t in r.busy_idle
              for s in r.rows[t].values())
    head += ["TLB IPIs/s, idle", "TLB IPIs/s, busy"] * tlb
    rows = []
    for tasks in sorted({t for r in present for t in r.busy_idle}):
        for r in present:
            if tasks not in r.busy_idle:
                continue
            busy = r.rows[tasks].get("threads")
            idle = r.rows[tasks].get("threads_writer_idle")
            if not busy or not idle:
                continue
            per_cpu = per_cpu_ratio(r, tasks)
            rows.append([tasks, r.label, fmt(r.busy_idle[tasks], ".2f"),
                         fmt(idle["faulter_cpu"], ".2f"), fmt(busy["faulter_cpu"], ".2f"),
                         fmt(busy["writer_cpu"], ".2f"), fmt(busy["idle_pct"], ".1f"),
                         fmt(per_cpu, ".2f")] + [fmt(idle["tlb"]), fmt(busy["tlb"])] * tlb)
    return (["", f"## {present[0].title}{pages}: CPU use", ""] + table(head, rows)
            + ["", "CPU is CPU-seconds per second (2.00: two whole CPUs), of the "
               "faulting threads together and of the writer thread. If busy/idle per "
               "faulter CPU-s is near 1 while busy/idle of ops/s is lower, the faults "
               "themselves are not slowed; the faulters got less CPU (waiting for one "
               "when CPU idle is near 0, asleep when it is not)."
               + (" TLB IPIs/s are x86's TLB shootdown interrupts, all CPUs "
                  "(/proc/interrupts)." if tlb else "")])


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
        rows += [spf_row(label, r.key, r.spf) for r in mine]
        rows.append(spf_row(label, "all", counter_sum(r.spf for r in mine)))
    return out + table(["label", "workload", "spf_attempt", "spf_abort", "abort rate",
                        "non-zero reasons (rate)"], rows)


def counter_sum(counters):
    """The sum of several {name: count} dicts, name by name."""
    total = {}
    for c in counters:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    return total


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
                    w.writerow([label, r.title, r.pages or "", mode, tasks]
                               + [fmt(s[k], ".2f") for k in ("mean", "stddev", "min", "max")]
                               + [s["samples"], fmt(s["idle_pct"], ".2f"),
                                  "" if math.isnan(rel) else f"{rel:.4f}"]
                               + [r.env[k] for k in ENV_KEYS]
                               + ["" if math.isnan(s[k]) else
                                  format(s[k], ".2f" if k == "ops_per_cpu_s" else ".3f")
                                  for k in CPU_KEYS])


# Run-to-run spread (--compare): the same points of two runs side by side.
QUANTITIES = ("ops/s", "threads/processes", "busy/idle")
FUW_4K = "fault_under_writer 4k"


def points(runs):
    """{(label, key, tasks, quantity, mode): value} of every value the report
    shows that can be compared: the mean ops/s per mode, and the ratios.
    Unmeasured (NaN) values are no points."""
    out = {}

    def put(point, v):
        if not math.isnan(v):
            out[point] = v
    for r in runs:
        for tasks, modes in r.rows.items():
            for mode, s in modes.items():
                put((r.label, r.key, tasks, "ops/s", mode), s["mean"])
            if "processes" in modes and "threads" in modes:
                put((r.label, r.key, tasks, "threads/processes", ""),
                    ratio(modes["threads"]["mean"], modes["processes"]["mean"]))
        for tasks, v in r.busy_idle.items():
            put((r.label, r.key, tasks, "busy/idle", ""), v)
    return out


def rel_diff(this, other):
    """(this - other) / other: exact for whole numbers whose ratio is."""
    if other:
        return (this - other) / other
    return 0.0 if this == other else math.inf


def percentile90(values):
    """Nearest rank: the smallest value that 90% of the values do not exceed."""
    s = sorted(values)
    return s[(9 * len(s) + 9) // 10 - 1]


class Spread:
    """The points of RESULTS (this run) and OTHER, matched by label and key."""

    def __init__(self, runs, others, baseline):
        self.labels, self.keys = order(runs + others, baseline)
        self.mine, self.theirs = points(runs), points(others)
        self.names = {r.key: (r.workload, r.pages) for r in runs + others}
        self.compared = sorted(
            ((p, self.mine[p], self.theirs[p], rel_diff(self.mine[p], self.theirs[p]))
             for p in self.mine if p in self.theirs), key=lambda c: self.rank(c[0]))
        self.only = {"this run": sorted((p for p in self.mine if p not in self.theirs),
                                        key=self.rank),
                     "other run": sorted((p for p in self.theirs if p not in self.mine),
                                         key=self.rank)}
        self.env = {}  # label -> [(key, this run's values, other run's)]
        for label in self.labels:
            a = [r for r in runs if r.label == label]
            b = [r for r in others if r.label == label]
            for k in ENV_KEYS if a and b else ():
                va = ", ".join(sorted({r.env[k] for r in a}))
                vb = ", ".join(sorted({r.env[k] for r in b}))
                if va != vb:
                    self.env.setdefault(label, []).append((k, va, vb))

    def rank(self, p):
        label, key, tasks, quantity, mode = p
        return (self.labels.index(label), self.keys.index(key), tasks,
                QUANTITIES.index(quantity), MODES.index(mode) if mode else -1)

    def summary(self):
        """[(label, quantity, [|diff|], only in this run, only in other)], then 'all'."""
        rows = []
        for label in self.labels + ["all"]:
            for q in QUANTITIES:
                def mine(p):
                    return p[3] == q and label in ("all", p[0])
                diffs = [abs(c[3]) for c in self.compared if mine(c[0])]
                only = [sum(map(mine, self.only[side])) for side in self.only]
                if diffs or any(only):
                    rows.append((label, q, diffs, *only))
        return rows

    def missing(self):
        """Points of one run only, grouped: a whole label, workload or task count
        when the other run has nothing of it, else one line per point."""
        out = []
        for side, other in (("this run", self.theirs), ("other run", self.mine)):
            done = set()
            for p in self.only[side]:
                for depth in (1, 2, 3, 5):
                    prefix = p[:depth]
                    if depth == 5 or not any(q[:depth] == prefix for q in other):
                        break
                if prefix in done:
                    continue
                done.add(prefix)
                n = sum(q[:depth] == prefix for q in self.only[side])
                out.append(f"- only in {side}: {self.where(prefix)}"
                           + (f" ({n} points)" if depth < 5 else ""))
        return out

    def where(self, prefix):
        text = f"`{prefix[0]}`"
        if len(prefix) > 1:
            text += " " + prefix[1]
        if len(prefix) > 2:
            text += f", {prefix[2]} task" + "s" * (prefix[2] != 1)
        if len(prefix) > 3:
            text += f", {prefix[3]}" + (f" {prefix[4]}" if prefix[4] else "")
        return text


def pct_abs(v):
    return fmt(100 * v, ".1f") + "%"


def spread_section(sp, results, other):
    this, that = (os.path.basename(os.path.abspath(d)) for d in (results, other))
    out = ["", "## Run-to-run spread", "",
           f"This run: `{this}`; other run: `{that}` ({other}). Every point (label, "
           "workload and page kind, mode, task count) that both runs have is compared "
           "by the relative difference (this − other) / other of its mean ops/s, and of "
           "its threads/processes and busy/idle ratios; labels are matched by folder "
           "name. Of |difference|: median, 90th percentile (nearest rank: the smallest "
           "value that 90% of the points do not exceed) and max. Each point is a row "
           f"of {SPREAD_CSV}.", ""]
    rows = []
    for label, q, diffs, only_this, only_other in sp.summary():
        stats_ = [pct_abs(f(diffs)) if diffs else "—"
                  for f in (statistics.median, percentile90, max)]
        rows.append([label, q, len(diffs), *stats_, only_this, only_other])
    out += table(["label", "quantity", "points", "median", "p90", "max",
                  "only in this run", "only in other run"], rows)
    fuw = sorted({(l, t) for (l, k, t, q, _m) in list(sp.mine) + list(sp.theirs)
                  if k == FUW_4K and q == "busy/idle"},
                 key=lambda lt: (sp.labels.index(lt[0]), lt[1]))
    if fuw:
        rows = []
        for label, tasks in fuw:
            p = (label, FUW_4K, tasks, "busy/idle", "")
            a, b = sp.mine.get(p), sp.theirs.get(p)
            rows.append([label, tasks, fmt(a, ".2f"), fmt(b, ".2f"),
                         fmt(100 * rel_diff(a, b), "+.1f") + "%"
                         if a is not None and b is not None else "—"])
        out += ["", "## Run-to-run spread: fault_under_writer, 4k pages, busy/idle", ""]
        out += table(["label", "tasks", "this run", "other run", "difference"], rows)
    if sp.env:
        out += ["", "Recorded environment that differs between the runs (this run / "
                "other run):", ""]
        out += [f"- `{label}`: " + "; ".join(f"{k} {a} / {b}" for k, a, b in diffs)
                for label, diffs in sp.env.items()]
    missing = sp.missing()
    n = sum(map(len, sp.only.values()))
    out += ["", f"Points in one run only: {n}" + ("." if not n else ":")]
    if missing:
        out += [""] + missing
    return out


def spread_csv(f, sp):
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["label", "workload", "pages", "quantity", "mode", "tasks", "this",
                "other", "rel_diff"])
    for (label, key, tasks, q, mode), a, b, d in sp.compared:
        workload, pages = sp.names[key]
        spec = ".2f" if q == "ops/s" else ".4f"
        w.writerow([label, workload, pages or "", q, mode, tasks, format(a, spec),
                    format(b, spec), format(d, ".6f")])


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
        "report.md (also printed), scaling.svg and summary.csv into RESULTS, and "
        f"{SPREAD_CSV} with --compare.")
    ap.add_argument("results", metavar="RESULTS",
                    help="folder with one subfolder of spfbench JSON per label")
    ap.add_argument("--baseline", default="vanilla-6.1", metavar="LABEL",
                    help="label the others are compared to (default: %(default)s)")
    ap.add_argument("--subject", default="spf-on", metavar="LABEL",
                    help="with rounds/: the label the others are compared to, "
                    "round by round (default: %(default)s)")
    ap.add_argument("--compare", metavar="OTHER",
                    help="another results folder of the same suite: add the run-to-run "
                    f"spread to report.md and write {SPREAD_CSV}")
    args = ap.parse_args(argv)
    try:
        runs = load(args.results)
        labels, keys = order(runs, args.baseline)
        if args.baseline not in labels:
            raise ReportError(f"baseline label '{args.baseline}' not found in "
                              f"{args.results}; labels: {', '.join(labels)} "
                              "(choose one with --baseline)")
        rounds = load_rounds(args.results)
        others = load(args.compare) if args.compare else None
        names = OUTPUTS + (SPREAD_CSV,) * bool(others)
        paths = [os.path.join(args.results, n) for n in names]
        there = [p for p in paths if os.path.lexists(p)]
        if there:
            raise ReportError(f"refusing to overwrite {', '.join(there)}")
        md = markdown(args.results, runs, labels, keys, args.baseline, rounds,
                      args.subject)
        if others:
            spread = Spread(runs, others, args.baseline)
            md += "\n".join(spread_section(spread, args.results, args.compare)) + "\n"
        with open(paths[0], "x", encoding="utf-8") as f:
            f.write(md)
        with open(paths[1], "x", encoding="utf-8") as f:
            f.write(svg(runs, labels, keys))
        with open(paths[2], "x", encoding="utf-8", newline="") as f:
            summary_csv(f, runs, labels, keys, args.baseline)
        if others:
            with open(paths[3], "x", encoding="utf-8", newline="") as f:
                spread_csv(f, spread)
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
