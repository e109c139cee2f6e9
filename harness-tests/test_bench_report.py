#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests for scripts/bench_report.py on real spfbench reports.

bench-fixtures/host/ holds the JSON and CSV of real spfbench runs on the
workbench host (see bench-fixtures/README.md). The tests lay them out as a results
folder: vanilla-6.1/ is the real files as they are; spf-on/ and spf-off/
are copies with the kernel, series, switch and SPF counters edited and
the rates scaled by known factors, so that every ratio is known.

Prints TAP: one "ok N name" or "not ok N name" per test, then
"N passed, N failed".
"""

import calendar
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "bench-fixtures", "host")
# fault_under_writer by a spfbench that records CPU use.
CPU_FIXTURE = os.path.join(HERE, "bench-fixtures", "host-cpu", "fuw-4k.json")
# fault_under_writer by a spfbench that times MADV_DONTNEED.
ZAP_FIXTURE = os.path.join(HERE, "bench-fixtures", "host-zap", "fuw-4k.json")
# Two synthetic runs of known run-to-run differences (bench-fixtures/README.md).
SPREAD_THIS = os.path.join(HERE, "bench-fixtures", "spread", "this")
SPREAD_OTHER = os.path.join(HERE, "bench-fixtures", "spread", "other")
SCRIPT = os.path.join(HERE, "..", "scripts", "bench_report.py")
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
sys.dont_write_bytecode = True  # leave no __pycache__ in the tree
import bench_report as br  # noqa: E402
import tap_unittest  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
# 2026-11-25 22:04:00 UTC, given to the real files as their mtime.
STAMP = calendar.timegm((2026, 11, 25, 22, 4, 0))
SPF_ON_PF1 = {"spf_attempt": 1000, "spf_abort": 50, "spf_abort_odd_seq": 30,
              "spf_abort_ptl_busy": 20, "spf_abort_notifier": 0}
SPF_ON_FUW = {"spf_attempt": 200, "spf_abort": 10, "spf_abort_vma_seq": 10}


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return json.load(f)


def edited(doc, factor, counters, **env):
    """A copy of a real report: rates times factor, env and counters replaced."""
    doc = json.loads(json.dumps(doc))
    doc.update(env, spf_counters=counters)
    for row in doc["results"]:
        for mode in br.MODES:
            if mode in row:
                m = row[mode]
                for k in ("mean", "stddev", "min", "max"):
                    m[k] = round(m[k] * factor, 2)
                m["samples"] = [round(s * factor, 2) for s in m["samples"]]
    return doc


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)


def make_results(top):
    """vanilla-6.1 (real), spf-on (x1.25, all workloads), spf-off (x0.5, pf1)."""
    van = os.path.join(top, "vanilla-6.1")
    shutil.copytree(FIXTURES, van)
    for name in os.listdir(van):
        os.utime(os.path.join(van, name), (STAMP, STAMP))
    spf = {"kernel": "6.1.192-spf", "series": "v2", "accel": "TCG"}
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".json"):
            counters = {"pf1-4k.json": SPF_ON_PF1, "fuw-4k.json": SPF_ON_FUW}.get(name, {})
            write_json(os.path.join(top, "spf-on", name),
                       edited(fixture(name), 1.25, counters, spf_switch="1", **spf))
    write_json(os.path.join(top, "spf-off", "pf1-4k.json"),
               edited(fixture("pf1-4k.json"), 0.5, {"spf_attempt": 0, "spf_abort": 0},
                      spf_switch="0", date="2026-11-26 08:00 UTC", **spf))


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True,
                          text=True, check=False)


def md_tables(text):
    """{section heading: [row dict]} for every table of a report.md."""
    tables, section, head = {}, None, None
    for line in text.splitlines():
        if line.startswith(("## ", "### ")):
            section, head = line.lstrip("#").strip(), None
        elif line.startswith("|") and section:
            cells = [c.strip() for c in line.strip("|").split("|")]
            if head is None:
                head = cells
            elif not cells[0].startswith("---"):
                tables.setdefault(section, []).append(dict(zip(head, cells)))
    return tables


def row(rows, **want):
    found = [r for r in rows if all(r[k] == str(v) for k, v in want.items())]
    assert len(found) == 1, (want, found)
    return found[0]


class RealReports(unittest.TestCase):
    """The parser on the real spfbench output, as spfbench wrote it."""

    def load(self, name):
        path = os.path.join(FIXTURES, name)
        return br.load_run("host", path)

    def test_every_fixture_parses_with_its_workload_and_pages(self):
        keys = {n: self.load(n).key for n in os.listdir(FIXTURES) if n.endswith(".json")}
        self.assertEqual(keys, {
            "pf1-4k.json": "page_fault1 4k", "pf2.json": "page_fault2",
            "pf3.json": "page_fault3", "fuw-4k.json": "fault_under_writer 4k",
            "fuw-thp.json": "fault_under_writer thp", "svma-4k.json": "same_vma 4k",
            "churn.json": "mmap_churn"})

    def test_rates_spread_and_environment_are_read(self):
        run_ = self.load("pf1-4k.json")
        self.assertEqual(sorted(run_.rows), [1, 2])
        s = run_.rows[2]["threads"]
        self.assertEqual((s["mean"], s["stddev"], s["min"], s["max"], s["samples"]),
                         (465149.83, 79064.14, 409243.04, 521056.62, 2))
        self.assertEqual(run_.env, {"accel": "unknown", "vcpus": "2",
                                    "kernel": "6.18.44-fc-v782", "series": "none",
                                    "spf_switch": "absent"})
        self.assertEqual(run_.spf, {})

    def test_fault_under_writer_has_both_writer_modes_and_ratio(self):
        run_ = self.load("fuw-4k.json")
        self.assertEqual(set(run_.rows[2]), {"threads", "threads_writer_idle"})
        self.assertEqual(run_.busy_idle, {1: 0.6919, 2: 0.6582})

    def test_cpu_use_is_read_where_reported(self):
        run_ = br.load_run("host", CPU_FIXTURE)
        busy, idle = run_.rows[2]["threads"], run_.rows[2]["threads_writer_idle"]
        self.assertEqual((busy["faulter_cpu"], busy["writer_cpu"], busy["ops_per_cpu_s"]),
                         (0.709, 0.369, 336247.52))
        self.assertEqual((idle["faulter_cpu"], idle["writer_cpu"]), (0.99, 0.002))
        self.assertEqual(run_.busy_idle_cpu, {1: 1.0368, 2: 1.0173})

    def test_reports_before_cpu_use_read_as_nan(self):
        run_ = self.load("fuw-4k.json")
        s = run_.rows[2]["threads"]
        self.assertTrue(all(math.isnan(s[k]) for k in br.CPU_KEYS))
        self.assertTrue(all(math.isnan(v) for v in run_.busy_idle_cpu.values()))
        self.assertTrue(math.isnan(self.load("pf1-4k.json").rows[1]["processes"]
                                   ["faulter_cpu"]))


class Report(unittest.TestCase):
    """A whole report of three labels, through the command line."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bench-report-")
        cls.dir = os.path.join(cls.tmp, "20261125-2210")
        make_results(cls.dir)
        cls.res = run(cls.dir)

        def read(name):
            with open(os.path.join(cls.dir, name), encoding="utf-8") as f:
                return f.read()
        cls.md, cls.svg, cls.csv = (read(n) for n in br.OUTPUTS)
        cls.tables = md_tables(cls.md)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_succeeds_and_prints_the_table(self):
        self.assertEqual(self.res.returncode, 0, self.res.stderr)
        self.assertEqual(self.res.stdout, self.md)

    def test_header_says_what_was_measured_and_where(self):
        self.assertTrue(self.md.startswith("# spfbench: 20261125-2210\n"))
        k = self.tables["Kernels"]
        self.assertEqual([r["label"] for r in k], ["vanilla-6.1", "spf-off", "spf-on"])
        self.assertEqual(row(k, label="vanilla-6.1"), {
            "label": "vanilla-6.1", "accel": "unknown", "vCPUs": "2",
            "kernel": "6.18.44-fc-v782", "series": "none", "SPF switch": "absent",
            "date": "2026-11-25 22:04 UTC (file time)"})
        on = row(k, label="spf-on")
        self.assertEqual((on["accel"], on["kernel"], on["series"], on["SPF switch"]),
                         ("TCG", "6.1.192-spf", "v2", "1"))
        self.assertEqual(row(k, label="spf-off")["date"], "2026-11-26 08:00 UTC")

    def test_one_section_per_workload_in_order(self):
        self.assertEqual(list(self.tables), [
            "Kernels", "Headline: fault_under_writer, 4k pages", "page_fault1, 4k pages",
            "page_fault2", "page_fault3",
            "fault_under_writer, 4k pages", "fault_under_writer, thp pages",
            "same_vma, 4k pages", "mmap_churn", "SPF aborts"])

    def test_rates_and_spread_as_spfbench_reported_them(self):
        r = row(self.tables["page_fault1, 4k pages"], tasks=2, mode="threads",
                label="vanilla-6.1")
        self.assertEqual((r["ops/s"], r["stddev"], r["min–max"], r["samples"]),
                         ("465150", "79064", "409243–521057", "2"))

    def test_ratios_to_the_baseline(self):
        t = self.tables["page_fault1, 4k pages"]
        # 465149.83 x 1.25 = 581437.29 and x 0.5 = 232574.92 (rounded to cents)
        self.assertEqual(row(t, tasks=2, mode="threads", label="spf-on")["ops/s"], "581437")
        for label, want in (("vanilla-6.1", "1.00"), ("spf-on", "1.25"), ("spf-off", "0.50")):
            for tasks in (1, 2):
                for mode in ("processes", "threads"):
                    self.assertEqual(row(t, tasks=tasks, mode=mode, label=label)
                                     ["vs vanilla-6.1"], want)

    def test_threads_over_processes(self):
        t = self.tables["page_fault1, 4k pages"]
        # 465149.83 / 493311.54 = 0.943; 335199.97 / 315109.39 = 1.064
        self.assertEqual(row(t, tasks=2, mode="threads", label="vanilla-6.1")
                         ["threads/processes"], "0.94")
        self.assertEqual(row(t, tasks=1, mode="threads", label="spf-on")
                         ["threads/processes"], "1.06")
        self.assertEqual(row(t, tasks=1, mode="processes", label="spf-on")
                         ["threads/processes"], "—")
        # mmap_churn: 125434.24 / 242087.06 = 0.518
        self.assertEqual(row(self.tables["mmap_churn"], tasks=2, mode="threads",
                             label="vanilla-6.1")["threads/processes"], "0.52")

    def test_busy_over_idle_for_fault_under_writer(self):
        t = self.tables["fault_under_writer, 4k pages"]
        self.assertNotIn("threads/processes", t[0])
        # 372148.79 / 565441.77 = 0.658; 259008.40 / 374316.85 = 0.692
        busy = row(t, tasks=2, mode="threads, writer busy", label="vanilla-6.1")
        self.assertEqual((busy["ops/s"], busy["busy/idle"]), ("372149", "0.66"))
        self.assertEqual(row(t, tasks=1, mode="threads, writer busy", label="spf-on")
                         ["busy/idle"], "0.69")
        self.assertEqual(row(t, tasks=2, mode="threads, writer idle", label="vanilla-6.1")
                         ["busy/idle"], "—")

    def test_headline_is_busy_over_idle_per_label(self):
        t = self.tables["Headline: fault_under_writer, 4k pages"]
        # spf-off has no fault_under_writer report, so no column.
        self.assertEqual(list(t[0]), ["tasks", "measure", "vanilla-6.1", "spf-on"])
        # The same ratios as the workload table; these reports have no CPU use.
        self.assertEqual([(r["tasks"], r["measure"]) for r in t],
                         [("1", "busy/idle"), ("2", "busy/idle")])
        self.assertEqual((t[1]["vanilla-6.1"], t[0]["spf-on"]), ("0.66", "0.69"))
        self.assertNotIn("Per faulter CPU-s", self.md)

    def test_workload_missing_from_a_label_has_no_rows(self):
        self.assertFalse([r for r in self.tables["page_fault2"] if r["label"] == "spf-off"])

    def test_spf_abort_rates_by_reason(self):
        t = self.tables["SPF aborts"]
        pf1 = row(t, label="spf-on", workload="page_fault1 4k")
        self.assertEqual((pf1["spf_attempt"], pf1["spf_abort"], pf1["abort rate"]),
                         ("1000", "50", "5%"))
        # spf_abort_notifier is zero: not listed
        self.assertEqual(pf1["non-zero reasons (rate)"], "odd_seq 30 (3%), ptl_busy 20 (2%)")
        # all of spf-on: 1200 attempts, 60 aborts
        total = row(t, label="spf-on", workload="all")
        self.assertEqual((total["spf_attempt"], total["spf_abort"], total["abort rate"]),
                         ("1200", "60", "5%"))
        self.assertEqual(total["non-zero reasons (rate)"],
                         "odd_seq 30 (2.5%), ptl_busy 20 (1.67%), vma_seq 10 (0.833%)")
        off = row(t, label="spf-off", workload="page_fault1 4k")
        self.assertEqual((off["spf_attempt"], off["abort rate"]), ("0", "—"))
        self.assertIn("no spf_* counters", row(t, label="vanilla-6.1")["non-zero reasons (rate)"])

    def test_svg_parses_with_one_polyline_per_series(self):
        root = ET.fromstring(self.svg)
        panels = {p.get("id"): p for p in root.iter(SVG + "g") if p.get("class") == "panel"}
        self.assertEqual(len(panels), 7)
        lines = panels["panel-page_fault1-4k"].findall(SVG + "polyline")
        self.assertEqual(sorted(p.find(SVG + "title").text for p in lines), sorted(
            f"{l} {m}" for l in ("vanilla-6.1", "spf-on", "spf-off")
            for m in ("processes", "threads")))
        self.assertTrue(all(len(p.get("points").split()) == 2 for p in lines))
        fuw = panels["panel-fault_under_writer-thp"].findall(SVG + "polyline")
        self.assertEqual(sorted(p.find(SVG + "title").text for p in fuw), [
            "spf-on threads", "spf-on threads_writer_idle",
            "vanilla-6.1 threads", "vanilla-6.1 threads_writer_idle"])
        self.assertEqual(len(root.findall(f".//{SVG}polyline")), 6 + 6 * 4)

    def test_svg_has_ticks_axis_titles_and_legend(self):
        root = ET.fromstring(self.svg)
        panel = next(p for p in root.iter(SVG + "g") if p.get("id") == "panel-page_fault1-4k")
        texts = [t.text for t in panel.iter(SVG + "text")]
        self.assertIn("tasks", texts)
        self.assertIn("ops/s", texts)
        self.assertIn("1", texts)
        self.assertIn("2", texts)
        self.assertIn("0", texts)
        self.assertTrue(any(t.endswith("k") for t in texts), texts)
        legend = next(g for g in root.iter(SVG + "g") if g.get("class") == "legend")
        self.assertEqual([t.text for t in legend.iter(SVG + "text")], [
            "vanilla-6.1", "spf-off", "spf-on", "processes",
            "threads (fault_under_writer: writer busy)", "threads, writer idle"])

    def test_summary_csv_has_one_row_per_label_workload_mode_tasks(self):
        rows = list(csv.DictReader(self.csv.splitlines()))
        self.assertEqual(len(rows), 7 * 4 + 7 * 4 + 4)
        keys = {(r["label"], r["workload"], r["pages"], r["mode"], r["tasks"]) for r in rows}
        self.assertEqual(len(keys), len(rows))
        r = next(r for r in rows if r["label"] == "spf-off" and r["mode"] == "threads"
                 and r["tasks"] == "2")
        self.assertEqual((r["workload"], r["pages"], r["mean"], r["vs_baseline"], r["kernel"]),
                         ("page_fault1", "4k", "232574.92", "0.5000", "6.1.192-spf"))
        churn = next(r for r in rows if r["workload"] == "mmap_churn")
        self.assertEqual(churn["pages"], "")

    def test_no_spread_without_compare(self):
        self.assertNotIn("Run-to-run spread", self.md)
        self.assertFalse(os.path.exists(os.path.join(self.dir, br.SPREAD_CSV)))

    def test_other_baseline(self):
        with tempfile.TemporaryDirectory() as tmp:
            make_results(tmp)
            res = run(tmp, "--baseline", "spf-on")
            self.assertEqual(res.returncode, 0, res.stderr)
            t = md_tables(res.stdout)["page_fault1, 4k pages"]
            self.assertEqual(row(t, tasks=1, mode="threads", label="spf-off")["vs spf-on"],
                             "0.40")
            self.assertEqual([r["label"] for r in md_tables(res.stdout)["Kernels"]],
                             ["spf-on", "spf-off", "vanilla-6.1"])


