"""The project's solve methods on the normalized attention problem, iteration for iteration, in NumPy, for `npm run bench`.

usage: numpy_solve.py DIR METHOD STEPS [OPTION=VALUE ...]

Loads DIR/{A1,A2,B,X0}.npy (float64) and runs METHOD (gd, armijo, lbfgs, newton) for STEPS iterations with the same
step rules as server/src/solver (gd.ts, armijo.ts, lbfgs.ts, newton.ts, lineSearch.ts): the same directions, the same
backtracking from the same first trial step, the same curvature-pair filter and Newton-CG forcing term, and no
stopping rule but STEPS (the bench's .regress file sets gradtol = 0) or a stalled line search. The whole process is
what the bench times, against `regress-lab solve FILE --json`; prints JSON: final loss, iterations, evaluations.
"""
import json
import sys

import numpy as np


class Attention:
    """0.5·‖rowsoftmax(A1·X·A2ᵀ) − B‖², its gradient A1ᵀ·G·A2 and Hessian-vector product A1ᵀ·M·A2."""

    def __init__(self, A1, A2, B):
        self.A1, self.A2, self.B = A1, A2, B
        self.d = A1.shape[1]
        self.evaluations = 0

    def _softmax(self, x):
        S = (self.A1 @ x.reshape(self.d, self.d)) @ self.A2.T
        S -= S.max(axis=1, keepdims=True)
        P = np.exp(S)
        P /= P.sum(axis=1, keepdims=True)
        return P

    def loss(self, x):
        self.evaluations += 1
        R = self._softmax(x) - self.B
        return 0.5 * np.einsum('ij,ij->', R, R)

    def loss_grad(self, x):
        self.evaluations += 1
        P = self._softmax(x)
        R = P - self.B
        t = np.einsum('ij,ij->i', P, R)[:, None]
        G = P * (R - t)
        return 0.5 * np.einsum('ij,ij->', R, R), (self.A1.T @ (G @ self.A2)).ravel()

    def hess_vec(self, x, v):
        f, b = self._softmax(x), self.B
        V = (self.A1 @ v.reshape(self.d, self.d)) @ self.A2.T
        g = (2 * f - b) * f
        c1 = np.einsum('ij,ij->i', 3 * f - 2 * b, f)[:, None]
        c2 = np.einsum('ij,ij->i', f - b, f)[:, None]
        fv = np.einsum('ij,ij->i', f, V)[:, None]
        gv = np.einsum('ij,ij->i', g, V)[:, None]
        M = c1 * f * fv - f * gv - g * fv + g * V - c2 * f * V
        return (self.A1.T @ (M @ self.A2)).ravel()


def unit_slope(g, p):
    gn, pn = np.linalg.norm(g), np.linalg.norm(p)
    if gn == 0 or pn == 0:
        return 0.0
    return gn * np.dot(g / gn, p / pn)


def backtrack(obj, it, p, t0, shrink, c1):
    """lineSearch.ts: True after moving `it` to x + t·p, False when no decrease is representable."""
    x = it['x']
    pn, xn = np.linalg.norm(p), np.linalg.norm(x)
    slope = unit_slope(it['g'], p)
    t = t0
    while t * pn > 1e-16 * (1 + xn):
        trial = x + t * p
        if obj.loss(trial) <= it['loss'] + c1 * (t * pn) * slope:
            it['x'] = trial
            it['loss'], it['g'] = obj.loss_grad(trial)
            return True
        t *= shrink
    return False


def gd(obj, it, o):
    lr = o.get('lr', 0.1)

    def step():
        it['x'] = it['x'] - lr * it['g']
        it['loss'], it['g'] = obj.loss_grad(it['x'])
        return True
    return step


def armijo(obj, it, o):
    lr, shrink, c1 = o.get('lr', 1.0), o.get('shrink', 0.5), o.get('c1', 1e-4)
    return lambda: backtrack(obj, it, -it['g'], lr, shrink, c1)


