"""Plain CPU Mult-VAE training step in numpy (OpenBLAS), the yardstick of `npm run bench -- training-speed`.

The same network and step as src/models/vae/vae-network.ts `trainStep` + tfjs' Adam, as the
trainer runs it: items -> hidden (tanh) -> 2*latent (mu, logvar) -> z = mu + std*eps -> hidden
(tanh) -> items, multinomial log-likelihood with log-softmax, KL weighted by beta, analytic
gradients, Adam (lr 1e-3, beta1 .9, beta2 .999, eps 1e-7) on all eight parameters. Each step builds
its batch from the CSR rows (L2-normalised, dropped out with keep 1/2, kept entries scaled by 2).

--input dense (default) is the plain implementation (as Liang et al.'s code does it: a dense
[batch x items] input and a dense matmul into enc/w1); --input sparse gathers enc/w1 rows for the
history's items and scatters dW1 into the touched rows only (the rest of the step unchanged).

Protocol (so a Node parent can alternate rounds with its own implementation): it reads the CSR from
<dir>/indptr.i32 and <dir>/indices.i32, then answers each stdin line `steps N` with one JSON line
{"steps": N, "examples": ..., "seconds": ...}; `quit` or end of input ends it. Set
OPENBLAS_NUM_THREADS before starting it (the parent does: the machine's cores).
"""
import argparse
import json
import sys
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--csr', required=True, help='folder with indptr.i32 and indices.i32')
    ap.add_argument('--items', type=int, required=True)
    ap.add_argument('--hidden', type=int, default=300)
    ap.add_argument('--latent', type=int, default=100)
    ap.add_argument('--batch', type=int, default=100)
    ap.add_argument('--input', choices=['dense', 'sparse'], default='dense')
    ap.add_argument('--seed', type=int, default=42)
    a = ap.parse_args()

    indptr = np.fromfile(f'{a.csr}/indptr.i32', dtype=np.int32).astype(np.int64)
    indices = np.fromfile(f'{a.csr}/indices.i32', dtype=np.int32).astype(np.int64)
    n_items, H, L, B = a.items, a.hidden, a.latent, a.batch
    rng = np.random.default_rng(a.seed)
    f32 = np.float32

    def glorot(r: int, c: int) -> np.ndarray:
        lim = np.sqrt(6.0 / (r + c))
        return rng.uniform(-lim, lim, size=(r, c)).astype(f32)

    P = {
        'W1': glorot(n_items, H), 'b1': (rng.standard_normal(H) * 1e-3).astype(f32),
        'W2': glorot(H, 2 * L), 'b2': (rng.standard_normal(2 * L) * 1e-3).astype(f32),
        'D1': glorot(L, H), 'c1': (rng.standard_normal(H) * 1e-3).astype(f32),
        'D2': glorot(H, n_items), 'c2': (rng.standard_normal(n_items) * 1e-3).astype(f32),
    }
    M = {k: np.zeros_like(v) for k, v in P.items()}
    V = {k: np.zeros_like(v) for k, v in P.items()}
    lr, beta1, beta2, eps_adam = f32(1e-3), f32(0.9), f32(0.999), f32(1e-7)
    state = {'t': 0, 'cursor': 0, 'step': 0}
    users = np.nonzero(np.diff(indptr) > 0)[0]
    order = rng.permutation(users)
    keep = 0.5
    beta_max, anneal_steps = 0.2, 5 * int(np.ceil(len(order) / B))

    def adam(grads: dict) -> None:
        state['t'] += 1
        t = state['t']
        c1 = 1 - beta1 ** t
        c2 = 1 - beta2 ** t
        for k, g in grads.items():
            m, v, w = M[k], V[k], P[k]
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * (g * g)
            w -= lr * (m / c1) / (np.sqrt(v / c2) + eps_adam)

    def step() -> int:
        lo = state['cursor']
        hi = min(len(order), lo + B)
        us = order[lo:hi]
        state['cursor'] = 0 if hi >= len(order) else hi
        if hi >= len(order):
            rng.shuffle(order)
        b = len(us)
        starts, ends = indptr[us], indptr[us + 1]
        lens = ends - starts
        rows = np.repeat(np.arange(b), lens)
        cols = np.concatenate([indices[s:e] for s, e in zip(starts, ends)])
        norm = np.sqrt(lens.astype(f32))
        kept = rng.random(len(cols)) < keep
        vals = (1.0 / (norm[rows] * keep)).astype(f32)
        T = np.zeros((b, n_items), f32)
        T[rows, cols] = 1
        beta = f32(beta_max * min(1.0, state['step'] / anneal_steps))
        state['step'] += 1

        if a.input == 'dense':
            X = np.zeros((b, n_items), f32)
            X[rows[kept], cols[kept]] = vals[kept]
            a1 = X @ P['W1']
        else:
            kr, kc, kv = rows[kept], cols[kept], vals[kept]
            a1 = np.zeros((b, H), f32)
            if len(kr):
                starts = np.flatnonzero(np.r_[True, kr[1:] != kr[:-1]])
                a1[kr[starts]] = np.add.reduceat(P['W1'][kc] * kv[:, None], starts)
        h1 = np.tanh(a1 + P['b1'])
        o = h1 @ P['W2'] + P['b2']
        mu, logvar = o[:, :L], o[:, L:]
        std = np.exp(0.5 * logvar)
        eps = rng.standard_normal((b, L), dtype=f32)
        z = mu + std * eps
        h2 = np.tanh(z @ P['D1'] + P['c1'])
        logits = h2 @ P['D2'] + P['c2']
        mx = logits.max(axis=1, keepdims=True)
        ex = np.exp(logits - mx)
        se = ex.sum(axis=1, keepdims=True)
        # logp = logits - mx - log(se); nll = -sum(logp * T) / b (computed, as the loss is read back)
        nll = -(((logits - mx - np.log(se)) * T).sum()) / b
        exp_lv = np.exp(logvar)
        kl_rows = 0.5 * (exp_lv - logvar + mu * mu - 1).sum(axis=1)
        loss = float(nll + beta * kl_rows.mean())

        n = lens.astype(f32)[:, None]
        d_logits = (ex / se * n - T) / b
        g = {'D2': h2.T @ d_logits, 'c2': d_logits.sum(0)}
        dA2 = (d_logits @ P['D2'].T) * (1 - h2 * h2)
        g['D1'] = z.T @ dA2
        g['c1'] = dA2.sum(0)
        dz = dA2 @ P['D1'].T
        cB = beta / b
        dMu = dz + cB * mu
        dLv = 0.5 * dz * eps * std + 0.5 * cB * (exp_lv - 1)
        dO = np.concatenate([dMu, dLv], axis=1)
        g['W2'] = h1.T @ dO
        g['b2'] = dO.sum(0)
        dA1 = (dO @ P['W2'].T) * (1 - h1 * h1)
        g['b1'] = dA1.sum(0)
        if a.input == 'dense':
            g['W1'] = X.T @ dA1
        else:
            dW1 = np.zeros((n_items, H), f32)
            if len(kr):
                by_col = np.argsort(kc, kind='stable')
                sc = kc[by_col]
                starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
                dW1[sc[starts]] = np.add.reduceat((dA1[kr] * kv[:, None])[by_col], starts)
            g['W1'] = dW1
        adam(g)
        if not np.isfinite(loss):
            raise FloatingPointError('loss is not finite')
        return b

    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == 'quit':
            break
        steps = int(cmd[1])
        t0 = time.perf_counter()
        examples = sum(step() for _ in range(steps))
        seconds = time.perf_counter() - t0
        print(json.dumps({'steps': steps, 'examples': examples, 'seconds': seconds}), flush=True)


if __name__ == '__main__':
    main()
