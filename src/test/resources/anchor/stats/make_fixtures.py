#!/usr/bin/env python3
"""Writes stats-fixtures.json, the values StatsKitTest checks anchor.stats against: Student's t (scipy.stats.t.cdf
and .ppf), paired t (scipy.stats.ttest_rel and the t interval of the mean difference) and Holm's step-down adjusted
p-values (written out here by hand, as Holm 1979 defines them; scipy has none). Run once with scipy; no test runs it.
    python3 src/test/resources/anchor/stats/make_fixtures.py > src/test/resources/anchor/stats/stats-fixtures.json
"""
import json
import numpy as np
import scipy
from scipy import stats

out = {"scipy": scipy.__version__, "t_cdf": [], "t_ppf": [], "paired": [], "holm": []}
for df in [1, 2, 3, 4, 5, 7, 10, 19, 30, 100, 1000]:
    for t in [-4.0, -2.0, -0.5, 0.0, 0.3, 1.0, 2.0, 2.5, 12.0]:
        out["t_cdf"].append({"t": t, "df": df, "cdf": float(stats.t.cdf(t, df))})
    for p in [0.5, 0.6, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995]:
        out["t_ppf"].append({"p": p, "df": df, "q": float(stats.t.ppf(p, df))})

rng = np.random.default_rng(20261207)
cases = [([0.41, 0.38, 0.52], [0.12, 0.30, 0.25]), ([1.0, 2.0], [0.5, 2.5]), ([0.2, -0.1, 0.05, 0.3, 0.0], [0.1, 0.1, 0.1, 0.1, 0.1])]
for n in [4, 8, 20]:
    a = rng.normal(0.3, 1.0, n)
    cases.append((list(map(float, a)), list(map(float, a - rng.normal(0.2, 0.5, n)))))
for a, b in cases:
    a, b = np.array(a), np.array(b)
    d = a - b
    r = stats.ttest_rel(a, b)
    se = float(np.std(d, ddof=1) / np.sqrt(len(d)))
    lo, hi = stats.t.interval(0.95, len(d) - 1, loc=float(np.mean(d)), scale=se)
    out["paired"].append({"a": list(map(float, a)), "b": list(map(float, b)), "mean": float(np.mean(d)), "se": se, "df": len(d) - 1,
                          "t": float(r.statistic), "p": float(r.pvalue), "lower95": float(lo), "upper95": float(hi)})


def holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adj, running = [0.0] * m, 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        adj[i] = running
    return adj


for p in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.01], [0.5], [0.001, 0.001, 0.2, 0.04, 0.03]]:
    out["holm"].append({"p": p, "adjusted": holm(p)})
print(json.dumps(out, indent=1))
