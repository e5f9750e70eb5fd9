// The fused MLP velocity-field kernel: input features (x, time embedding,
// label row), forward, weighted-MSE loss, backward, gradient clipping,
// Adam / AdamW and EMA in one call per training step; batched forward and
// forward-mode Jacobian–vector products for the samplers.
//
// The host (core/models/_fused.ts) owns the memory layout: it writes a
// descriptor of i32 slots (below) and the batch straight into this module's
// memory, then calls one export. All matrices are f32, row-major, with every
// width padded to a multiple of 4 (padding holds zeros and stays zero).
import { gemm, gemmTN, colsum, transpose, EPI_STORE, EPI_ACT, EPI_ACT_D, EPI_MUL } from "./_mlp_gemm";
import { activate, activateWithDerivative, madd } from "./_mlp_math";

// Descriptor slots (keep in sync with core/models/_fused_layout.ts).
const D_LAYERS = 0; // dense layers, hidden + output
const D_DIM = 1; // dim of x and of the output
const D_K0 = 2; // dense input features: dim + time features
const D_K0P = 3; // padded to 4
const D_TIME = 4; // 0 concat, 1 fourier
const D_FREQ = 5; // fourier frequencies
const D_LABROWS = 6; // classes + 1, or 0 without labels
const D_ACT = 7; // activation code
const D_X = 8; // x [cap, dim]
const D_T = 9; // t [cap]
const D_TGT = 10; // target [cap, dim]
const D_WT = 11; // loss weights [cap]
const D_LAB = 12; // labels i32 [cap]
const D_F0 = 13; // features [cap, K0p]
const D_V = 14; // tangent v [cap, dim]
const D_F0T = 15; // tangent features [cap, K0p]
const D_PARAMS = 16; // parameter block (pointer)
const D_GRADS = 17;
const D_M = 18;
const D_VV = 19;
const D_EMA = 20;
const D_P = 21; // padded parameter count (multiple of 4)
const D_WLAB = 22; // byte offset of the label rows [labrows, N0p] in the parameter block
const D_LAYER0 = 32;
const L_STRIDE = 8;
const L_KP = 0; // padded fan-in
const L_NP = 1; // padded fan-out
const L_OFFW = 2; // byte offset of W [Kp, Np] in the parameter block
const L_OFFB = 3; // byte offset of b [Np]
const L_WTR = 4; // pointer: scratch Wᵀ [Np, Kp]
const L_A = 5; // pointer: activations [cap, Np]
const L_DR = 6; // pointer: act'(z) [cap, Np]
const L_G = 7; // pointer: δ = ∂L/∂z (training) or tangent (jvp) [cap, Np]

// @ts-ignore: decorator
@inline function slot(desc: usize, s: i32): i32 {
  return load<i32>(desc + (<usize>s << 2));
}

// @ts-ignore: decorator
@inline function lslot(desc: usize, l: i32, s: i32): i32 {
  return load<i32>(desc + (<usize>(D_LAYER0 + l * L_STRIDE + s) << 2));
}

/** Where the host may start placing data. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Features F0[i] = [x_i, time features of t_i, 0 padding]; time features are
 * `t` (concat) or `t, sin(2^f π t) for f < F, cos(2^f π t) for f < F` (fourier).
 */
function features(desc: usize, r0: i32, n: i32): void {
  const dim = slot(desc, D_DIM);
  const k0 = slot(desc, D_K0);
  const k0p = slot(desc, D_K0P);
  const fourier = slot(desc, D_TIME) == 1;
  const freq = slot(desc, D_FREQ);
  const X = <usize>slot(desc, D_X) + ((<usize>r0 * <usize>dim) << 2);
  const T = <usize>slot(desc, D_T) + (<usize>r0 << 2);
  const F = <usize>slot(desc, D_F0);
  for (let i = 0; i < n; i++) {
    const row = F + ((<usize>i * <usize>k0p) << 2);
    const xr = X + ((<usize>i * <usize>dim) << 2);
    for (let j = 0; j < dim; j++) store<f32>(row + (<usize>j << 2), load<f32>(xr + (<usize>j << 2)));
    const t = load<f32>(T + (<usize>i << 2));
    store<f32>(row + (<usize>dim << 2), t);
    if (fourier) {
      let w: f64 = Math.PI * <f64>t;
      for (let f = 0; f < freq; f++) {
        store<f32>(row + (<usize>(dim + 1 + f) << 2), <f32>Math.sin(w));
        store<f32>(row + (<usize>(dim + 1 + freq + f) << 2), <f32>Math.cos(w));
        w *= 2;
      }
    }
    for (let j = k0; j < k0p; j++) store<f32>(row + (<usize>j << 2), 0);
  }
}

