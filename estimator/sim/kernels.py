"""Compiled kernels of the error-split simulation (estimator.sim.simulator): float64 and
double-double, one block of Pauli coefficients at a time with the parameter points innermost.

The state is rho = w |Psi><Psi| + rho_E in the Pauli basis c[a, b] (docs/model/simulation.md; the
simulator's docstring). Blocks a evolve independently: a rotation about Z_S turns the pairs
(b, b ^ S) of a block with |a & S| odd, an X layer scales by lambda(b), Z channels scale whole
blocks (applied at the readout). Within block a the coefficients live on the span of the
supports of the rotations that act on it. At a given step only some of them matter: those the
rotations so far can have reached (the register "grows" as the circuit reaches new qubits and
parities) and that the remaining rotations can still carry to the part the readout reads (it
"shrinks" as qubits finish: a check after its last rotation needs b_q = 0). ``_block`` numbers
the span by a basis adapted to both, so the entries that matter at a step are the subsets of a
bit mask; per block and rotation the kernel needs four integers (that mask, the coordinates of
S, the sign mask and the sign), found by elimination over GF(2). No index tables are built.

Coordinates: b = sum_j y_j w_j over that basis. For a rotation P = sign Z_S acting on the
block, i P P(a, b) = sigma P(a, b ^ S) with sigma = -sign (-1)^((|a & S| - 1) / 2)
(-1)^|a & b & S|, and |a & b & S| = |y & t| mod 2 where t_j = |a & S & w_j| mod 2; the partner's
sigma is -sigma.

numba compiles these functions on first use (seconds, once per machine: ``cache=True`` keeps
the machine code on disk); the simulator uses them when a simulation is large enough to repay
the import, and its numpy implementation (the reference of tests/test_kernels.py) otherwise.
Double-double products use the exact fused multiply-add (llvm.fma: rounded once, so
a * b - fl(a * b) is exact), and nothing is compiled with fast-math, so every error-free
transformation holds.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

ROTATION, LAYER = 0, 1


@intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c rounded once (IEEE fusedMultiplyAdd)."""
    signature = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, sig, args):
        double = ir.DoubleType()
        fma = builder.module.declare_intrinsic(
            "llvm.fma", [double], ir.FunctionType(double, [double] * 3)
        )
        return builder.call(fma, args)

    return signature, codegen


@intrinsic
def _popcount(typingctx, x):
    """Number of set bits of an int64 (llvm.ctpop: one instruction)."""
    signature = types.int64(types.int64)

    def codegen(context, builder, sig, args):
        i64 = ir.IntType(64)
        ctpop = builder.module.declare_intrinsic("llvm.ctpop", [i64], ir.FunctionType(i64, [i64]))
        return builder.call(ctpop, args)

    return signature, codegen


@nb.njit(cache=True, inline="always")
def _highest(x):
    """Index of the highest set bit of x > 0."""
    top = 0
    while x >> (top + 1):
        top += 1
    return top


