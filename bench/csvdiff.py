#!/usr/bin/env python3
"""How a re-run's results CSV compares with a chapter's committed one (bench/experiments).

    csvdiff.py RUN.csv CHAPTER.csv KEYS

Rows are matched on their first KEYS columns (the run's settings: arm or label, β, seed, update, ...); the re-run may
hold fewer rows than the chapter (fewer seeds). Prints one line: "identical (N rows)", or how many cells differ, the
largest absolute difference and where. Exit status 0 when identical, 1 when anything differs, 2 on bad input.
"""
import csv
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        sys.exit(f"csvdiff: {path} is empty")
    return rows[0], rows[1:]


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        sys.exit(2)
    run_path, chapter_path, keys = sys.argv[1], sys.argv[2], int(sys.argv[3])
    run_header, run_rows = read(run_path)
    chapter_header, chapter_rows = read(chapter_path)
    if run_header != chapter_header:
        print(f"columns differ: {','.join(run_header)} against the chapter's {','.join(chapter_header)}")
        sys.exit(1)
    chapter = {tuple(r[:keys]): r for r in chapter_rows}
    missing, differing_rows, cells = 0, 0, 0
    largest, where = -1.0, ""
    for r in run_rows:
        c = chapter.get(tuple(r[:keys]))
        if c is None:
            missing += 1
            continue
        differs = False
        for name, a, b in zip(run_header, r, c):
            if a == b:
                continue
            differs = True
            cells += 1
            try:
                d = abs(float(a) - float(b))
            except ValueError:
                d = float("inf")
            if d > largest:
                largest, where = d, f"{name} {b} → {a} ({'/'.join(r[:keys])})"
        differing_rows += differs
    if missing == 0 and differing_rows == 0:
        print(f"identical ({len(run_rows)} rows)")
        return
    parts = []
    if differing_rows:
        parts.append(f"{differing_rows} of {len(run_rows)} rows differ in {cells} cells, the largest {where}")
    if missing:
        parts.append(f"{missing} rows not in the chapter's file")
    print("; ".join(parts))
    sys.exit(1)


if __name__ == "__main__":
    main()