class CpuUse(unittest.TestCase):
    """fault_under_writer's CPU table: a report with CPU use beside one without."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bench-report-")
        self.dir = os.path.join(self.tmp, "r")
        os.makedirs(os.path.join(self.dir, "vanilla-6.1"))
        shutil.copy(os.path.join(FIXTURES, "fuw-4k.json"),
                    os.path.join(self.dir, "vanilla-6.1"))
        with open(CPU_FIXTURE, encoding="utf-8") as f:
            self.doc = json.load(f)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def report(self, doc):
        write_json(os.path.join(self.dir, "spf-cpu", "fuw-4k.json"), doc)
        res = run(self.dir)
        self.assertEqual(res.returncode, 0, res.stderr)
        return res.stdout

    def test_table_per_label_and_task_count(self):
        md = self.report(self.doc)
        tables = md_tables(md)
        self.assertEqual(list(tables), ["Kernels", "Headline: fault_under_writer, 4k pages",
                                        "fault_under_writer, 4k pages",
                                        "fault_under_writer, 4k pages: CPU use",
                                        "SPF aborts"])
        t = tables["fault_under_writer, 4k pages: CPU use"]
        self.assertEqual([(r["tasks"], r["label"]) for r in t], [
            ("1", "vanilla-6.1"), ("1", "spf-cpu"), ("2", "vanilla-6.1"), ("2", "spf-cpu")])
        # Straight from the fixture: busy_idle_ratio 0.7286, faulter_cpu
        # 0.990 idle and 0.709 busy, writer_cpu 0.369, idle_pct 0.00,
        # busy_idle_ratio_per_cpu_s 1.0173.
        self.assertEqual(row(t, tasks=2, label="spf-cpu"), {
            "tasks": "2", "label": "spf-cpu", "busy/idle": "0.73",
            "faulter CPU, idle": "0.99", "faulter CPU, busy": "0.71",
            "writer CPU, busy": "0.37", "CPU idle %, busy": "0.0",
            "busy/idle per faulter CPU-s": "1.02"})
        self.assertEqual(row(t, tasks=1, label="spf-cpu")["writer CPU, busy"], "0.54")
        # The old report has rates but no CPU use.
        old = row(t, tasks=2, label="vanilla-6.1")
        self.assertEqual(old["busy/idle"], "0.66")
        self.assertEqual({old[k] for k in ("faulter CPU, idle", "faulter CPU, busy",
                                           "writer CPU, busy",
                                           "busy/idle per faulter CPU-s")}, {"—"})
        self.assertEqual(old["CPU idle %, busy"], "0.0")
        self.assertIn("If busy/idle per faulter CPU-s is near 1 while busy/idle of "
                      "ops/s is lower, the faults themselves are not slowed; the "
                      "faulters got less CPU", md)

    def test_headline_has_the_per_cpu_ratio_where_measured(self):
        t = md_tables(self.report(self.doc))["Headline: fault_under_writer, 4k pages"]
        self.assertEqual([(r["tasks"], r["measure"]) for r in t], [
            ("1", "busy/idle"), ("1", "busy/idle per faulter CPU-s"),
            ("2", "busy/idle"), ("2", "busy/idle per faulter CPU-s")])
        self.assertEqual(row(t, tasks="2", measure="busy/idle per faulter CPU-s"),
                         {"tasks": "2", "measure": "busy/idle per faulter CPU-s",
                          "vanilla-6.1": "—", "spf-cpu": "1.02"})
        self.assertEqual(row(t, tasks="2", measure="busy/idle")["spf-cpu"], "0.73")

    def test_ratio_from_the_modes_when_the_row_lacks_it(self):
        for r in self.doc["results"]:
            del r["busy_idle_ratio_per_cpu_s"]
        t = md_tables(self.report(self.doc))["fault_under_writer, 4k pages: CPU use"]
        # 336247.52 / 330519.27 = 1.017; 372084.38 / 358871.64 = 1.037
        self.assertEqual(row(t, tasks=2, label="spf-cpu")
                         ["busy/idle per faulter CPU-s"], "1.02")
        self.assertEqual(row(t, tasks=1, label="spf-cpu")
                         ["busy/idle per faulter CPU-s"], "1.04")

    def test_unmeasured_values_are_dashes(self):
        busy = self.doc["results"][1]["threads"]
        busy["faulter_cpu"] = busy["writer_cpu"] = busy["ops_per_cpu_s"] = None
        self.doc["results"][1]["busy_idle_ratio_per_cpu_s"] = None
        t = md_tables(self.report(self.doc))["fault_under_writer, 4k pages: CPU use"]
        r = row(t, tasks=2, label="spf-cpu")
        self.assertEqual((r["faulter CPU, idle"], r["faulter CPU, busy"],
                          r["writer CPU, busy"], r["busy/idle per faulter CPU-s"]),
                         ("0.99", "—", "—", "—"))

    def test_no_table_without_cpu_use(self):
        md = self.report(fixture("fuw-4k.json"))
        self.assertNotIn("CPU use", md)

    def test_summary_csv_carries_cpu_use(self):
        self.report(self.doc)
        with open(os.path.join(self.dir, "summary.csv"), encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        new = next(r for r in rows if r["label"] == "spf-cpu" and r["tasks"] == "2"
                   and r["mode"] == "threads")
        self.assertEqual((new["faulter_cpu"], new["writer_cpu"], new["ops_per_cpu_s"]),
                         ("0.709", "0.369", "336247.52"))
        old = next(r for r in rows if r["label"] == "vanilla-6.1" and r["tasks"] == "2"
                   and r["mode"] == "threads")
        self.assertEqual((old["faulter_cpu"], old["writer_cpu"], old["ops_per_cpu_s"]),
                         ("", "", ""))


class Rounds(unittest.TestCase):
    """rounds/: the headline over repeated runs, with intervals and paired differences."""

    # busy/idle per label and round. spf-on - pervma-6.12: 0.10, 0.08, 0.12,
    # mean 0.10, sd 0.02, 95% half-width 4.303 * 0.02 / sqrt(3) = 0.0497;
    # spf-on - vanilla-6.1: -0.05, +0.07, -0.02: the interval holds 0.
    # vanilla-6.1: mean 0.92, sd 0.0608, half-width 0.151.
    RATIOS = {"spf-on": (0.90, 0.92, 0.94), "pervma-6.12": (0.80, 0.84, 0.82),
              "vanilla-6.1": (0.95, 0.85, 0.96)}

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bench-report-")
        self.dir = os.path.join(self.tmp, "r")
        with open(ZAP_FIXTURE, encoding="utf-8") as f:
            self.doc = json.load(f)
        for label in self.RATIOS:
            write_json(os.path.join(self.dir, label, "fuw-4k.json"), self.doc)
        for label, ratios in self.RATIOS.items():
            for n, v in enumerate(ratios, 1):
                self.put(n, label, v)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def put(self, n, label, busy_idle, zap=0.99, name="fuw-4k.json", tlb=None,
            busy=(), idle=(), **env):
        """Round N's report of LABEL; BUSY and IDLE: fields of the two modes."""
        doc = json.loads(json.dumps(self.doc))
        doc.update(env)
        if tlb is not None:
            doc["results"][0]["threads"]["tlb_shootdowns_per_s"] = tlb
        doc["results"][0]["threads"].update(busy)
        doc["results"][0]["threads_writer_idle"].update(idle)
        doc["results"][0].update(busy_idle_ratio=busy_idle,
                                 busy_idle_ratio_outside_zap=zap)
        write_json(os.path.join(self.dir, br.ROUNDS_DIR, f"r{n}", label, name), doc)

    def put_all(self, ratios, name, **env):
        """Reports NAME of busy/idle {label: per round}, with env set."""
        for label, values in ratios.items():
            for n, v in enumerate(values, 1):
                self.put(n, label, v, name=name, **env)

    def put_control(self, ratios):
        """The control runs, the writer in its own process: {label: per round}."""
        self.put_all(ratios, "fuw-4k-wproc.json", writer_in="process")

    def report(self, *args):
        for name in br.OUTPUTS:  # a report per call
            if os.path.exists(os.path.join(self.dir, name)):
                os.remove(os.path.join(self.dir, name))
        res = run(self.dir, *args)
        self.assertEqual(res.returncode, 0, res.stderr)
        return md_tables(res.stdout), res.stdout

    def test_means_with_intervals_per_label(self):
        tables, md = self.report()
        t = tables["Headline over 3 rounds"]
        self.assertEqual(row(t, tasks=1, measure="busy/idle"), {
            "tasks": "1", "measure": "busy/idle", "vanilla-6.1": "0.92 ± 0.15",
            "pervma-6.12": "0.82 ± 0.05", "spf-on": "0.92 ± 0.05"})
        # Equal values: a zero-width interval.
        self.assertEqual(row(t, tasks=1, measure=br.ZAP_MEASURE)["spf-on"], "0.99 ± 0.00")
        self.assertIn("sampling 1 s per task count", md)

    def test_paired_differences_and_verdicts(self):
        t = self.report()[0]["spf-on against each kernel, paired by round"]
        self.assertEqual(row(t, tasks=1, measure="busy/idle", against="pervma-6.12"), {
            "tasks": "1", "measure": "busy/idle", "against": "pervma-6.12",
            "spf-on − it": "+0.10", "95% interval": "+0.05 … +0.15", "rounds": "3",
            "spf-on is": "above"})
        van = row(t, tasks=1, measure="busy/idle", against="vanilla-6.1")
        self.assertEqual((van["spf-on − it"], van["spf-on is"]),
                         ("+0.00", "level: the interval holds 0"))
        # The other way round, pervma-6.12 is below spf-on.
        t = self.report("--subject", "pervma-6.12")[0][
            "pervma-6.12 against each kernel, paired by round"]
        self.assertEqual(row(t, tasks=1, measure="busy/idle", against="spf-on")
                         ["pervma-6.12 is"], "below")

    def test_per_round_values(self):
        t = self.report()[0]["busy/idle per round"]
        self.assertEqual(row(t, tasks=1, label="pervma-6.12"), {
            "tasks": "1", "label": "pervma-6.12", "r1": "0.80", "r2": "0.84", "r3": "0.82"})

    def test_a_label_missing_from_a_round(self):
        shutil.rmtree(os.path.join(self.dir, br.ROUNDS_DIR, "r2", "pervma-6.12"))
        tables = self.report()[0]
        self.assertEqual(row(tables["Headline over 3 rounds"], tasks=1, measure="busy/idle")
                         ["pervma-6.12"], "0.81 ± 0.13 (n=2)")
        self.assertEqual(row(tables["spf-on against each kernel, paired by round"], tasks=1,
                             measure="busy/idle", against="pervma-6.12")["rounds"], "2")
        self.assertEqual(row(tables["busy/idle per round"], tasks=1,
                             label="pervma-6.12")["r2"], "—")

    def test_one_round_has_no_interval(self):
        for n in (2, 3):
            shutil.rmtree(os.path.join(self.dir, br.ROUNDS_DIR, f"r{n}"))
        tables = self.report()[0]
        self.assertEqual(row(tables["Headline over 1 rounds"], tasks=1, measure="busy/idle")
                         ["spf-on"], "0.90")
        r = row(tables["spf-on against each kernel, paired by round"], tasks=1,
                measure="busy/idle", against="pervma-6.12")
        self.assertEqual((r["95% interval"], r["spf-on is"]), ("—", "one round: no interval"))

    def test_rounds_are_ordered_by_number(self):
        for n in range(4, 11):
            self.put(n, "spf-on", 0.5)
        t = self.report()[0]["busy/idle per round"]
        self.assertEqual(list(t[0])[2:], [f"r{n}" for n in range(1, 11)])

    def test_no_paired_table_without_the_subject(self):
        tables = self.report("--subject", "spf-nowhere")[0]
        self.assertIn("Headline over 3 rounds", tables)
        self.assertFalse([k for k in tables if "paired by round" in k])

    def test_control_rows_and_pairs(self):
        self.put_control({"spf-on": (0.97, 0.95, 0.99), "pervma-6.12": (0.96, 0.97, 0.98)})
        tables, md = self.report()
        t = tables["Headline over 3 rounds"]
        self.assertEqual(row(t, tasks=1, measure=br.CONTROL_MEASURE), {
            "tasks": "1", "measure": br.CONTROL_MEASURE, "vanilla-6.1": "—",
            "pervma-6.12": "0.97 ± 0.02", "spf-on": "0.97 ± 0.05"})
        # The headline rows still come from the writer thread's runs.
        self.assertEqual(row(t, tasks=1, measure="busy/idle")["spf-on"], "0.92 ± 0.05")
        self.assertIn("The control runs the same writer in a process of its own", md)
        p = tables["spf-on against each kernel, paired by round"]
        # 0.01, -0.02, 0.01: the interval holds 0; vanilla-6.1 has no control.
        self.assertEqual(row(p, tasks=1, measure=br.CONTROL_MEASURE, against="pervma-6.12")
                         ["spf-on is"], "level: the interval holds 0")
        self.assertFalse([r for r in p if r["measure"] == br.CONTROL_MEASURE
                          and r["against"] == "vanilla-6.1"])

    def test_paced_rows_rates_and_pairs(self):
        self.put_all({"spf-on": (0.90, 0.91, 0.92), "pervma-6.12": (0.80, 0.81, 0.82)},
                     "fuw-4k-paced.json", writer_rate=50)
        tables, md = self.report()
        t = tables["Headline over 3 rounds"]
        self.assertEqual(row(t, tasks=1, measure=br.PACED_MEASURE), {
            "tasks": "1", "measure": br.PACED_MEASURE, "vanilla-6.1": "—",
            "pervma-6.12": "0.81 ± 0.02", "spf-on": "0.91 ± 0.02"})
        self.assertEqual(row(t, tasks=1, measure="busy/idle")["spf-on"], "0.92 ± 0.05")
        # put_all() leaves outside MADV_DONTNEED at 0.99 in every run.
        self.assertEqual(row(t, tasks=1, measure=br.PACED_ZAP_MEASURE)["pervma-6.12"],
                         "0.99 ± 0.00")
        self.assertEqual(row(t, tasks=1, measure=br.PACED_ZAP_MEASURE)["vanilla-6.1"], "—")
        # Said where the rounds are described, before the paired table.
        self.assertIn("The paced runs cap the writer thread at 50 mprotect() calls",
                      md[md.index("## Headline over"):md.index("### spf-on against")])
        p = tables["spf-on against each kernel, paired by round"]
        self.assertEqual(row(p, tasks=1, measure=br.PACED_MEASURE, against="pervma-6.12")
                         ["spf-on is"], "above")
        # The writers' rates as they counted them: the fixture's, everywhere.
        w = tables["The writer's mprotect() calls per second, busy"]
        rate = f"{self.doc['results'][0]['threads']['writer_mprotect_per_s']:.0f}"
        self.assertEqual(row(w, tasks=1, writer="writer thread, paced")["spf-on"],
                         f"{rate} ± 0")
        self.assertEqual(row(w, tasks=1, writer="writer thread")["vanilla-6.1"],
                         f"{rate} ± 0")
        self.assertEqual(br.load_run("x", os.path.join(
            self.dir, br.ROUNDS_DIR, "r1", "spf-on", "fuw-4k-paced.json")).key, br.PACED)

    def test_no_control_no_control_row(self):
        tables, md = self.report()
        self.assertFalse([r for r in tables["Headline over 3 rounds"]
                          if r["measure"] == br.CONTROL_MEASURE])
        self.assertNotIn("The control runs", md)
        self.assertNotIn("paced", md)

    def test_a_control_run_is_a_workload_of_its_own(self):
        doc = json.loads(json.dumps(self.doc))
        doc["writer_in"] = "process"
        write_json(os.path.join(self.dir, "spf-on", "fuw-4k-wproc.json"), doc)
        tables = self.report()[0]
        self.assertIn("fault_under_writer, 4k pages", tables)
        t = tables["fault_under_writer, writer process, 4k pages"]
        self.assertEqual([r["label"] for r in t], ["spf-on", "spf-on"])
        self.assertEqual(br.load_run("x", os.path.join(self.dir, "spf-on",
                                                       "fuw-4k-wproc.json")).key, br.CONTROL)

    def test_tlb_shootdowns_where_counted(self):
        self.assertNotIn("TLB shootdown IPIs per second", self.report()[1])
        for n, v in enumerate((500, 520, 540), 1):
            self.put(n, "spf-on", self.RATIOS["spf-on"][n - 1], tlb=v)
        t = self.report()[0]["TLB shootdown IPIs per second, writer busy"]
        # sd 20: 4.303 * 20 / sqrt(3) = 49.7
        self.assertEqual(t, [{"tasks": "1", "writer": "writer thread", "vanilla-6.1": "—",
                              "pervma-6.12": "—", "spf-on": "520 ± 50"}])

    def test_madvise_time_idle_and_busy(self):
        for n, v in enumerate((0.10, 0.11, 0.12), 1):
            self.put(n, "spf-on", self.RATIOS["spf-on"][n - 1], busy={"zap_s_per_s": v})
        t = self.report()[0]["Faulters' time in MADV_DONTNEED, seconds per second"]
        # sd 0.01: 4.303 * 0.01 / sqrt(3) = 0.0248; idle is the fixture's.
        self.assertEqual(row(t, tasks=1, writer="writer thread, busy")["spf-on"],
                         "0.110 ± 0.025")
        self.assertEqual(row(t, tasks=1, writer="writer thread, idle")["spf-on"],
                         "0.027 ± 0.000")
        self.assertEqual(row(t, tasks=1, writer="writer thread, busy")["vanilla-6.1"],
                         "0.027 ± 0.000")
        # No paced runs here: no paced rows.
        self.assertFalse([r for r in t if "paced" in r["writer"]])

    def test_faulter_time_lost_per_ipi(self):
        self.assertNotIn("Faulter time lost per TLB IPI", self.report()[1])
        # 0.06 / 200, 0.09 / 300, 0.075 / 250: 300 µs in every round.
        for n, (ipis, zap) in enumerate(((200, 0.94), (300, 0.91), (250, 0.925)), 1):
            self.put(n, "spf-on", self.RATIOS["spf-on"][n - 1], zap=zap, tlb=ipis + 2,
                     idle={"tlb_shootdowns_per_s": 2})
            # Too few IPIs to say: a faulter asleep on mmap_lock.
            self.put(n, "vanilla-6.1", self.RATIOS["vanilla-6.1"][n - 1], zap=0.05,
                     tlb=br.MIN_IPIS - 1, idle={"tlb_shootdowns_per_s": 0})
        t = self.report()[0]["Faulter time lost per TLB IPI, µs, one faulter"]
        self.assertEqual(t, [{"tasks": "1", "writer": "writer thread", "vanilla-6.1": "—",
                              "pervma-6.12": "—", "spf-on": "300 ± 0"}])

    def test_spf_aborts_summed_over_the_rounds(self):
        self.assertNotIn("SPF aborts over the rounds", self.report()[1])
        for n in (1, 2, 3):
            self.put(n, "spf-on", self.RATIOS["spf-on"][n - 1], spf_counters={
                "spf_attempt": 1000 * n, "spf_abort": n, "spf_abort_ptl_busy": n,
                "spf_abort_odd_seq": 0})
        t = self.report()[0]["SPF aborts over the rounds"]
        self.assertEqual(t, [{"label": "spf-on", "workload": br.HEADLINE,
                              "spf_attempt": "6000", "spf_abort": "6",
                              "abort rate": "0.1%",
                              "non-zero reasons (rate)": "ptl_busy 6 (0.1%)"}])

    def test_cpu_table_has_tlb_columns_where_counted(self):
        doc = json.loads(json.dumps(self.doc))
        doc["results"][0]["threads"]["tlb_shootdowns_per_s"] = 321.4
        doc["results"][0]["threads_writer_idle"]["tlb_shootdowns_per_s"] = 2.0
        write_json(os.path.join(self.dir, "spf-on", "fuw-4k.json"), doc)
        tables, md = self.report()
        r = row(tables["fault_under_writer, 4k pages: CPU use"], tasks=1, label="spf-on")
        self.assertEqual((r["TLB IPIs/s, idle"], r["TLB IPIs/s, busy"]), ("2", "321"))
        self.assertEqual(row(tables["fault_under_writer, 4k pages: CPU use"], tasks=1,
                             label="vanilla-6.1")["TLB IPIs/s, busy"], "—")
        self.assertIn("TLB IPIs/s are x86's TLB shootdown interrupts", md)

    def test_how_idle_and_busy_were_windowed(self):
        md = self.report()[1]
        # Reports from before --windows: sequential.
        self.assertIn("Idle and busy: sequential: a window with the writer idle, then "
                      "one with it busy.", md)
        self.assertNotIn("interleaved", md)
        for label, ratios in self.RATIOS.items():
            for n, v in enumerate(ratios, 1):
                self.put(n, label, v, windows="interleaved", phase_s=1.0, settle_s=0.2)
        md = self.report()[1]
        rounds = md[md.index("## Headline over"):]
        self.assertIn("Idle and busy: interleaved in one window: the writer idle and "
                      "busy in alternate 1 s phases in ABBA order", rounds)
        self.assertIn("each measured after its first 0.2 s", rounds)
        self.assertNotIn("sequential", rounds)
        # The suite's headline (not rounds) is still sequential here.
        self.assertIn("sequential", md[:md.index("## Headline over")])

    def test_no_rounds_no_section(self):
        shutil.rmtree(os.path.join(self.dir, br.ROUNDS_DIR))
        self.assertNotIn("Headline over", self.report()[1])

    def test_headline_has_the_ratio_outside_madvise(self):
        t = self.report()[0]["Headline: fault_under_writer, 4k pages"]
        # Straight from the fixture: busy_idle_ratio_outside_zap 0.9977.
        self.assertEqual(row(t, tasks=1, measure=br.ZAP_MEASURE)["spf-on"], "1.00")
        self.assertEqual(row(t, tasks=1, measure="busy/idle")["spf-on"], "1.00")

    def test_empty_rounds_folder_is_an_error(self):
        for n in (1, 2, 3):
            shutil.rmtree(os.path.join(self.dir, br.ROUNDS_DIR, f"r{n}"))
        res = run(self.dir)
        self.assertEqual(res.returncode, 1)
        self.assertIn("no round folder (r1, r2, ...)", res.stderr)

    def test_round_without_the_headline_workload_is_an_error(self):
        r2 = os.path.join(self.dir, br.ROUNDS_DIR, "r2")
        shutil.rmtree(r2)
        write_json(os.path.join(r2, "spf-on", "pf1-4k.json"), fixture("pf1-4k.json"))
        res = run(self.dir)
        self.assertEqual(res.returncode, 1)
        self.assertIn(f"{r2}: no fault_under_writer 4k report", res.stderr)


