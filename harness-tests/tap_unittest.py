# SPDX-License-Identifier: GPL-2.0
"""Run a module's unittest cases with one TAP line per test, for run.sh."""

import sys
import unittest


class TapResult(unittest.TextTestResult):
    """Print one TAP line per test as it finishes."""

    n = 0

    def _tap(self, test, ok, why=""):
        TapResult.n += 1
        name = f"{type(test).__name__}.{getattr(test, '_testMethodName', test)}"
        print(f"{'ok' if ok else 'not ok'} {TapResult.n} {name}{why}", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._tap(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._tap(test, False)

    def addError(self, test, err):
        super().addError(test, err)
        self._tap(test, False, " # error")


def main(module_name, summary=False):
    """Run the tests of module_name as TAP; exit 0 if all passed.

    With summary, also print a last line "N passed, N failed".
    """
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    print(f"1..{suite.countTestCases()}")
    runner = unittest.TextTestRunner(stream=sys.stderr, resultclass=TapResult, verbosity=0)
    res = runner.run(suite)
    if summary:
        failed = len(res.failures) + len(res.errors)
        print(f"{res.testsRun - failed} passed, {failed} failed", flush=True)
    sys.exit(0 if res.wasSuccessful() else 1)
