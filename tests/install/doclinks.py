#!/usr/bin/env python3
"""Every relative link of the user documentation resolves: the file exists
and a #anchor names one of its headings (GitHub's rule: lower case, spaces
to '-', punctuation dropped).  Prints each broken link; exit 1 if any.

    doclinks.py FILE.md...
"""
import os, re, sys

def anchors(path):
    out = set()
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^#+ (.*)", line)
        if m:
            out.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return out

bad = 0
for f in sys.argv[1:]:
    for m in re.finditer(r"\]\(([^)\s]+)\)", open(f, encoding="utf-8").read()):
        link = m.group(1)
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(target):
            print("%s: link to '%s': no such file" % (f, link))
            bad = 1
        elif anchor and os.path.isfile(target) and anchor not in anchors(target):
            print("%s: link to '%s': no such heading" % (f, link))
            bad = 1
sys.exit(bad)