class Coverage(unittest.TestCase):
    """The huge-page and swap-in workloads: speculative coverage from the
    per-mode counters, and the rounds' paired ratios of ops/s."""

    # threads ops/s at 2 tasks per label and round: spf-on / spf-off is 2.00
    # in every round (above), spf-on / vanilla-6.1 0.50 (below), spf-on /
    # pervma-6.12 1.0, 1.1, 1.2 (mean 1.10, half-width 4.303 * 0.1 / sqrt(3)
    # = 0.248: level).
    OPS = {"spf-on": (100, 110, 120), "spf-off": (50, 55, 60),
           "vanilla-6.1": (200, 220, 240), "pervma-6.12": (100, 100, 100)}
    SPF = {"spf_attempt": 1000, "spf_abort": 5, "spf_abort_huge_wp": 5}
    VM = {"pgfault": 1040, "pgmajfault": 0, "pswpin": 0, "pswpout": 0}

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bench-report-")
        self.dir = os.path.join(self.tmp, "r")
        with open(ZAP_FIXTURE, encoding="utf-8") as f:
            fuw = json.load(f)
        pf1 = fixture("pf1-4k.json")
        pf1.update(page_size="default", modes=["threads"])
        pf1["results"] = [r for r in pf1["results"] if r["tasks"] == 2]
        del pf1["results"][0]["processes"]
        self.pf1 = pf1
        for label, ops in self.OPS.items():
            spf = label.startswith("spf-")
            write_json(os.path.join(self.dir, label, "pf1-default.json"),
                       self.doc(ops[0], spf))
            for n, v in enumerate(ops, 1):
                top = os.path.join(self.dir, br.ROUNDS_DIR, f"r{n}", label)
                write_json(os.path.join(top, "fuw-4k.json"), fuw)
                write_json(os.path.join(top, "pf1-default.json"), self.doc(v, spf))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def doc(self, ops, spf):
        doc = json.loads(json.dumps(self.pf1))
        m = doc["results"][0]["threads"]
        m.update(mean=ops, samples=[ops] * len(m["samples"]))
        if spf:
            m.update(spf_counters=self.SPF, vm_counters=self.VM)
        return doc

    def report(self):
        res = run(self.dir)
        self.assertEqual(res.returncode, 0, res.stderr)
        return md_tables(res.stdout), res.stdout

    def test_suite_coverage_per_mode(self):
        t = self.report()[0]["Speculative coverage"]
        self.assertEqual(row(t, label="spf-on", workload="page_fault1 default"), {
            "label": "spf-on", "workload": "page_fault1 default", "tasks": "2",
            "mode": "threads", "pgfault": "1040", "spf_attempt": "1000", "spf_abort": "5",
            "speculative % of faults": "95.7", "aborted % of attempts": "0.50"})
        # No counters: no row (vanilla), not a zero.
        self.assertFalse([r for r in t if r["label"] == "vanilla-6.1"])

    def test_no_coverage_without_pgfault(self):
        shutil.rmtree(os.path.join(self.dir, br.ROUNDS_DIR))
        for label in self.OPS:
            write_json(os.path.join(self.dir, label, "pf1-default.json"),
                       self.doc(100, False))
        self.assertNotIn("Speculative coverage", self.report()[0])

    def test_rounds_means_and_paired_ratios(self):
        tables, md = self.report()
        t = tables["Huge pages, swap-in and files over 3 rounds"]
        self.assertEqual(row(t, workload="page_fault1 default", measure="ops/s"), {
            "workload": "page_fault1 default", "tasks": "2", "measure": "ops/s",
            "vanilla-6.1": "220 ± 50", "pervma-6.12": "100 ± 0", "spf-off": "55 ± 12",
            "spf-on": "110 ± 25"})
        p = tables["spf-on against each kernel on these workloads, paired by round"]
        got = {r["against"]: (r["mean"], r["95% interval"], r["spf-on is"]) for r in p}
        self.assertEqual(got, {
            "spf-off": ("2.00", "2.00 … 2.00", "above"),
            "vanilla-6.1": ("0.50", "0.50 … 0.50", "below"),
            "pervma-6.12": ("1.10", "0.85 … 1.35", "level: the interval holds 1")})
        self.assertEqual({r["measure"] for r in p}, {"ops/s: spf-on / it"})

    def test_rounds_coverage_is_summed(self):
        t = self.report()[0]["Speculative coverage over the rounds"]
        self.assertEqual(row(t, label="spf-on"), {
            "workload": "page_fault1 default", "tasks": "2", "label": "spf-on",
            "pgfault": "3120", "spf_attempt": "3000", "spf_abort": "15",
            "speculative % of faults": "95.7", "aborted % of attempts": "0.50"})
        self.assertEqual(len(t), 2)  # spf-on, spf-off: the kernels with counters

    def write_writer_rounds(self, name, **fields):
        """The writer fixture with FIELDS as NAME in each of the 3 rounds:
        busy/idle 0.90, 0.92, 0.94 with SPF on, 0.3 less with SPF off."""
        with open(ZAP_FIXTURE, encoding="utf-8") as f:
            doc = json.load(f)
        doc.update(fields)
        for n, v in enumerate((0.9, 0.92, 0.94), 1):
            for label, d in (("spf-on", 0), ("spf-off", -0.3)):
                doc["results"][0]["busy_idle_ratio"] = v + d
                write_json(os.path.join(self.dir, br.ROUNDS_DIR, f"r{n}", label,
                                        name), doc)

    def test_writer_workload_has_busy_idle_pairs(self):
        self.write_writer_rounds("swap.json", workload="swap_under_writer")
        tables, md = self.report()
        p = tables["spf-on against each kernel on these workloads, paired by round"]
        r = row(p, workload="swap_under_writer 4k", measure="busy/idle: spf-on − it",
                against="spf-off", tasks=1)
        self.assertEqual((r["mean"], r["spf-on is"]), ("+0.30", "above"))
        t = tables["Huge pages, swap-in and files over 3 rounds"]
        self.assertEqual(row(t, workload="swap_under_writer 4k", measure="busy/idle",
                             tasks=1)["spf-on"], "0.92 ± 0.05")
        # Its modes are named as fault_under_writer's.
        run_ = br.load_run("x", os.path.join(self.dir, br.ROUNDS_DIR, "r1", "spf-on",
                                              "swap.json"))
        self.assertEqual(br.mode_name(run_, "threads_writer_idle"), "threads, writer idle")

    def test_file_runs_are_keyed_by_their_file_system(self):
        self.write_writer_rounds("fuw-ext4.json", workload="fault_under_writer",
                                 file_dir="/mnt/ext4", file_fs="ext4")
        tables, md = self.report()
        key = "fault_under_writer, ext4 file 4k"
        self.assertIn(key, br.COVERAGE)
        p = tables["spf-on against each kernel on these workloads, paired by round"]
        r = row(p, workload=key, measure="busy/idle: spf-on − it", against="spf-off",
                tasks=1)
        self.assertEqual((r["mean"], r["spf-on is"]), ("+0.30", "above"))
        # Not mistaken for the anonymous headline.
        run_ = br.load_run("x", os.path.join(self.dir, br.ROUNDS_DIR, "r1", "spf-on",
                                              "fuw-ext4.json"))
        self.assertEqual((run_.title, run_.key), ("fault_under_writer, ext4 file", key))


