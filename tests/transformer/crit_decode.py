#!/usr/bin/python3
"""Decode every CRIU image in a directory with CRIU's own pycriu (what
`crit decode` runs) and print {file name: decoded image} as JSON. Raw
pages-*.img files carry no magic and are skipped, as crit does."""
import json
import os
import sys

import pycriu.images

out = {}
directory = sys.argv[1]
for name in sorted(os.listdir(directory)):
    if not name.endswith(".img") or name.startswith("pages-"):
        continue
    with open(os.path.join(directory, name), "rb") as f:
        out[name] = pycriu.images.load(f, pretty=True)
json.dump(out, sys.stdout)