@nb.njit(cache=True)
def _block(a, free, kinds, masks, signs, shift, tmask, base, live, bvec):
    """Coordinates of block ``a`` and, per step, what a rotation does there.

    The coefficients of the block live on V = span of the supports S of the rotations that act
    on it (|a & S| odd). Before step s only P(s) = span of the supports of the acting rotations
    up to s can be nonzero, and only Q(s) = R + span of those from s on can still reach the
    readout, R = {b within ``free``} holding the support of the readouts. The basis w_0, w_1,
    ... of V built here is adapted to both families (w_j has its highest coordinate j in a
    basis ordered by first appearance, and each Q(s) is spanned by some of the w_j), so entry y
    (b = sum of w_j over the bits j of y) matters at step s exactly when the bits of y lie in
    live[s]; the kernels touch only those.

    Fills shift[s] (the coordinates of S; -1 where the rotation leaves the block alone),
    tmask[s] and base[s] (sigma(y) = base (-1)^|y & tmask|), live[s] (live[-1]: the entries the
    readout needs) and bvec[y] = b; returns the dimension of V."""
    n = _highest(bvec.shape[0])
    n_steps = kinds.shape[0]
    basis = np.zeros(n, dtype=np.int64)  # supports, in order of first appearance: coordinates u
    echelon = np.zeros(n, dtype=np.int64)  # fully reduced rows, pivot bit set in one row only
    pivot = np.zeros(n, dtype=np.int64)
    coords = np.zeros(n, dtype=np.int64)  # of each echelon row in the u coordinates
    birth = np.zeros(n, dtype=np.int64)
    d = 0
    for s in range(n_steps):
        shift[s] = -1
        if kinds[s] == ROTATION and _popcount(a & masks[s]) & 1:
            r, cr = masks[s], 0
            for i in range(d):
                if (r >> pivot[i]) & 1:
                    r ^= echelon[i]
                    cr ^= coords[i]
            if r != 0:  # the support becomes basis vector d; r = it + rows, cr their sum
                cr ^= 1 << d
                top = _highest(r)
                for i in range(d):
                    if (echelon[i] >> top) & 1:
                        echelon[i] ^= r
                        coords[i] ^= cr
                echelon[d], pivot[d], coords[d] = r, top, cr
                basis[d], birth[d] = masks[s], s
                cr = 1 << d
                d += 1
            shift[s] = cr
    # w_j by its highest u coordinate j: first R (death n_steps), then the acting supports from
    # the last step back (death s)
    w = np.zeros(n, dtype=np.int64)
    death = np.full(n, -1, dtype=np.int64)
    image = np.zeros(n, dtype=np.int64)  # kernel of u -> b & ~free by elimination on images
    combo = np.zeros(n, dtype=np.int64)
    rows = 0
    for i in range(d):
        v, c = basis[i] & ~free, 1 << i
        for k in range(rows):
            if v & (1 << _highest(image[k])):
                v ^= image[k]
                c ^= combo[k]
        if v == 0:
            _insert(c, n_steps, w, death)
        else:
            image[rows], combo[rows] = v, c
            rows += 1
    for s in range(n_steps - 1, -1, -1):
        if shift[s] >= 0:
            _insert(shift[s], s, w, death)
    bw = np.zeros(n, dtype=np.int64)  # b of w_j
    for j in range(d):
        for i in range(d):
            if (w[j] >> i) & 1:
                bw[j] ^= basis[i]
    for s in range(n_steps + 1):
        at = min(s, n_steps - 1)
        mask = 0
        for j in range(d):
            if birth[j] <= at and (death[j] >= s if s < n_steps else death[j] == n_steps):
                mask |= 1 << j
        live[s] = mask
        if s < n_steps and shift[s] >= 0:
            x, y = shift[s], 0
            while x:
                j = _highest(x)
                x ^= w[j]
                y |= 1 << j
            shift[s] = y
            m = masks[s]
            t = 0
            for j in range(d):
                t |= (_popcount(a & m & bw[j]) & 1) << j
            tmask[s] = t
            base[s] = -signs[s] * (1 - 2 * (((_popcount(a & m) - 1) >> 1) & 1))
    bvec[0] = 0
    for y in range(1, 1 << d):
        low = 0
        while not (y >> low) & 1:
            low += 1
        bvec[y] = bvec[y ^ (1 << low)] ^ bw[low]
    return d


@nb.njit(cache=True)
def _insert(v, death_of_v, w, death):
    """Add v (u coordinates) to the rows w_j (distinct highest bits) unless it is in their span."""
    while v:
        j = _highest(v)
        if death[j] < 0:
            w[j], death[j] = v, death_of_v
            return
        v ^= w[j]


@nb.njit(cache=True, inline="always")
def _two_sum(a, b):
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


@nb.njit(cache=True, inline="always")
def _fast_two_sum(a, b):
    s = a + b
    return s, b - (s - a)


@nb.njit(cache=True, inline="always")
def _dd_add(ah, al, bh, bl):
    s, e = _two_sum(ah, bh)
    t, f = _two_sum(al, bl)
    s, e = _fast_two_sum(s, e + t)
    return _fast_two_sum(s, e + f)


@nb.njit(cache=True, inline="always")
def _dd_mul(ah, al, bh, bl):
    p = ah * bh
    e = _fma(ah, bh, -p) + (ah * bl + al * bh)
    return _fast_two_sum(p, e)


