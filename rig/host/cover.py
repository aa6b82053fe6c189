#!/usr/bin/env python3
"""Carry the subject and blurb of an existing cover letter into a new one.

usage: cover.py OLD NEW   (NEW is rewritten in place)
"""
import re
import sys


def parts(text):
    subj = re.search(r'^Subject: \[(?:RFC )?PATCH[^\]]*\] (.*(?:\n .*)*)', text, re.M)
    head, _, body = text.partition('\n\n')
    # The blurb ends where git's shortlog starts ("Name (N):").
    m = re.search(r'^\S.* \(\d+\):$', body, re.M)
    blurb = body[:m.start()] if m else body
    return subj.group(1) if subj else None, blurb


old = open(sys.argv[1]).read()
new = open(sys.argv[2]).read()
subj, blurb = parts(old)
_, newblurb = parts(new)
if subj and '*** SUBJECT HERE ***' in new:
    new = new.replace('*** SUBJECT HERE ***', subj, 1)
if '*** BLURB HERE ***' in newblurb:
    new = new.replace(newblurb, blurb, 1)
open(sys.argv[2], 'w').write(new)