class Intervals(unittest.TestCase):
    """mean_ci and the t quantiles it uses."""

    def test_known_interval(self):
        mean, half, n = br.mean_ci([1.0, 2.0, 3.0])
        # sd 1, t(2) = 4.303: 4.303 / sqrt(3)
        self.assertEqual((mean, n), (2.0, 3))
        self.assertAlmostEqual(half, 4.303 / math.sqrt(3))

    def test_nan_is_left_out_and_one_value_has_no_width(self):
        mean, half, n = br.mean_ci([math.nan, 0.5])
        self.assertEqual((mean, n), (0.5, 1))
        self.assertTrue(math.isnan(half))
        self.assertEqual(br.mean_ci([])[2], 0)

    def test_t_quantiles(self):
        self.assertEqual((br.t975(1), br.t975(2), br.t975(30), br.t975(31)),
                         (12.706, 4.303, 2.042, 1.960))


class RunToRunSpread(unittest.TestCase):
    """--compare on two synthetic runs whose differences are known exactly.

    Relative differences (this - other) / other, in %, by label (see
    bench-fixtures/README.md for the rates):
      vanilla-6.1 ops/s      pf1 +10 -1 0 +5, pf2 +25 0 -20 -20,
                             fuw +2 0 -10 +20 (12 points)
      vanilla-6.1 thr/proc   pf1 -10 +5, pf2 -20 0
      vanilla-6.1 busy/idle  +2 -25 (0.51/0.50, 0.375/0.50)
      spf-on ops/s           pf1 +30 +30, pf2 +10 0 -10, fuw 0 0 +10 +10 (9 points)
      spf-on thr/proc        pf1 0, pf2 -10;  spf-on busy/idle 0 0
    In one run only: pervma-6.12 (this run), spf-on page_fault1 at 2 tasks
    (this run), spf-on page_fault2 processes at 1 task (this run),
    vanilla-6.1 mmap_churn (other run).
    """

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bench-report-")
        cls.dir = os.path.join(cls.tmp, "this")
        shutil.copytree(SPREAD_THIS, cls.dir)
        cls.res = run(cls.dir, "--compare", SPREAD_OTHER)
        with open(os.path.join(cls.dir, "report.md"), encoding="utf-8") as f:
            cls.md = f.read()
        with open(os.path.join(cls.dir, br.SPREAD_CSV), encoding="utf-8") as f:
            cls.csv = list(csv.DictReader(f))
        cls.tables = md_tables(cls.md)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def summary(self, label, quantity):
        r = row(self.tables["Run-to-run spread"], label=label, quantity=quantity)
        return tuple(r[k] for k in ("points", "median", "p90", "max", "only in this run",
                                    "only in other run"))

    def test_succeeds_prints_and_leaves_the_other_run_alone(self):
        self.assertEqual(self.res.returncode, 0, self.res.stderr)
        self.assertEqual(self.res.stdout, self.md)
        self.assertIn("spread.csv", self.res.stderr)
        self.assertFalse(set(br.OUTPUTS + (br.SPREAD_CSV,)) & set(os.listdir(SPREAD_OTHER)))
        self.assertIn("This run: `this`; other run: `other`", self.md)

    def test_sections_come_after_the_report(self):
        self.assertEqual(list(self.tables)[-3:], [
            "SPF aborts", "Run-to-run spread",
            "Run-to-run spread: fault_under_writer, 4k pages, busy/idle"])

    def test_ops_spread_per_label(self):
        # vanilla |d| sorted: 0 0 0 1 2 5 10 10 20 20 20 25: median (5+10)/2,
        # p90 the 11th (nearest rank ceil(0.9 * 12)), max 25.
        self.assertEqual(self.summary("vanilla-6.1", "ops/s"),
                         ("12", "7.5%", "20.0%", "25.0%", "0", "2"))
        # spf-on: 0 0 0 10 10 10 10 30 30: median the 5th, p90 the 9th.
        self.assertEqual(self.summary("spf-on", "ops/s"),
                         ("9", "10.0%", "30.0%", "30.0%", "3", "0"))
        self.assertEqual(self.summary("pervma-6.12", "ops/s"),
                         ("0", "—", "—", "—", "2", "0"))

    def test_ratio_spread_per_label(self):
        self.assertEqual(self.summary("vanilla-6.1", "threads/processes"),
                         ("4", "7.5%", "20.0%", "20.0%", "0", "1"))
        self.assertEqual(self.summary("vanilla-6.1", "busy/idle"),
                         ("2", "13.5%", "25.0%", "25.0%", "0", "0"))
        self.assertEqual(self.summary("spf-on", "threads/processes"),
                         ("2", "5.0%", "10.0%", "10.0%", "2", "0"))
        self.assertEqual(self.summary("spf-on", "busy/idle"),
                         ("2", "0.0%", "0.0%", "0.0%", "0", "0"))
        self.assertEqual(self.summary("pervma-6.12", "threads/processes"),
                         ("0", "—", "—", "—", "1", "0"))
        self.assertFalse([r for r in self.tables["Run-to-run spread"]
                          if r["label"] == "pervma-6.12" and r["quantity"] == "busy/idle"])

    def test_spread_of_all_labels(self):
        # ops/s, 21 points: six 0, 1, 2, 5, six 10, three 20, 25, 30, 30:
        # median the 11th, p90 the 19th.
        self.assertEqual(self.summary("all", "ops/s"),
                         ("21", "10.0%", "25.0%", "30.0%", "5", "2"))
        self.assertEqual(self.summary("all", "threads/processes"),
                         ("6", "7.5%", "20.0%", "20.0%", "3", "1"))
        self.assertEqual(self.summary("all", "busy/idle"),
                         ("4", "1.0%", "25.0%", "25.0%", "0", "0"))

    def test_busy_idle_side_by_side(self):
        t = self.tables["Run-to-run spread: fault_under_writer, 4k pages, busy/idle"]
        self.assertEqual([(r["label"], r["tasks"], r["this run"], r["other run"],
                           r["difference"]) for r in t], [
            ("vanilla-6.1", "1", "0.51", "0.50", "+2.0%"),
            ("vanilla-6.1", "2", "0.38", "0.50", "-25.0%"),
            ("spf-on", "1", "0.50", "0.50", "+0.0%"),
            ("spf-on", "2", "0.60", "0.60", "+0.0%")])

    def test_points_in_one_run_are_listed(self):
        self.assertIn("Points in one run only: 11:\n\n"
                      "- only in this run: `pervma-6.12` (3 points)\n"
                      "- only in this run: `spf-on` page_fault1 4k, 2 tasks (3 points)\n"
                      "- only in this run: `spf-on` page_fault2, 1 task, ops/s processes\n"
                      "- only in this run: `spf-on` page_fault2, 1 task, threads/processes\n"
                      "- only in other run: `vanilla-6.1` mmap_churn (3 points)\n", self.md)

    def test_labels_match_by_folder_whatever_the_series(self):
        # vanilla-6.1 recorded series "none" in this run and "v2" in the other
        self.assertIn("- `vanilla-6.1`: series none / v2\n", self.md)
        self.assertNotIn("- `spf-on`: ", self.md)

    def test_spread_csv_has_one_row_per_compared_point(self):
        self.assertEqual(len(self.csv), 21 + 6 + 4)
        keys = {(r["label"], r["workload"], r["pages"], r["quantity"], r["mode"], r["tasks"])
                for r in self.csv}
        self.assertEqual(len(keys), len(self.csv))
        self.assertNotIn("pervma-6.12", {r["label"] for r in self.csv})
        r = row(self.csv, label="vanilla-6.1", workload="page_fault1", quantity="ops/s",
                mode="processes", tasks=1)
        self.assertEqual((r["pages"], r["this"], r["other"], r["rel_diff"]),
                         ("4k", "110000.00", "100000.00", "0.100000"))
        r = row(self.csv, label="vanilla-6.1", workload="fault_under_writer",
                quantity="busy/idle", tasks=2)
        self.assertEqual((r["mode"], r["this"], r["other"], r["rel_diff"]),
                         ("", "0.3750", "0.5000", "-0.250000"))
        r = row(self.csv, label="spf-on", workload="page_fault2",
                quantity="threads/processes", tasks=2)
        self.assertEqual((r["pages"], r["this"], r["other"], r["rel_diff"]),
                         ("", "0.9000", "1.0000", "-0.100000"))
        got = sorted(round(abs(float(r["rel_diff"])) * 100, 6) for r in self.csv
                     if r["label"] == "vanilla-6.1" and r["quantity"] == "ops/s")
        self.assertEqual(got, [0, 0, 0, 1, 2, 5, 10, 10, 20, 20, 20, 25])

    def test_percentile_and_difference(self):
        self.assertEqual(br.percentile90(range(1, 11)), 9)
        self.assertEqual(br.percentile90(range(20, 0, -1)), 18)
        self.assertEqual(br.percentile90([3, 1]), 3)
        self.assertEqual(br.percentile90([7]), 7)
        self.assertEqual(br.rel_diff(110000, 100000), 0.1)
        self.assertEqual(br.rel_diff(0, 0), 0)
        self.assertEqual(br.rel_diff(5, 0), math.inf)

    def test_a_run_against_itself(self):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(SPREAD_THIS, os.path.join(tmp, "r"))
            res = run(os.path.join(tmp, "r"), "--compare", SPREAD_THIS)
            self.assertEqual(res.returncode, 0, res.stderr)
            t = md_tables(res.stdout)["Run-to-run spread"]
            self.assertEqual({(r["median"], r["max"]) for r in t}, {("0.0%", "0.0%")})
            self.assertIn("Points in one run only: 0.\n", res.stdout)
            self.assertNotIn("Recorded environment", res.stdout)


