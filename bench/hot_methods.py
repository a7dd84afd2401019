#!/usr/bin/env python3
"""Functions that ran, from callgrind output files, hottest first: one symbol name per line.

usage: hot_methods.py callgrind.out... > hot-methods.txt

Callgrind writes each function's name once ("fn=(12) name") and then only its number ("fn=(12)").
A function's own cost is the sum of the cost lines under its fn= block, less the lines that follow a
calls= line (those are the callee's inclusive cost). Names from several files (several watchdogs,
each in its own mode) are merged by adding their costs.
"""
import re
import sys
from collections import defaultdict

NAME = re.compile(r"^(c?fn)=\((\d+)\)(?: (.*))?$")


def self_costs(path):
    names, costs = {}, defaultdict(int)
    current, skip_next = None, False
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            line = line.rstrip("\n")
            match = NAME.match(line)
            if match:
                kind, number, name = match.groups()
                if name:
                    names[number] = name
                if kind == "fn":
                    current = number
                costs.setdefault(number, 0)  # a called function ran, even if it cost nothing itself
                continue
            if line.startswith("calls="):
                skip_next = True
                continue
            if current is not None and line[:1] and (line[:1].isdigit() or line[:1] in "+-*"):
                if skip_next:
                    skip_next = False
                    continue
                fields = line.split()
                if len(fields) >= 2 and fields[1].isdigit():
                    costs[current] += int(fields[1])
    merged = defaultdict(int)
    for number, cost in costs.items():
        name = names.get(number)
        if name:
            merged[re.sub(r"'\d+$", "", name)] += cost  # "'2": callgrind's recursion-cycle copy
    return merged


def main(paths):
    total = defaultdict(int)
    for path in paths:
        for name, cost in self_costs(path).items():
            total[name] += cost
    # The AOT compiler orders only its own (managed) methods and skips names it does not know; leave
    # out what is surely not one of them: addresses of unnamed stubs, callgrind's pseudo-frames and
    # the runtime's C++ functions.
    names = [n for n in total if not n.startswith(("0x", "(")) and not any(c in n for c in " :()")]
    for name in sorted(names, key=lambda n: (-total[n], n)):
        print(name)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