def lbfgs(obj, it, o):
    m = int(o.get('memory', 10))
    S, Y, rho = [], [], []  # oldest first, at most m pairs
    state = {'first': True}

    def direction(g):
        p = -g
        alpha = [0.0] * len(S)
        for j in range(len(S) - 1, -1, -1):
            alpha[j] = rho[j] * np.dot(S[j], p)
            p = p - alpha[j] * Y[j]
        if S:
            p = p * (np.dot(S[-1], Y[-1]) / np.dot(Y[-1], Y[-1]))
        for j in range(len(S)):
            p = p + (alpha[j] - rho[j] * np.dot(Y[j], p)) * S[j]
        return p

    def step():
        p = direction(it['g'])
        if not unit_slope(it['g'], p) < 0:
            S.clear(), Y.clear(), rho.clear()
            p = direction(it['g'])
        x_prev, g_prev = it['x'], it['g']
        t0 = min(1.0, 1.0 / np.linalg.norm(p)) if state['first'] else 1.0
        state['first'] = False
        if not backtrack(obj, it, p, t0, 0.5, 1e-4):
            return False
        s, y = it['x'] - x_prev, it['g'] - g_prev
        sy = np.dot(s, y)
        if sy > 1e-12 * np.sqrt(np.dot(s, s) * np.dot(y, y)):
            if len(S) == m:
                S.pop(0), Y.pop(0), rho.pop(0)
            S.append(s), Y.append(y), rho.append(1.0 / sy)
        return True
    return step


def newton(obj, it, o):
    damping, dense, cgiters = o.get('damping', 1e-6), int(o.get('dense', 400)), int(o.get('cgiters', 100))
    n = it['x'].size

    def dense_direction(x, g):
        from scipy.linalg import LinAlgError, cho_factor, cho_solve
        E = np.eye(n)
        H = np.stack([obj.hess_vec(x, E[j]) for j in range(n)], axis=1)
        H = 0.5 * (H + H.T)
        scale = np.max(np.abs(np.diag(H)))
        lam = damping
        for _ in range(40):
            try:
                p = -cho_solve(cho_factor(H + lam * np.eye(n), lower=True), g)
                if np.all(np.isfinite(p)):
                    return p
            except LinAlgError:
                pass
            lam = max(10 * lam, 1e-8 * (scale or 1))
        return -g

    def cg_direction(x, g):
        p = np.zeros(n)
        r = -g
        d = r.copy()
        rr = np.dot(r, r)
        gn = np.linalg.norm(g)
        tol = min(0.5, np.sqrt(gn)) * gn
        for k in range(cgiters):
            Hd = obj.hess_vec(x, d) + damping * d
            dHd = np.dot(d, Hd)
            if dHd <= 0:
                return r.copy() if k == 0 else p
            a = rr / dHd
            p = p + a * d
            r = r - a * Hd
            rr_new = np.dot(r, r)
            if np.sqrt(rr_new) <= tol:
                return p
            d = r + (rr_new / rr) * d
            rr = rr_new
        return p

    def step():
        x, g = it['x'], it['g']
        p = dense_direction(x, g) if n <= dense else cg_direction(x, g)
        if not unit_slope(g, p) < 0:
            p = -g
        return backtrack(obj, it, p, 1.0, 0.5, 1e-4)
    return step


def main():
    directory, method, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    options = {k: float(v) for k, v in (a.split('=') for a in sys.argv[4:])}
    obj = Attention(np.load(f'{directory}/A1.npy'), np.load(f'{directory}/A2.npy'), np.load(f'{directory}/B.npy'))
    x0 = np.load(f'{directory}/X0.npy').ravel().copy()
    it = {'x': x0}
    it['loss'], it['g'] = obj.loss_grad(x0)
    step = {'gd': gd, 'armijo': armijo, 'lbfgs': lbfgs, 'newton': newton}[method](obj, it, options)
    k = 0
    while k < steps and step():
        k += 1
    print(json.dumps({'numpy': np.__version__, 'loss': float(it['loss']), 'iterations': k, 'evaluations': obj.evaluations}))


main()