/** Label index of row i (of the whole batch): −1 or ≥ classes means "no label" (the last row). */
// @ts-ignore: decorator
@inline function labelRow(desc: usize, i: i32, labrows: i32): i32 {
  const y = load<i32>(<usize>slot(desc, D_LAB) + (<usize>i << 2));
  return y < 0 || y >= labrows - 1 ? labrows - 1 : y;
}

/**
 * Forward pass of batch rows r0 … r0 + n − 1 (into buffer rows 0 … n − 1)
 * with parameters at `base`; `withD` also stores act'(z) (training, jvp).
 */
function forward(desc: usize, r0: i32, n: i32, base: usize, withD: bool): void {
  features(desc, r0, n);
  const layers = slot(desc, D_LAYERS);
  const act = slot(desc, D_ACT);
  const labrows = slot(desc, D_LABROWS);
  let input = <usize>slot(desc, D_F0);
  for (let l = 0; l < layers; l++) {
    const kp = lslot(desc, l, L_KP);
    const np = lslot(desc, l, L_NP);
    const W = base + <usize>lslot(desc, l, L_OFFW);
    const b = base + <usize>lslot(desc, l, L_OFFB);
    const A = <usize>lslot(desc, l, L_A);
    const Dr = <usize>lslot(desc, l, L_DR);
    const last = l == layers - 1;
    if (last) {
      gemm(input, kp, W, np, A, np, 0, n, kp, np, b, EPI_STORE, act);
    } else if (l == 0 && labrows > 0) {
      gemm(input, kp, W, np, A, np, 0, n, kp, np, b, EPI_STORE, act);
      const Wl = base + <usize>slot(desc, D_WLAB);
      const rowBytes = <usize>np << 2;
      for (let i = 0; i < n; i++) {
        const a = A + <usize>i * rowBytes;
        const w = Wl + <usize>labelRow(desc, r0 + i, labrows) * rowBytes;
        const d = Dr + <usize>i * rowBytes;
        for (let j: usize = 0; j < rowBytes; j += 16) {
          const z = f32x4.add(v128.load(a + j), v128.load(w + j));
          v128.store(a + j, withD ? activateWithDerivative(z, act, d + j) : activate(z, act));
        }
      }
    } else {
      gemm(input, kp, W, np, A, np, Dr, n, kp, np, b, withD ? EPI_ACT_D : EPI_ACT, act);
    }
    input = A;
  }
}

function paramBase(desc: usize, useEma: i32): usize {
  return <usize>slot(desc, useEma ? D_EMA : D_PARAMS);
}

/** Forward pass only: outputs in the last layer's activation buffer [n, Np]. */
export function predict(desc: usize, n: i32, useEma: i32): void {
  forward(desc, 0, n, paramBase(desc, useEma), false);
}

/**
 * Forward pass and forward-mode tangent: with ȧ_0 = [v_i, 0, …],
 * ż_l = ȧ_{l−1} W_l, ȧ_l = act'(z_l) ⊙ ż_l; outputs f in the last activation
 * buffer, J·v in the last δ buffer.
 */
export function jvp(desc: usize, n: i32, useEma: i32): void {
  const base = paramBase(desc, useEma);
  forward(desc, 0, n, base, true);
  const dim = slot(desc, D_DIM);
  const k0p = slot(desc, D_K0P);
  const V = <usize>slot(desc, D_V);
  let input = <usize>slot(desc, D_F0T);
  for (let i = 0; i < n; i++) {
    const row = input + ((<usize>i * <usize>k0p) << 2);
    for (let j = 0; j < k0p; j++) {
      store<f32>(row + (<usize>j << 2), j < dim ? load<f32>(V + ((<usize>i * <usize>dim + <usize>j) << 2)) : 0);
    }
  }
  const layers = slot(desc, D_LAYERS);
  for (let l = 0; l < layers; l++) {
    const kp = lslot(desc, l, L_KP);
    const np = lslot(desc, l, L_NP);
    const W = base + <usize>lslot(desc, l, L_OFFW);
    const G = <usize>lslot(desc, l, L_G);
    const Dr = <usize>lslot(desc, l, L_DR);
    gemm(input, kp, W, np, G, np, Dr, n, kp, np, 0, l == layers - 1 ? EPI_STORE : EPI_MUL, 0);
    input = G;
  }
}

