#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every relative link in the repository's documentation resolves.

Checks README.md, docs/*.md, mutant-results/README.md and
benchmark-results/README.md: each inline link [text](target) outside
code must name a file or folder that exists, and a #fragment must name a
heading of the target Markdown file (GitHub's slug: lowercase, every
character but letters, digits, '_', '-' and space dropped, spaces turned
into '-', '-1', '-2'... for repeats) or an explicit <a id="..."> in it.
Links with a scheme (https:, mailto:) are not followed.

Prints TAP: one "ok N name" or "not ok N name" per test.
"""

import glob
import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import tap_unittest  # noqa: E402

DOCS = ["README.md", "docs/*.md", "mutant-results/README.md",
        "benchmark-results/README.md"]

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
ANCHOR = re.compile(r"<a\s+(?:[^>]*\s)?(?:id|name)=\"([^\"]+)\"", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def scan(path):
    """Return (anchors, links) of a Markdown file; links as (line, target)."""
    anchors, seen, text = set(), {}, []
    fenced = False
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
            text.append("")
            continue
        if fenced:
            text.append("")
            continue
        anchors.update(ANCHOR.findall(line))
        m = HEADING.match(line)
        if m:
            s = slug(m.group(2))
            k = seen.get(s, 0)
            seen[s] = k + 1
            anchors.add(s if k == 0 else f"{s}-{k}")
        text.append(CODE_SPAN.sub("", line))
    # Links may wrap: search the text outside fences, code spans removed,
    # and count lines up to each match.
    body = "\n".join(text)
    links = [(body.count("\n", 0, m.start()) + 1, m.group(1))
             for m in LINK.finditer(body)]
    return anchors, links


def broken_links(top, patterns):
    """Every link of the files that patterns name under top that does not
    resolve, as 'file:line: target (why)'."""
    bad, cache = [], {}

    def scanned(path):
        if path not in cache:
            cache[path] = scan(path)
        return cache[path]

    files = sorted({p for pat in patterns for p in glob.glob(os.path.join(top, pat))})
    for path in files:
        rel = os.path.relpath(path, top)
        for line, target in scanned(path)[1]:
            if SCHEME.match(target):
                continue
            where, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(path), where)) if where else path
            if not os.path.exists(dest):
                bad.append(f"{rel}:{line}: {target} (no such file)")
            elif frag and dest.endswith(".md") and frag not in scanned(dest)[0]:
                bad.append(f"{rel}:{line}: {target} (no heading or anchor '{frag}')")
    return files, bad


class Slugs(unittest.TestCase):
    """The slug rule on headings of the kind the docs use."""

    def test_punctuation_and_code(self):
        self.assertEqual(slug("What `make check` does"), "what-make-check-does")
        self.assertEqual(slug("PREEMPT_RT (2026-12-03, series v7 + 28-34)"),
                         "preempt_rt-2026-12-03-series-v7--28-34")
        self.assertEqual(slug("Can the tests fail?"), "can-the-tests-fail")

    def test_repeated_headings(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.md")
            with open(p, "w", encoding="utf-8") as f:
                f.write("# A\n## Results\n## Results\n```\n# not a heading\n```\n")
            anchors = scan(p)[0]
        self.assertEqual(anchors, {"a", "results", "results-1"})


class CheckerFails(unittest.TestCase):
    """The check reports what it must: a missing file, a missing anchor."""

    def test_reports_broken_links(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "docs"))
            with open(os.path.join(d, "README.md"), "w", encoding="utf-8") as f:
                f.write("# Top\n\n<a id=\"kept\"></a>\n## Old title\n\n"
                        "[ok](docs/x.md#y) [ok](#kept) [ok](#old-title) [ok](docs/)\n"
                        "[gone](docs/none.md) [bad anchor](docs/x.md#z)\n"
                        "[wrapped\ntext](#nowhere) `[code](#not-a-link)`\n"
                        "[web](https://example.org/#x)\n")
            with open(os.path.join(d, "docs", "x.md"), "w", encoding="utf-8") as f:
                f.write("# Y\n")
            bad = broken_links(d, ["README.md", "docs/*.md"])[1]
        self.assertEqual(bad, [
            "README.md:7: docs/none.md (no such file)",
            "README.md:7: docs/x.md#z (no heading or anchor 'z')",
            "README.md:9: #nowhere (no heading or anchor 'nowhere')",
        ])


class RepositoryDocs(unittest.TestCase):
    """The links of this repository's documentation."""

    def test_links_resolve(self):
        files, bad = broken_links(TOP, DOCS)
        self.assertIn(os.path.join(TOP, "README.md"), files)
        self.assertEqual(bad, [], "broken links:\n" + "\n".join(bad))


if __name__ == "__main__":
    tap_unittest.main(__name__)