class BadInput(unittest.TestCase):
    """Clear errors, exit status 1, and nothing written."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bench-report-")
        self.dir = os.path.join(self.tmp, "r")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def fails(self, message, *extra):
        res = run(self.dir, *extra)
        self.assertEqual(res.returncode, 1, res.stderr)
        self.assertIn(message, res.stderr)
        self.assertTrue(res.stderr.startswith("bench_report: "), res.stderr)
        self.assertEqual(res.stdout, "")
        if os.path.isdir(self.dir):
            self.assertFalse(set(br.OUTPUTS) & set(os.listdir(self.dir)))
        return res.stderr

    def test_missing_folder(self):
        self.fails("r: no such folder")

    def test_no_json(self):
        os.makedirs(os.path.join(self.dir, "vanilla-6.1"))
        shutil.copy(os.path.join(FIXTURES, "pf1-4k.csv"), os.path.join(self.dir, "vanilla-6.1"))
        self.fails("no spfbench JSON report found")

    def test_other_json_is_ignored(self):
        write_json(os.path.join(self.dir, "vanilla-6.1", "x.json"), {"tool": "other"})
        err = self.fails("no spfbench JSON report found")
        self.assertIn("x.json: not a spfbench report, ignored", err)

    def test_malformed_json(self):
        make_results(self.dir)
        path = os.path.join(self.dir, "spf-on", "pf2.json")
        with open(path, "r+", encoding="utf-8") as f:
            f.truncate(100)
        self.fails(f"{path}: malformed JSON: ")

    def test_report_without_a_key(self):
        make_results(self.dir)
        path = os.path.join(self.dir, "spf-on", "pf3.json")
        doc = fixture("pf3.json")
        del doc["results"][1]["processes"]["stddev"]
        write_json(path, doc)
        self.fails(f"{path}: malformed spfbench report: no 'stddev'")

    def test_report_with_a_bad_value(self):
        make_results(self.dir)
        path = os.path.join(self.dir, "spf-on", "pf3.json")
        doc = fixture("pf3.json")
        doc["results"][0]["threads"]["mean"] = "fast"
        write_json(path, doc)
        self.fails(f"{path}: malformed spfbench report: bad 'fast' is not a number")

    def test_two_reports_of_one_workload(self):
        make_results(self.dir)
        shutil.copy(os.path.join(FIXTURES, "pf1-4k.json"),
                    os.path.join(self.dir, "spf-off", "again.json"))
        self.fails("page_fault1 4k already given by")

    def test_unknown_baseline(self):
        make_results(self.dir)
        err = self.fails("baseline label 'vanilla-6.12' not found", "--baseline", "vanilla-6.12")
        self.assertIn("labels: spf-off, spf-on, vanilla-6.1 (choose one with --baseline)", err)

    def test_default_baseline_absent(self):
        make_results(self.dir)
        shutil.rmtree(os.path.join(self.dir, "vanilla-6.1"))
        self.fails("baseline label 'vanilla-6.1' not found")

    def test_refuses_to_overwrite(self):
        make_results(self.dir)
        with open(os.path.join(self.dir, "scaling.svg"), "w", encoding="utf-8") as f:
            f.write("keep me\n")
        res = run(self.dir)
        self.assertEqual(res.returncode, 1)
        self.assertIn("refusing to overwrite", res.stderr)
        self.assertIn("scaling.svg", res.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "report.md")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "summary.csv")))
        with open(os.path.join(self.dir, "scaling.svg"), encoding="utf-8") as f:
            self.assertEqual(f.read(), "keep me\n")

    def test_second_run_refuses(self):
        make_results(self.dir)
        self.assertEqual(run(self.dir).returncode, 0)
        res = run(self.dir)
        self.assertEqual(res.returncode, 1)
        self.assertIn("refusing to overwrite", res.stderr)

    def test_compare_folder_missing(self):
        make_results(self.dir)
        self.fails("nowhere: no such folder", "--compare", os.path.join(self.tmp, "nowhere"))

    def test_compare_refuses_to_overwrite_spread_csv(self):
        make_results(self.dir)
        with open(os.path.join(self.dir, br.SPREAD_CSV), "w", encoding="utf-8") as f:
            f.write("keep me\n")
        res = run(self.dir, "--compare", SPREAD_OTHER)
        self.assertEqual(res.returncode, 1)
        self.assertIn(f"refusing to overwrite {os.path.join(self.dir, br.SPREAD_CSV)}",
                      res.stderr)
        self.assertFalse(set(br.OUTPUTS) & set(os.listdir(self.dir)))

    def test_bad_usage(self):
        res = run()
        self.assertEqual(res.returncode, 2)
        self.assertIn("usage:", res.stderr)


if __name__ == "__main__":
    tap_unittest.main(__name__, summary=True)
