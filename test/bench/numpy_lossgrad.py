"""One loss+gradient of the normalized attention problem (and of the vector problem) in NumPy, for `npm run bench`.

usage: numpy_lossgrad.py DIR [KEY ...]

Reads the cases the bench wrote (DIR/cases.json; float64 little-endian files, row-major), or only those named, and
times each with the bench's protocol: warm-ups, then batches of calls (each batch at least 2 ms) until at least
200 ms and 5 batches; the medians per call of CPU time and of wall time. CPU time is what the one-thread comparison
uses on a shared machine; with several BLAS threads it adds up the threads, so the wall time is reported too.
Prints JSON: per case the two medians, the loss, and the peak memory of one evaluation (inputs plus NumPy's
temporaries, by tracemalloc, measured after the timing). The thread count comes from the environment the bench sets
(OPENBLAS_NUM_THREADS and friends).
"""
import json
import sys
import time
import tracemalloc

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
    """Medians per call (CPU ms, wall ms) over batches of calls."""
    for _ in range(warmup):
        fn()
    per = 1
    while True:
        t0 = time.process_time()
        for _ in range(per):
            fn()
        if (time.process_time() - t0) * 1e3 >= 2 or per >= 1 << 20:
            break
        per *= 2
    cpu, wall = [], []
    while sum(cpu) * per < 200 or len(cpu) < 5:
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(per):
            fn()
        cpu.append((time.process_time() - c0) * 1e3 / per)
        wall.append((time.perf_counter() - w0) * 1e3 / per)
    return float(np.median(cpu)), float(np.median(wall))


def load(directory, name, rows, cols):
    return np.fromfile(f'{directory}/{name}.f64', dtype='<f8').reshape(rows, cols)


def main():
    directory, only = sys.argv[1], set(sys.argv[2:])
    with open(f'{directory}/cases.json') as f:
        cases = [c for c in json.load(f) if not only or c['key'] in only]
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
        cpu, wall = measure(fn, 1 if n * n * d > 1e8 else 3)
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] + sum(a.nbytes for a in args)
        tracemalloc.stop()
        out.append({'key': key, 'cpuMs': cpu, 'wallMs': wall, 'loss': loss, 'peakMiB': peak / 2**20})
    print(json.dumps({'numpy': np.__version__, 'cases': out}))


main()
