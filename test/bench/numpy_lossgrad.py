"""One loss+gradient of the normalized attention problem (and of the vector problem) in NumPy, for `npm run bench`.

Reads the cases the bench wrote (float64 little-endian files, row-major) and times each one with the bench's own
protocol (3 warm-ups, then repeats until >= 200 ms and >= 5 reps; median). Prints JSON: per case median ms and loss.
The thread count comes from the environment the bench sets (OPENBLAS_NUM_THREADS and friends).
"""
import json
import sys
import time

import numpy as np


def attention(A1, A2, B, X):
    S = (A1 @ X) @ A2.T
    S -= S.max(axis=1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=1, keepdims=True)
    R = P - B
    t = np.einsum('ij,ij->i', P, R)[:, None]
    G = P * (R - t)
    return 0.5 * np.einsum('ij,ij->', R, R), A1.T @ (G @ A2)


def vector(A, b, x):
    z = A @ x
    p = np.exp(z - z.max())
    p /= p.sum()
    r = p - b
    g = p * (r - p @ r)
    return 0.5 * (r @ r), A.T @ g


def measure(fn, warmup):
    for _ in range(warmup):
        fn()
    times = []
    while sum(times) < 200 or len(times) < 5:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def load(directory, name, rows, cols):
    return np.fromfile(f'{directory}/{name}.f64', dtype='<f8').reshape(rows, cols)


def main():
    directory = sys.argv[1]
    with open(f'{directory}/cases.json') as f:
        cases = json.load(f)
    out = []
    for c in cases:
        n, d, key = c['n'], c['d'], c['key']
        if c['kind'] == 'attention':
            args = (load(directory, f'{key}-A1', n, d), load(directory, f'{key}-A2', n, d),
                    load(directory, f'{key}-B', n, n), load(directory, f'{key}-X', d, d))
            fn = lambda: attention(*args)
        else:
            args = (load(directory, f'{key}-A', n, d), load(directory, f'{key}-b', 1, n)[0], load(directory, f'{key}-x', 1, d)[0])
            fn = lambda: vector(*args)
        loss = float(fn()[0])
        out.append({'key': key, 'medianMs': measure(fn, 1 if n * n * d > 1e8 else 3), 'loss': loss})
    print(json.dumps({'numpy': np.__version__, 'cases': out}))


main()