/** Rows per forward/backward pass of lossGrad: keeps every layer's activations of a pass in cache. */
const ROW_CHUNK = 512;

/**
 * Loss L = (1/(n·dim)) Σ_i w_i Σ_j (f_ij − target_ij)² and its gradient with
 * respect to every parameter (written to the gradient block); returns L.
 * Rows go through forward and backward in chunks of ROW_CHUNK; the weight
 * and bias gradients of later chunks accumulate onto the first's.
 */
export function lossGrad(desc: usize, n: i32, hasWeight: i32): f64 {
  let loss: f64 = 0;
  for (let r0 = 0; r0 < n; r0 += ROW_CHUNK) {
    loss += lossGradRows(desc, n, r0, min(ROW_CHUNK, n - r0), hasWeight);
  }
  return loss;
}

/** lossGrad's work on batch rows r0 … r0 + m − 1 of n; returns their share of L. */
function lossGradRows(desc: usize, n: i32, r0: i32, m: i32, hasWeight: i32): f64 {
  const base = <usize>slot(desc, D_PARAMS);
  const grads = <usize>slot(desc, D_GRADS);
  const accumulate = r0 > 0;
  forward(desc, r0, m, base, true);
  const layers = slot(desc, D_LAYERS);
  const dim = slot(desc, D_DIM);
  const last = layers - 1;
  const npL = lslot(desc, last, L_NP);
  const Y = <usize>lslot(desc, last, L_A);
  const GL = <usize>lslot(desc, last, L_G);
  const TG = <usize>slot(desc, D_TGT) + ((<usize>r0 * <usize>dim) << 2);
  const WT = <usize>slot(desc, D_WT) + (<usize>r0 << 2);
  const scale: f64 = 1.0 / (<f64>n * <f64>dim);
  let loss: f64 = 0;
  for (let i = 0; i < m; i++) {
    const w: f64 = hasWeight ? <f64>load<f32>(WT + (<usize>i << 2)) : 1.0;
    const y = Y + ((<usize>i * <usize>npL) << 2);
    const g = GL + ((<usize>i * <usize>npL) << 2);
    const tg = TG + ((<usize>i * <usize>dim) << 2);
    let row: f64 = 0;
    for (let j = 0; j < npL; j++) {
      if (j < dim) {
        const r: f64 = <f64>load<f32>(y + (<usize>j << 2)) - <f64>load<f32>(tg + (<usize>j << 2));
        row += r * r;
        store<f32>(g + (<usize>j << 2), <f32>(2.0 * w * r * scale));
      } else {
        store<f32>(g + (<usize>j << 2), 0);
      }
    }
    loss += w * row;
  }
  const labrows = slot(desc, D_LABROWS);
  for (let l = last; l >= 0; l--) {
    const kp = lslot(desc, l, L_KP);
    const np = lslot(desc, l, L_NP);
    const G = <usize>lslot(desc, l, L_G);
    const input = l == 0 ? <usize>slot(desc, D_F0) : <usize>lslot(desc, l - 1, L_A);
    gemmTN(input, kp, G, np, grads + <usize>lslot(desc, l, L_OFFW), np, m, kp, np, accumulate);
    colsum(G, np, grads + <usize>lslot(desc, l, L_OFFB), m, np, accumulate);
    if (l == 0 && labrows > 0) {
      const gl = grads + <usize>slot(desc, D_WLAB);
      const rowBytes = <usize>np << 2;
      if (!accumulate) {
        for (let j: usize = 0; j < <usize>labrows * rowBytes; j += 16) v128.store(gl + j, f32x4.splat(0));
      }
      for (let i = 0; i < m; i++) {
        const dst = gl + <usize>labelRow(desc, r0 + i, labrows) * rowBytes;
        const src = G + <usize>i * rowBytes;
        for (let j: usize = 0; j < rowBytes; j += 16) v128.store(dst + j, f32x4.add(v128.load(dst + j), v128.load(src + j)));
      }
    }
    if (l > 0) {
      const WTr = <usize>lslot(desc, l, L_WTR);
      if (!accumulate) transpose(base + <usize>lslot(desc, l, L_OFFW), np, kp, np, WTr, kp);
      const Gp = <usize>lslot(desc, l - 1, L_G);
      const Dp = <usize>lslot(desc, l - 1, L_DR);
      gemm(G, np, WTr, kp, Gp, kp, Dp, m, np, kp, 0, EPI_MUL, 0);
    }
  }
  return loss * scale;
}

