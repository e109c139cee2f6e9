#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests for scripts/parse_console.py on recorded console logs.

Prints TAP: one "ok N name" or "not ok N name" per test.
"""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import parse_console as pc  # noqa: E402
import tap_unittest  # noqa: E402


def load(name):
    with open(os.path.join(HERE, "logs", name), encoding="utf-8") as f:
        return f.read()


def statuses(text, known=None):
    return list(pc.verdicts(pc.Console(text), known or {}))


def by_status(rows, status):
    return [n for s, n, _ in rows if s == status]


KNOWN_X86 = os.path.join(HERE, "..", "guest", "known-failures", "x86_64.txt")


class CleanRun(unittest.TestCase):
    """A real x86_64 run of the whole plan on the unpatched base."""

    def setUp(self):
        self.text = load("clean.log")
        self.rows = statuses(self.text, pc.load_known(KNOWN_X86))

    def test_clean_run_has_no_failure(self):
        self.assertEqual(by_status(self.rows, "FAIL"), [])

    def test_clean_run_without_known_list_shows_the_known_failure(self):
        self.assertEqual(by_status(statuses(self.text), "FAIL"), ["vm/split_huge_page_test"])

    def test_clean_run_reaches_init_and_finishes(self):
        con = pc.Console(self.text)
        self.assertTrue(con.init_reached)
        self.assertTrue(con.plan_done)
        self.assertEqual(len(con.tests), con.planned)

    def test_clean_run_counts_kunit_cases(self):
        names = by_status(self.rows, "PASS")
        self.assertTrue(any(n.startswith("kunit/list-kunit-test/") for n in names), names)

    def test_clean_run_counts_plan_tests(self):
        self.assertIn("vm/madv_populate", by_status(self.rows, "PASS"))

    def test_truncated_run_fails_the_plan(self):
        cut = self.text[:self.text.index(pc.PLAN_DONE)]
        rows = statuses(cut)
        self.assertIn("plan", by_status(rows, "FAIL"))

    def test_missing_result_fails_the_plan(self):
        lines = self.text.splitlines()
        drop = next(i for i, l in enumerate(lines) if l.startswith("ok 1 "))
        rows = statuses("\n".join(lines[:drop] + lines[drop + 1:]))
        self.assertIn("plan", by_status(rows, "FAIL"))

    def test_splat_in_clean_run_fails_it(self):
        text = self.text.replace(
            pc.PLAN_DONE,
            "[   12.345678] WARNING: CPU: 1 PID: 77 at mm/memory.c:4242 do_fault+0x1/0x2\n"
            + pc.PLAN_DONE)
        self.assertIn("splat", by_status(statuses(text), "FAIL"))


class FailingRun(unittest.TestCase):
    def setUp(self):
        self.text = load("failing.log")

    def test_failing_test_is_reported(self):
        self.assertIn("vm/userfaultfd-anon", by_status(statuses(self.text), "FAIL"))

    def test_known_failure_becomes_xfail(self):
        rows = statuses(self.text, {"vm/userfaultfd-anon": "no uffd-wp"})
        self.assertNotIn("vm/userfaultfd-anon", by_status(rows, "FAIL"))
        self.assertIn("vm/userfaultfd-anon", by_status(rows, "XFAIL"))

    def test_known_failure_that_passes_is_xpass(self):
        rows = statuses(self.text, {"vm/madv_populate": "listed by mistake"})
        self.assertIn("vm/madv_populate", by_status(rows, "XPASS"))

    def test_failure_says_why(self):
        why = pc.Console(self.text).why["vm/userfaultfd-anon"]
        self.assertTrue(any("UFFDIO_API failed" in l for l in why), why)
        self.assertFalse(any("running" in l or "mlock2" in l for l in why), why)

    def test_exit_status_is_one(self):
        with tempfile.NamedTemporaryFile("w", suffix=".log") as f:
            f.write(self.text)
            f.flush()
            self.assertEqual(pc.main([f.name, "--verdicts", os.devnull]), 1)


class KasanRun(unittest.TestCase):
    def setUp(self):
        self.text = load("kasan.log")
        self.rows = statuses(self.text)

    def test_kasan_splat_fails_the_run(self):
        splats = [d for s, n, d in self.rows if s == "FAIL" and n == "splat"]
        self.assertEqual(len(splats), 1, splats)
        self.assertIn("KASAN", splats[0])

    def test_tests_themselves_passed(self):
        fails = [n for n in by_status(self.rows, "FAIL") if n != "splat"]
        self.assertEqual(fails, [])


class HungGuest(unittest.TestCase):
    def test_guest_that_never_reaches_init(self):
        rows = statuses(load("hang.log"))
        self.assertEqual(rows, [("FAIL", "boot", "the guest never reached init")])


class Unit(unittest.TestCase):
    def test_test_output_is_not_a_splat(self):
        text = (f"{pc.INIT_REACHED}\n{pc.PLAN_BEGIN}\n1..1\n"
                "# BUG: the test printed this itself\nok 1 t\n"
                f"{pc.PLAN_DONE}\n")
        self.assertEqual(by_status(statuses(text), "FAIL"), [])

    def test_result_glued_to_output_still_counts(self):
        # The init ends every output line itself; a result is always at
        # the start of a line. Unterminated output must not hide it.
        text = (f"{pc.INIT_REACHED}\n{pc.PLAN_BEGIN}\n1..1\n"
                "# partial\nnot ok 1 t # exit=1\n"
                f"{pc.PLAN_DONE}\n")
        self.assertEqual(by_status(statuses(text), "FAIL"), ["t"])

    def test_failed_subtest_and_its_log_are_kept(self):
        out = "".join(f"# # line {i}\n" for i in range(20))
        text = (f"{pc.INIT_REACHED}\n{pc.PLAN_BEGIN}\n1..2\n"
                "# running t: ./t\n# ok 1 a\n" + out +
                "# # spf_race.c:42:b:writer: page 3 holds 0x1\n"
                "# not ok 2 b\n# ok 3 c\n" + out +
                "not ok 1 t # exit=1\n# running u: ./u\nok 2 u\n"
                f"{pc.PLAN_DONE}\n")
        con = pc.Console(text)
        self.assertEqual(con.why["t"][-2:], ["# # spf_race.c:42:b:writer: page 3 holds 0x1",
                                             "# not ok 2 b"])
        self.assertEqual(len(con.why["t"]), pc.WHY_BEFORE + 1)
        self.assertNotIn("u", con.why)

    def test_skip_is_not_a_pass(self):
        text = (f"{pc.INIT_REACHED}\n{pc.PLAN_BEGIN}\n1..1\n"
                "ok 1 t # SKIP exit code 4\n"
                f"{pc.PLAN_DONE}\n")
        self.assertEqual(by_status(statuses(text), "SKIP"), ["t"])

    def test_call_trace_without_header_is_a_splat(self):
        text = (f"[    1.0] Call Trace:\n[    1.0]  <TASK>\n{pc.INIT_REACHED}\n"
                f"{pc.PLAN_BEGIN}\n1..0\n{pc.PLAN_DONE}\n")
        self.assertIn("splat", by_status(statuses(text), "FAIL"))

    def test_kunit_suite_missing_fails(self):
        text = ("[    0.1] KTAP version 1\n[    0.1] 1..2\n"
                "[    0.1]     KTAP version 1\n[    0.1]     # Subtest: s\n"
                "[    0.1]     1..1\n[    0.1]     ok 1 c\n[    0.1] ok 1 s\n"
                f"{pc.INIT_REACHED}\n{pc.PLAN_BEGIN}\n1..0\n{pc.PLAN_DONE}\n")
        rows = statuses(text)
        self.assertIn("kunit/s/c", by_status(rows, "PASS"))
        self.assertIn("kunit", by_status(rows, "FAIL"))

    def test_known_failure_needs_a_reason(self):
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("vm/foo\n")
            f.flush()
            with self.assertRaises(ValueError):
                pc.load_known(f.name)


if __name__ == "__main__":
    tap_unittest.main(__name__)
