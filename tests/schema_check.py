#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Validate NDJSON pp records against share/schema/<type>.schema.json.

usage: schema_check.py SCHEMA-DIR [FILE ...]   (no FILE: stdin; .gz read)
Prints one line per invalid record ("FILE:LINE: reason") and a summary;
exits 1 when any record is invalid or a type has no schema (unless
--allow-unknown), 0 otherwise."""
import gzip
import json
import os
import sys

import jsonschema


def main(argv):
    allow_unknown = "--allow-unknown" in argv
    argv = [a for a in argv if a != "--allow-unknown"]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sdir, files = argv[1], argv[2:] or ["-"]
    validators = {}
    for name in os.listdir(sdir):
        if name.endswith(".schema.json"):
            with open(os.path.join(sdir, name)) as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
            validators[name[: -len(".schema.json")]] = \
                jsonschema.Draft202012Validator(schema)
    bad = checked = 0
    for path in files:
        if path == "-":
            stream = sys.stdin
        else:
            with open(path, "rb") as f:
                magic = f.read(2)
            stream = (gzip.open(path, "rt") if magic == b"\x1f\x8b"
                      else open(path))
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            where = "%s:%d" % (path, n)
            try:
                rec = json.loads(line)
            except ValueError as e:
                print("%s: not JSON: %s" % (where, e))
                bad += 1
                continue
            t = rec.get("type") if isinstance(rec, dict) else None
            v = validators.get(t)
            if v is None:
                if not allow_unknown:
                    print("%s: no schema for type %r" % (where, t))
                    bad += 1
                continue
            errors = sorted(v.iter_errors(rec), key=lambda e: e.path)
            checked += 1
            if errors:
                bad += 1
                print("%s: %s" % (where, errors[0].message))
    print("schema_check: %d records checked, %d invalid" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
