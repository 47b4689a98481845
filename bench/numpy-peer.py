"""The numpy side of `npm run bench`'s strategies-at-scale table (bench/versus-numpy.ts runs it).

Reads the inputs deal's side wrote to DATA (float32, row-major): the pool X [n, d], the
labelled set L [m, d], then for BADGE the residuals R [n, c] and features H [n, d]. Times what a
numpy user would write:
  coreset  k-center greedy, incremental: the labelled set's distances in blocks, then one
           matrix-vector product per new centre (O(n·d) memory beside the pool)
  badge    k-means++ seeding from the largest gradient norm over g = r ⊗ h, with the inner
           products factorised, <g_i, g_c> = <r_i, r_c>·<h_i, h_c> (no n × c·d matrix)
  kmeans   k-means++ seeding then Lloyd's iterations (at most 20), distances as products
  probcover  over the labelled set and the first n_cover rows of X: k-means (10 clusters), the
           purity rule's delta (each point's nearest point of another cluster, blocks of rows
           against all rows), the delta-ball graph (a second blocked pass, np.nonzero), then
           greedy coverage of k_coreset picks (Yehuda et al. 2022, as their code does it)
Prints one JSON object: seconds per case and the process's peak RSS (MB).
Usage: python3 numpy-peer.py DATA n d m c k_coreset k_badge k_kmeans [cases [n_cover]]
"""
import json
import resource
import sys
import time

import numpy as np

path = sys.argv[1]
n, d, m, c, k_core, k_badge, k_means = (int(v) for v in sys.argv[2:9])
cases = sys.argv[9].split(",") if len(sys.argv) > 9 else ["coreset", "badge", "kmeans"]
n_cover = int(sys.argv[10]) if len(sys.argv) > 10 else 0
raw = np.fromfile(path, dtype=np.float32)
X = raw[: n * d].reshape(n, d)
L = raw[n * d : n * d + m * d].reshape(m, d)
R = raw[n * d + m * d : n * d + m * d + n * c].reshape(n, c)
H = raw[n * d + m * d + n * c :].reshape(n, d)
rng = np.random.default_rng(1)


def coreset():
    x2 = np.einsum("ij,ij->i", X, X)
    min_dist = np.full(n, np.inf, dtype=np.float32)
    for b in range(0, m, 100):
        blk = L[b : b + 100]
        dist = x2[:, None] + np.einsum("ij,ij->i", blk, blk)[None, :] - 2 * X @ blk.T
        np.minimum(min_dist, dist.min(axis=1), out=min_dist)
    chosen = []
    for _ in range(k_core):
        i = int(np.argmax(min_dist))
        chosen.append(i)
        dist = x2 + x2[i] - 2 * (X @ X[i])
        np.minimum(min_dist, dist, out=min_dist)
        min_dist[i] = -1
    return chosen


def badge():
    r2 = np.einsum("ij,ij->i", R, R)
    h2 = np.einsum("ij,ij->i", H, H)
    g2 = r2 * h2
    chosen = [int(np.argmax(g2))]
    min_dist = np.full(n, np.inf)
    for _ in range(k_badge - 1):
        j = chosen[-1]
        dist = np.maximum(g2 + g2[j] - 2 * (R @ R[j]) * (H @ H[j]), 0)
        np.minimum(min_dist, dist, out=min_dist)
        p = min_dist.copy()
        p[chosen] = 0
        chosen.append(int(rng.choice(n, p=p / p.sum())))
    return chosen


def kmeans(X=X, k_means=k_means):
    n = len(X)
    x2 = np.einsum("ij,ij->i", X, X)
    centres = [int(rng.integers(n))]
    min_dist = np.full(n, np.inf)
    for _ in range(k_means - 1):
        j = centres[-1]
        np.minimum(min_dist, np.maximum(x2 + x2[j] - 2 * (X @ X[j]), 0), out=min_dist)
        centres.append(int(rng.choice(n, p=min_dist / min_dist.sum())))
    C = X[centres].copy()
    for _ in range(20):
        scores = (C * C).sum(axis=1)[None, :] - 2 * X @ C.T
        assign = scores.argmin(axis=1)
        onehot = np.zeros((n, k_means), dtype=np.float32)
        onehot[np.arange(n), assign] = 1
        sums = onehot.T @ X
        counts = onehot.sum(axis=0)[:, None]
        new = np.where(counts > 0, sums / np.maximum(counts, 1), C)
        if np.allclose(new, C):
            break
        C = new
    return assign


def probcover():
    P = np.concatenate([L, X[:n_cover]])
    N = len(P)
    P = P - P.mean(axis=0)
    labels = kmeans(P, 10)
    p2 = np.einsum("ij,ij->i", P, P)
    B = max(1, (1 << 22) // N)
    r = np.empty(N)
    for b in range(0, N, B):
        D = p2[b : b + B, None] + p2[None, :] - 2 * P[b : b + B] @ P.T
        D[labels[b : b + B, None] == labels[None, :]] = np.inf
        r[b : b + B] = D.min(axis=1)
    delta2 = np.sort(np.maximum(r, 0))[int(N * 0.05)]
    rows, cols = [], []
    for b in range(0, N, B):
        D = p2[b : b + B, None] + p2[None, :] - 2 * P[b : b + B] @ P.T
        i, j = np.nonzero(D < delta2)
        rows.append(i + b)
        cols.append(j)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    order = np.argsort(rows, kind="stable")
    rows, cols = rows[order], cols[order]
    offsets = np.searchsorted(rows, np.arange(N + 1))
    covered = np.zeros(N, dtype=bool)
    gain = np.diff(offsets).astype(np.int64)

    def cover_ball(v):
        new = cols[offsets[v] : offsets[v + 1]]
        new = new[~covered[new]]
        covered[new] = True
        for u in new:  # u leaves every ball it was in
            np.subtract.at(gain, cols[offsets[u] : offsets[u + 1]], 1)

    for v in range(m):
        cover_ball(v)
    gain[:m] = -1
    chosen = []
    for _ in range(k_core):
        v = int(np.argmax(gain))
        chosen.append(v - m)
        cover_ball(v)
        gain[v] = -1
    return chosen


out = {}
for name in cases:
    t0 = time.perf_counter()
    {"coreset": coreset, "badge": badge, "kmeans": kmeans, "probcover": probcover}[name]()
    out[name] = time.perf_counter() - t0
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["numpy"] = np.__version__
print(json.dumps(out))