@nb.njit(cache=True)
def _merge(p, wh, wl, merged):
    """Channels on one mask (probabilities p[i, k]) as one: merged[f, limb, k] with f = lambda
    = prod (1 - 2 p_i), W = prod (1 - p_i), 1 - W and lambda - W, by recurrences whose terms
    share one sign (no cancellation): 1 - W_i = (1 - W_(i-1)) + p_i W_(i-1) and
    lambda_i - W_i = (lambda_(i-1) - W_(i-1)) (1 - p_i) - p_i lambda_(i-1)."""
    for k in range(p.shape[1]):
        lh, ll, kh, kl, oh, ol, dh, dl = 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0
        for i in range(p.shape[0]):
            pi = p[i, k]
            th, tl = _dd_mul(kh, kl, pi, 0.0)
            oh, ol = _dd_add(oh, ol, th, tl)
            mh, ml = _two_sum(1.0, -pi)
            dh, dl = _dd_mul(dh, dl, mh, ml)
            th, tl = _dd_mul(lh, ll, pi, 0.0)
            dh, dl = _dd_add(dh, dl, -th, -tl)
            kh, kl = _dd_mul(kh, kl, mh, ml)
            th, tl = _two_sum(1.0, -2.0 * pi)
            lh, ll = _dd_mul(lh, ll, th, tl)
        merged[0, 0, k], merged[0, 1, k] = lh, ll
        merged[1, 0, k], merged[1, 1, k] = kh, kl
        merged[2, 0, k], merged[2, 1, k] = oh, ol
        merged[3, 0, k], merged[3, 1, k] = dh, dl


@nb.njit(cache=True)
def prepare(n, kinds, index, layer_groups, group_masks, group_starts, q, er, ei, p, inv_sqrt2):
    """The per-point factors of the kernels, in double-double, from the channel parameters.

    Rotation j: q[j, k] (total error probability) and e = er + i ei (error factor), so
    chi = (1 - q) exp(i pi / 4) + e. Layer l (the last one is the final Z layer, over a) holds
    the groups layer_groups[l] .. layer_groups[l + 1] - 1; group g, the flips group_starts[g] ..
    group_starts[g + 1] - 1 (probabilities p[i, k]) on one mask group_masks[g]. Returns
    rot[f, limb, j, k] (f: Re chi, Im chi, w Re e, w Im e, w q, with w the weight of the
    error-free branch before rotation j) and layers[f, limb, l, b, k] (f: scale(b) =
    prod over masks m with |b & m| odd of lambda_m, and (scale(b) - W) w, following
    D_g = D_(g-1) f_g + w W_(<g) (f_g - W_g), f_g = lambda_g (odd) or 1 (even))."""
    n_rot, batch = q.shape
    n_layers = layer_groups.shape[0] - 1
    dim = 1 << n
    rot = np.zeros((5, 2, n_rot, batch))
    layers = np.zeros((2, 2, n_layers, dim, batch))
    merged = np.zeros((4, 2, batch))
    wh = np.ones(batch)
    wl = np.zeros(batch)
    rh, rl = inv_sqrt2
    for s in range(kinds.shape[0] + 1):
        if s < kinds.shape[0] and kinds[s] == ROTATION:
            j = index[s]
            for k in range(batch):
                mh, ml = _two_sum(1.0, -q[j, k])
                th, tl = _dd_mul(mh, ml, rh, rl)
                rot[0, 0, j, k], rot[0, 1, j, k] = _dd_add(th, tl, er[j, k], 0.0)
                rot[1, 0, j, k], rot[1, 1, j, k] = _dd_add(th, tl, ei[j, k], 0.0)
                rot[2, 0, j, k], rot[2, 1, j, k] = _dd_mul(wh[k], wl[k], er[j, k], 0.0)
                rot[3, 0, j, k], rot[3, 1, j, k] = _dd_mul(wh[k], wl[k], ei[j, k], 0.0)
                rot[4, 0, j, k], rot[4, 1, j, k] = _dd_mul(wh[k], wl[k], q[j, k], 0.0)
                wh[k], wl[k] = _dd_mul(wh[k], wl[k], mh, ml)
            continue
        l = index[s] if s < kinds.shape[0] else n_layers - 1
        scale, diff = layers[0, :, l], layers[1, :, l]
        scale[0] = 1.0
        for g in range(layer_groups[l], layer_groups[l + 1]):
            _merge(p[group_starts[g] : group_starts[g + 1]], wh, wl, merged)
            for b in range(dim):
                odd = _popcount(b & group_masks[g]) & 1
                f = 3 if odd else 2  # f_g - W_g: lambda - W (odd) or 1 - W (even)
                for k in range(batch):
                    if odd:
                        fh, fl = merged[0, 0, k], merged[0, 1, k]
                    else:
                        fh, fl = 1.0, 0.0
                    th, tl = _dd_mul(diff[0, b, k], diff[1, b, k], fh, fl)
                    uh, ul = _dd_mul(wh[k], wl[k], merged[f, 0, k], merged[f, 1, k])
                    diff[0, b, k], diff[1, b, k] = _dd_add(th, tl, uh, ul)
                    scale[0, b, k], scale[1, b, k] = _dd_mul(scale[0, b, k], scale[1, b, k], fh, fl)
            for k in range(batch):
                wh[k], wl[k] = _dd_mul(wh[k], wl[k], merged[1, 0, k], merged[1, 1, k])
    return rot, layers