/**
 * One optimiser step on the parameter block from the gradient block:
 * clip (g ← g·min(1, clip/(‖g‖ + 1e−6)) when clip > 0), L2 (Adam: g += wd·θ)
 * or decoupled decay (AdamW: θ ← θ·(1 − lr·wd)), then
 * m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g², θ ← θ − s·m / (√v / c2 + eps)
 * with s = lr / (1 − β1^t), c2 = √(1 − β2^t); then ema ← d·ema + (1−d)·θ when d > 0.
 * Returns the gradient norm before clipping.
 */
export function adam(
  desc: usize, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, decoupled: i32, clip: f32, emaDecay: f32,
  stepSize: f32, bc2sqrt: f32,
): f32 {
  const P = <usize>slot(desc, D_P);
  const th = <usize>slot(desc, D_PARAMS);
  const gr = <usize>slot(desc, D_GRADS);
  const mm = <usize>slot(desc, D_M);
  const vv = <usize>slot(desc, D_VV);
  const em = <usize>slot(desc, D_EMA);
  const bytes = P << 2;
  let acc = f32x4.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) {
    const g = v128.load(gr + o);
    acc = madd(g, g, acc);
  }
  const norm = Mathf.sqrt(
    f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3),
  );
  let coef: f32 = 1;
  if (clip > 0) {
    const c = clip / (norm + <f32>1e-6);
    if (c < 1) coef = c;
  }
  const vcoef = f32x4.splat(coef);
  const vb1 = f32x4.splat(beta1);
  const vb1c = f32x4.splat(<f32>1 - beta1);
  const vb2 = f32x4.splat(beta2);
  const vb2c = f32x4.splat(<f32>1 - beta2);
  const veps = f32x4.splat(eps);
  const vwd = f32x4.splat(wd);
  const vdecay = f32x4.splat(<f32>1 - lr * wd);
  const vstep = f32x4.splat(stepSize);
  const vbc2 = f32x4.splat(bc2sqrt);
  const ved = f32x4.splat(emaDecay);
  const vedc = f32x4.splat(<f32>1 - emaDecay);
  const l2 = !decoupled && wd != 0;
  const dec = decoupled && wd != 0;
  for (let o: usize = 0; o < bytes; o += 16) {
    let g = f32x4.mul(v128.load(gr + o), vcoef);
    let t = v128.load(th + o);
    if (l2) g = madd(vwd, t, g);
    if (dec) t = f32x4.mul(t, vdecay);
    const m = madd(vb1, v128.load(mm + o), f32x4.mul(vb1c, g));
    const v = madd(vb2, v128.load(vv + o), f32x4.mul(vb2c, f32x4.mul(g, g)));
    v128.store(mm + o, m);
    v128.store(vv + o, v);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(v), vbc2), veps);
    t = f32x4.sub(t, f32x4.div(f32x4.mul(vstep, m), denom));
    v128.store(th + o, t);
    if (emaDecay > 0) v128.store(em + o, madd(ved, v128.load(em + o), f32x4.mul(vedc, t)));
  }
  return norm;
}

/** lossGrad then adam: one training step in one call; returns the loss before the update. */
export function trainStep(
  desc: usize, n: i32, hasWeight: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, decoupled: i32, clip: f32,
  emaDecay: f32, stepSize: f32, bc2sqrt: f32,
): f64 {
  const loss = lossGrad(desc, n, hasWeight);
  adam(desc, lr, beta1, beta2, eps, wd, decoupled, clip, emaDecay, stepSize, bc2sqrt);
  return loss;
}
