#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a guest's console log into test verdicts.

The console holds three things: the kernel's own messages (KUnit's KTAP
among them), the TAP that the guest's init prints between the markers
"SPF-GUEST: begin plan" and "SPF-GUEST: plan done", and, possibly, kernel
splats. Every splat fails the run, whatever the tests said.

Usage: parse_console.py CONSOLE [--known FILE]... [--verdicts FILE]

Verdict lines are "STATUS<TAB>NAME<TAB>DETAIL" with STATUS one of PASS,
FAIL, SKIP, XFAIL (a known failure of the unpatched base, with its reason)
and XPASS (a known failure that passed: the list needs updating). Exit
status: 0 when nothing failed, 1 otherwise, 2 on bad usage.
"""

import argparse
import re
import sys

INIT_REACHED = "SPF-GUEST: init reached"
PLAN_BEGIN = "SPF-GUEST: begin plan"
PLAN_DONE = "SPF-GUEST: plan done"

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP_RESULT = re.compile(r"^(not ok|ok)\s+(\d+)\s+(?:-\s+)?([^#]*?)\s*(?:#\s*(.*))?$")
TAP_PLAN = re.compile(r"^1\.\.(\d+)")
SUBTEST = re.compile(r"^# Subtest:\s*(\S+)")

# The first line of a kernel splat. "Call Trace:" alone also counts, when
# no header came shortly before it (a dump_stack() from a bad path).
SPLAT_HEADERS = [re.compile(p) for p in (
    r"\bBUG: ",
    r"\bWARNING: ",
    r"\bOops\b",
    r"\bKASAN: ",
    r"\bUBSAN: ",
    r"\bKFENCE: ",
    r"kernel BUG at ",
    r"general protection fault",
    r"Unable to handle kernel ",
    r"Internal error: ",
    r"Kernel panic",
    r"INFO: task .* blocked for more than",
    r"INFO: .*detected stall",
    r"rcu: .*self-detected stall",
    r"soft lockup - CPU",
    r"hard LOCKUP",
    r"possible circular locking dependency",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"suspicious RCU usage",
)]
CALL_TRACE = re.compile(r"\bCall [Tt]race:")
SPLAT_CONTEXT = 60

# What a failed program printed that says why: each nested "not ok" with
# the lines before it (kselftest_harness.h logs the failed assertion and
# TH_LOG() there), or the end of its output when it printed no nested TAP.
RUNNING = re.compile(r"^# running (\S+):")
NESTED_NOT_OK = re.compile(r"^#(?: #)? not ok\b")
WHY_BEFORE = 4
WHY_TAIL = 6
WHY_MAX = 24


def strip_ts(line):
    """Drop the printk time stamp, if any."""
    return TIMESTAMP.sub("", line.rstrip("\r\n"))


def load_known(*paths):
    """Known failures: 'name reason...' per line, # comments allowed."""
    known = {}
    for path in paths:
        known.update(_load_known_file(path))
    return known


def _load_known_file(path):
    known = {}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                raise ValueError(f"{path}: known failure '{parts[0]}' gives no reason")
            known[parts[0]] = parts[1]
    return known