@nb.njit(cache=True)
def split_float(n, checks, factors, real, kinds, masks, signs, index, rot, layers, inv_sqrt2, out):
    """The error split in float64 for the points of ``rot``'s last axis.

    rot and layers as ``prepare`` makes them (the float64 kernel reads their leading limb);
    the last layer is the final Z layer, over a. ``factors``: the qubits on which Psi is a
    factor (|0> + e^(i phi) |1>) / sqrt 2, so that Psi has no coefficient with b_q = 1 and
    a_q = 0 (none with b_q = 1 on those of ``real``, where the factor is |+> or |->): the
    readout needs b within (~factors | a) & ~real (``_block``'s R). Sets, per point k, tr(rho_E), the sum of c_E[a, 0] over a
    within ``checks`` and sum c_E g (Psi's coefficients g) as unevaluated sums
    out[i, k] + out[i + 3, k]."""
    n_steps = kinds.shape[0]
    batch = out.shape[1]
    dim = 1 << n
    rho = np.zeros((dim, batch))
    g = np.zeros(dim)
    pend = np.zeros(batch)
    shift = np.zeros(n_steps, dtype=np.int64)
    tmask = np.zeros(n_steps, dtype=np.int64)
    base = np.zeros(n_steps, dtype=np.int64)
    live = np.zeros(n_steps + 1, dtype=np.int64)
    bvec = np.zeros(dim, dtype=np.int64)
    final = np.zeros(batch)
    for a in range(dim):
        free = (~factors | a) & ~real
        d = _block(a, free, kinds, masks, signs, shift, tmask, base, live, bvec)
        rho[: 1 << d] = 0.0
        g[: 1 << d] = 0.0
        g[0] = 1.0
        pend[:] = 0.0
        for s in range(n_steps):
            j = index[s]
            if kinds[s] == ROTATION:
                if shift[s] < 0:
                    for k in range(batch):
                        pend[k] += rot[4, 0, j, k]
                    continue
                sh, t, sign0 = shift[s], tmask[s], base[s]
                top = _highest(sh)
                cr, ci, er, ei = rot[0, 0, j], rot[1, 0, j], rot[2, 0, j], rot[3, 0, j]
                pairs = live[s] & ~(1 << top)
                c = 0
                while True:  # c over the subsets of pairs: the live pairs (c, c ^ S)
                    p = c ^ sh
                    sigma = sign0 * (1 - 2 * (_popcount(c & t) & 1))
                    gc, gp = g[c], g[p]
                    x_row, y_row = rho[c], rho[p]
                    for k in range(batch):
                        x = x_row[k] + gc * pend[k]
                        y = y_row[k] + gp * pend[k]
                        x_row[k] = (
                            cr[k] * x - sigma * (ci[k] * y) + (gc * er[k] - sigma * (gp * ei[k]))
                        )
                        y_row[k] = (
                            cr[k] * y + sigma * (ci[k] * x) + (gp * er[k] + sigma * (gc * ei[k]))
                        )
                    g[c] = (gc - sigma * gp) * inv_sqrt2
                    g[p] = (gp + sigma * gc) * inv_sqrt2
                    if c == pairs:
                        break
                    c = (c - pairs) & pairs
                pend[:] = 0.0
            else:
                scale, diff = layers[0, 0, j], layers[1, 0, j]
                entries = live[s]
                c = 0
                while True:
                    b, gc = bvec[c], g[c]
                    row = rho[c]
                    for k in range(batch):
                        sc = scale[b, k]
                        row[k] = row[k] * sc + gc * (sc * pend[k] + diff[b, k])
                    if c == entries:
                        break
                    c = (c - entries) & entries
                pend[:] = 0.0
        # readout: rho_E <- mu(a) (rho_E + pend Psi) + (mu(a) - W) w Psi
        mu, zd = layers[0, 0, -1, a], layers[1, 0, -1, a]
        entries = live[n_steps]
        g2 = 0.0
        c = 0
        while True:
            g2 += g[c] * g[c]
            if c == entries:
                break
            c = (c - entries) & entries
        for k in range(batch):
            dot, err = 0.0, 0.0
            c = 0
            while True:
                prod = g[c] * rho[c, k]
                dot, e = _two_sum(dot, prod)
                err += e + _fma(g[c], rho[c, k], -prod)
                if c == entries:
                    break
                c = (c - entries) & entries
            final[k] = mu[k] * (dot + err + pend[k] * g2) + zd[k] * g2
            first = mu[k] * (rho[0, k] + pend[k] * g[0]) + zd[k] * g[0]
            if a == 0:
                out[0, k] = first
            if a & ~checks == 0:
                out[1, k], e = _two_sum(out[1, k], first)
                out[4, k] += e
            out[2, k], e = _two_sum(out[2, k], final[k])
            out[5, k] += e


@nb.njit(cache=True)
def split_double_double(
    n, checks, factors, real, kinds, masks, signs, index, rot, layers, inv_sqrt2, out
):
    """``split_float`` in double-double: out[0..2, limb, k] receives tr(rho_E), the accepted
    sum and sum c_E g."""
    n_steps = kinds.shape[0]
    batch = out.shape[2]
    dim = 1 << n
    rh = np.zeros((dim, batch))
    rl = np.zeros((dim, batch))
    gh = np.zeros(dim)
    gl = np.zeros(dim)
    ph = np.zeros(batch)
    pl = np.zeros(batch)
    shift = np.zeros(n_steps, dtype=np.int64)
    tmask = np.zeros(n_steps, dtype=np.int64)
    base = np.zeros(n_steps, dtype=np.int64)
    live = np.zeros(n_steps + 1, dtype=np.int64)
    bvec = np.zeros(dim, dtype=np.int64)
    rh2, rl2 = inv_sqrt2
    for a in range(dim):
        free = (~factors | a) & ~real
        d = _block(a, free, kinds, masks, signs, shift, tmask, base, live, bvec)
        size = 1 << d
        rh[:size] = 0.0
        rl[:size] = 0.0
        gh[:size] = 0.0
        gl[:size] = 0.0
        gh[0] = 1.0
        ph[:] = 0.0
        pl[:] = 0.0
        flushed = True
        for s in range(n_steps):
            j = index[s]
            if kinds[s] == ROTATION:
                if shift[s] < 0:
                    for k in range(batch):
                        ph[k], pl[k] = _dd_add(ph[k], pl[k], rot[4, 0, j, k], rot[4, 1, j, k])
                    flushed = False
                    continue
                sh, t, sign0 = shift[s], tmask[s], base[s]
                top = _highest(sh)
                crh, crl, cih, cil = rot[0, 0, j], rot[0, 1, j], rot[1, 0, j], rot[1, 1, j]
                erh, erl, eih, eil = rot[2, 0, j], rot[2, 1, j], rot[3, 0, j], rot[3, 1, j]
                pairs = live[s] & ~(1 << top)
                c = 0
                while True:  # c over the subsets of pairs: the live pairs (c, c ^ S)
                    p = c ^ sh
                    sigma = float(sign0 * (1 - 2 * (_popcount(c & t) & 1)))
                    gch, gcl, gph, gpl = gh[c], gl[c], gh[p], gl[p]
                    xh_row, xl_row, yh_row, yl_row = rh[c], rl[c], rh[p], rl[p]
                    for k in range(batch):
                        xh, xl, yh, yl = xh_row[k], xl_row[k], yh_row[k], yl_row[k]
                        if not flushed:
                            th, tl = _dd_mul(gch, gcl, ph[k], pl[k])
                            xh, xl = _dd_add(xh, xl, th, tl)
                            th, tl = _dd_mul(gph, gpl, ph[k], pl[k])
                            yh, yl = _dd_add(yh, yl, th, tl)
                        # sigma-signed partners: sy = sigma y, sx = sigma x (exact)
                        ah, al = _dd_mul(crh[k], crl[k], xh, xl)
                        bh, bl = _dd_mul(cih[k], cil[k], sigma * yh, sigma * yl)
                        ah, al = _dd_add(ah, al, -bh, -bl)
                        bh, bl = _dd_mul(gch, gcl, erh[k], erl[k])
                        ah, al = _dd_add(ah, al, bh, bl)
                        bh, bl = _dd_mul(sigma * gph, sigma * gpl, eih[k], eil[k])
                        xh_row[k], xl_row[k] = _dd_add(ah, al, -bh, -bl)
                        ah, al = _dd_mul(crh[k], crl[k], yh, yl)
                        bh, bl = _dd_mul(cih[k], cil[k], sigma * xh, sigma * xl)
                        ah, al = _dd_add(ah, al, bh, bl)
                        bh, bl = _dd_mul(gph, gpl, erh[k], erl[k])
                        ah, al = _dd_add(ah, al, bh, bl)
                        bh, bl = _dd_mul(sigma * gch, sigma * gcl, eih[k], eil[k])
                        yh_row[k], yl_row[k] = _dd_add(ah, al, bh, bl)
                    th, tl = _dd_add(gch, gcl, -sigma * gph, -sigma * gpl)
                    gh[c], gl[c] = _dd_mul(th, tl, rh2, rl2)
                    th, tl = _dd_add(gph, gpl, sigma * gch, sigma * gcl)
                    gh[p], gl[p] = _dd_mul(th, tl, rh2, rl2)
                    if c == pairs:
                        break
                    c = (c - pairs) & pairs
                ph[:] = 0.0
                pl[:] = 0.0
                flushed = True
            else:
                sch, scl, dfh, dfl = (
                    layers[0, 0, j],
                    layers[0, 1, j],
                    layers[1, 0, j],
                    layers[1, 1, j],
                )
                entries = live[s]
                c = 0
                while True:
                    b, gch, gcl = bvec[c], gh[c], gl[c]
                    xh_row, xl_row = rh[c], rl[c]
                    for k in range(batch):
                        sh_, sl_ = sch[b, k], scl[b, k]
                        ah, al = _dd_mul(xh_row[k], xl_row[k], sh_, sl_)
                        th, tl = _dd_mul(sh_, sl_, ph[k], pl[k])
                        th, tl = _dd_add(th, tl, dfh[b, k], dfl[b, k])
                        th, tl = _dd_mul(gch, gcl, th, tl)
                        xh_row[k], xl_row[k] = _dd_add(ah, al, th, tl)
                    if c == entries:
                        break
                    c = (c - entries) & entries
                ph[:] = 0.0
                pl[:] = 0.0
                flushed = True
        muh, mul = layers[0, 0, -1, a], layers[0, 1, -1, a]
        zdh, zdl = layers[1, 0, -1, a], layers[1, 1, -1, a]
        entries = live[n_steps]
        g2h, g2l = 0.0, 0.0
        c = 0
        while True:
            th, tl = _dd_mul(gh[c], gl[c], gh[c], gl[c])
            g2h, g2l = _dd_add(g2h, g2l, th, tl)
            if c == entries:
                break
            c = (c - entries) & entries
        for k in range(batch):
            doth, dotl = 0.0, 0.0
            c = 0
            while True:
                th, tl = _dd_mul(gh[c], gl[c], rh[c, k], rl[c, k])
                doth, dotl = _dd_add(doth, dotl, th, tl)
                if c == entries:
                    break
                c = (c - entries) & entries
            th, tl = _dd_mul(ph[k], pl[k], g2h, g2l)
            doth, dotl = _dd_add(doth, dotl, th, tl)
            doth, dotl = _dd_mul(muh[k], mul[k], doth, dotl)
            th, tl = _dd_mul(zdh[k], zdl[k], g2h, g2l)
            fh, fl = _dd_add(doth, dotl, th, tl)
            th, tl = _dd_mul(ph[k], pl[k], gh[0], gl[0])
            th, tl = _dd_add(rh[0, k], rl[0, k], th, tl)
            th, tl = _dd_mul(muh[k], mul[k], th, tl)
            ah, al = _dd_mul(zdh[k], zdl[k], gh[0], gl[0])
            firsth, firstl = _dd_add(th, tl, ah, al)
            if a == 0:
                out[0, 0, k], out[0, 1, k] = firsth, firstl
            if a & ~checks == 0:
                out[1, 0, k], out[1, 1, k] = _dd_add(out[1, 0, k], out[1, 1, k], firsth, firstl)
            out[2, 0, k], out[2, 1, k] = _dd_add(out[2, 0, k], out[2, 1, k], fh, fl)