class Console:
    """What a console log says."""

    def __init__(self, text):
        self.lines = [strip_ts(l) for l in text.splitlines()]
        self.init_reached = any(INIT_REACHED in l for l in self.lines)
        self.plan_begun = any(l.startswith(PLAN_BEGIN) for l in self.lines)
        self.plan_done = any(l.startswith(PLAN_DONE) for l in self.lines)
        self.kunit = []      # (name, ok, directive)
        self.kunit_errors = []
        self.tests = []      # (name, ok, directive)
        self.planned = None
        self.why = {}        # failed test name -> lines of its output
        self.splats = []     # (line number, first line, context)
        self._parse_kunit()
        self._parse_plan()
        self._find_splats()

    def _parse_kunit(self):
        """Collect KUnit test cases from the kernel's KTAP."""
        end = next((i for i, l in enumerate(self.lines) if INIT_REACHED in l),
                   len(self.lines))
        suites_planned = None
        suites_seen = 0
        suite = None
        in_ktap = False
        for line in self.lines[:end]:
            body = line.lstrip(" ")
            indent = len(line) - len(body)
            if indent == 0 and body.startswith("KTAP version"):
                in_ktap = True
                continue
            if not in_ktap:
                continue
            m = SUBTEST.match(body)
            if m and indent == 4:
                suite = m.group(1)
                continue
            m = TAP_PLAN.match(body)
            if m and indent == 0 and suites_planned is None:
                suites_planned = int(m.group(1))
                continue
            m = TAP_RESULT.match(body)
            if not m:
                continue
            ok = m.group(1) == "ok"
            if indent == 4 and suite:
                self.kunit.append((f"kunit/{suite}/{m.group(3)}", ok, m.group(4) or ""))
            elif indent == 0:
                suites_seen += 1
                if not ok and not any(n.startswith(f"kunit/{m.group(3)}/")
                                      for n, _, _ in self.kunit):
                    self.kunit.append((f"kunit/{m.group(3)}", ok, m.group(4) or ""))
                suite = None
        if suites_planned is not None and suites_seen < suites_planned:
            self.kunit_errors.append(
                f"KUnit planned {suites_planned} suites but reported {suites_seen}")

    def _parse_plan(self):
        """Collect the init's TAP results."""
        inside = False
        output = []
        for line in self.lines:
            if line.startswith(PLAN_BEGIN):
                inside = True
                continue
            if line.startswith(PLAN_DONE):
                break
            if not inside:
                continue
            m = TAP_PLAN.match(line)
            if m and self.planned is None:
                self.planned = int(m.group(1))
                continue
            if RUNNING.match(line):
                output = []
                continue
            if line.startswith("# "):
                output.append(line)
                continue
            m = TAP_RESULT.match(line)
            if m:
                ok = m.group(1) == "ok"
                self.tests.append((m.group(3), ok, m.group(4) or ""))
                if not ok:
                    self.why[m.group(3)] = why_failed(output)
                output = []

    def _find_splats(self):
        last_header = -SPLAT_CONTEXT - 1
        for i, line in enumerate(self.lines):
            # The init prefixes test programs' output with "# ": what a
            # test prints is not a kernel message.
            if line.startswith("# "):
                continue
            header = any(p.search(line) for p in SPLAT_HEADERS)
            trace = CALL_TRACE.search(line) is not None
            if header or (trace and i - last_header > SPLAT_CONTEXT):
                ctx = self.lines[i:i + 12]
                self.splats.append((i + 1, line.strip(), ctx))
                last_header = i


def why_failed(output):
    """The lines of a failed program's output that say why it failed."""
    keep = set()
    for i, line in enumerate(output):
        if NESTED_NOT_OK.match(line):
            keep.update(range(max(0, i - WHY_BEFORE), i + 1))
    if not keep:
        keep = set(range(max(0, len(output) - WHY_TAIL), len(output)))
    return [output[i] for i in sorted(keep)][:WHY_MAX]


def verdicts(con, known):
    """Yield (status, name, detail) for everything the console shows."""
    if not con.init_reached:
        yield ("FAIL", "boot", "the guest never reached init")
        return
    yield ("PASS", "boot", "init reached")
    for err in con.kunit_errors:
        yield ("FAIL", "kunit", err)
    for name, ok, directive in con.kunit + con.tests:
        skip = directive.upper().startswith("SKIP")
        if name in known:
            if ok and not skip:
                yield ("XPASS", name, f"listed as a known failure ({known[name]}) but passed")
            else:
                yield ("XFAIL", name, known[name])
        elif skip:
            yield ("SKIP", name, directive)
        elif ok:
            yield ("PASS", name, directive)
        else:
            yield ("FAIL", name, directive)
    if not con.plan_begun:
        yield ("FAIL", "plan", "the test plan never started")
    elif not con.plan_done:
        last = con.tests[-1][0] if con.tests else "nothing"
        yield ("FAIL", "plan", f"the guest stopped before the plan ended (last result: {last})")
    elif con.planned is not None and len(con.tests) != con.planned:
        yield ("FAIL", "plan", f"planned {con.planned} tests, got {len(con.tests)} results")
    for lineno, first, _ in con.splats:
        yield ("FAIL", "splat", f"console line {lineno}: {first[:160]}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("console")
    ap.add_argument("--known", action="append", default=[],
                    help="known failures of the unpatched base (may repeat)")
    ap.add_argument("--verdicts", help="write verdict lines here")
    ap.add_argument("--prefix", default="", help="prefix for every test name")
    args = ap.parse_args(argv)
    try:
        with open(args.console, encoding="utf-8", errors="replace") as f:
            con = Console(f.read())
        known = load_known(*args.known)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rows = [(s, args.prefix + n, d) for s, n, d in verdicts(con, known)]
    if args.verdicts:
        with open(args.verdicts, "w", encoding="utf-8") as f:
            for row in rows:
                f.write("\t".join(row) + "\n")
    for s, n, d in rows:
        if s not in ("PASS",):
            print(f"  {s:5} {n}: {d}")
        if s == "FAIL":
            for l in con.why.get(n[len(args.prefix):], []):
                print(f"    | {l}")
    for lineno, first, ctx in con.splats:
        print(f"  splat at console line {lineno}:")
        for l in ctx:
            print(f"    | {l}")
    counts = {k: sum(1 for r in rows if r[0] == k) for k in ("PASS", "FAIL", "SKIP", "XFAIL", "XPASS")}
    print("  " + ", ".join(f"{v} {k.lower()}" for k, v in counts.items()))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