@nb.njit(cache=True)
def layout(n, factors, real, kinds, masks, signs, start, stop):
    """The entries of blocks start..stop-1 that matter at each step, as index arrays for the
    fixed-point path (which computes on Python integers, in numpy): ``_block``'s coordinates
    with block i (a = start + i) at entries offset[i] + y.

    Returns offset; per step s the pairs first[pairs[s]:pairs[s + 1]] (entry c), second (its
    partner c ^ S) and sigma (of c; the partner's is -sigma) of a rotation, and the entries
    live[lives[s]:lives[s + 1]] of an X layer with their b; the entries the readout needs and
    their blocks."""
    n_steps = kinds.shape[0]
    shift = np.zeros(n_steps, dtype=np.int64)
    tmask = np.zeros(n_steps, dtype=np.int64)
    base = np.zeros(n_steps, dtype=np.int64)
    mask = np.zeros(n_steps + 1, dtype=np.int64)
    bvec = np.zeros(1 << n, dtype=np.int64)
    offset = np.zeros(stop - start + 1, dtype=np.int64)
    pairs = np.zeros(n_steps + 1, dtype=np.int64)
    lives = np.zeros(n_steps + 1, dtype=np.int64)
    n_final = 0
    for i in range(stop - start):  # count
        a = start + i
        d = _block(a, (~factors | a) & ~real, kinds, masks, signs, shift, tmask, base, mask, bvec)
        offset[i + 1] = offset[i] + (1 << d)
        for s in range(n_steps):
            if kinds[s] == ROTATION and shift[s] >= 0:
                pairs[s + 1] += 1 << (_popcount(mask[s]) - 1)
            elif kinds[s] == LAYER:
                lives[s + 1] += 1 << _popcount(mask[s])
        n_final += 1 << _popcount(mask[n_steps])
    for s in range(n_steps):
        pairs[s + 1] += pairs[s]
        lives[s + 1] += lives[s]
    first = np.zeros(pairs[n_steps], dtype=np.int64)
    second = np.zeros(pairs[n_steps], dtype=np.int64)
    sigma = np.zeros(pairs[n_steps], dtype=np.int64)
    live = np.zeros(lives[n_steps], dtype=np.int64)
    b = np.zeros(lives[n_steps], dtype=np.int64)
    final = np.zeros(n_final, dtype=np.int64)
    final_block = np.zeros(n_final, dtype=np.int64)
    pair_at = pairs[:-1].copy()
    live_at = lives[:-1].copy()
    at = 0
    for i in range(stop - start):  # fill
        a = start + i
        _block(a, (~factors | a) & ~real, kinds, masks, signs, shift, tmask, base, mask, bvec)
        for s in range(n_steps):
            if kinds[s] == ROTATION and shift[s] >= 0:
                top = _highest(shift[s])
                subset = mask[s] & ~(1 << top)
                c = 0
                while True:
                    k = pair_at[s]
                    first[k], second[k] = offset[i] + c, offset[i] + (c ^ shift[s])
                    sigma[k] = base[s] * (1 - 2 * (_popcount(c & tmask[s]) & 1))
                    pair_at[s] += 1
                    if c == subset:
                        break
                    c = (c - subset) & subset
            elif kinds[s] == LAYER:
                c = 0
                while True:
                    k = live_at[s]
                    live[k], b[k] = offset[i] + c, bvec[c]
                    live_at[s] += 1
                    if c == mask[s]:
                        break
                    c = (c - mask[s]) & mask[s]
        c = 0
        while True:
            final[at], final_block[at] = offset[i] + c, i
            at += 1
            if c == mask[n_steps]:
                break
            c = (c - mask[n_steps]) & mask[n_steps]
    return offset, pairs, first, second, sigma, lives, live, b, final, final_block
