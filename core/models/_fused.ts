/**
 * The fused engine: the MLP's forward, backward and optimiser step in one
 * WebAssembly SIMD call (`core/backend/kernels/assembly/mlp.ts`).
 *
 * This file owns the kernel's memory layout: a descriptor of i32 slots, then
 * the parameter block (params, grads, Adam m and v, EMA — one layout, widths
 * padded to multiples of 4, label rows of the first layer apart), the Wᵀ
 * scratch, and the batch region (inputs, features, per-layer activations,
 * derivatives and deltas) sized for `capacity` rows. Batch data is written
 * straight into the module's memory through typed-array views, renewed
 * whenever `memory.grow` replaces the buffer.
 *
 * @module
 */
import { instantiateKernel, type KernelVariant, kernelVariant } from "../backend/mod.ts";
import { ACTIVATIONS, labelFeatureCount, type LayerShape, layerShapes, timeFeatureCount } from "./config.ts";
import type { MlpConfig, OptimizerConfig, TrainBatch } from "./types.ts";

// Descriptor slots (keep in sync with assembly/mlp.ts).
const D_LAYERS = 0, D_DIM = 1, D_K0 = 2, D_K0P = 3, D_TIME = 4, D_FREQ = 5, D_LABROWS = 6, D_ACT = 7;
const D_X = 8, D_T = 9, D_TGT = 10, D_WT = 11, D_LAB = 12, D_F0 = 13, D_V = 14, D_F0T = 15;
const D_PARAMS = 16, D_GRADS = 17, D_M = 18, D_VV = 19, D_EMA = 20, D_P = 21, D_WLAB = 22;
const D_LAYER0 = 32, L_STRIDE = 8;
const L_KP = 0, L_NP = 1, L_OFFW = 2, L_OFFB = 3, L_WTR = 4, L_A = 5, L_DR = 6, L_G = 7;

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  predict(desc: number, n: number, useEma: number): void;
  jvp(desc: number, n: number, useEma: number): void;
  lossGrad(desc: number, n: number, hasWeight: number): number;
  adam(
    desc: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    wd: number,
    decoupled: number,
    clip: number,
    ema: number,
    stepSize: number,
    bc2sqrt: number,
  ): number;
  trainStep(
    desc: number,
    n: number,
    hasWeight: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    wd: number,
    decoupled: number,
    clip: number,
    ema: number,
    stepSize: number,
    bc2sqrt: number,
  ): number;
}

const pad4 = (n: number): number => (n + 3) & ~3;
const align16 = (bytes: number): number => (bytes + 15) & ~15;

/** Which block of the parameter layout. */
export type FusedBlock = "params" | "grads" | "m" | "v" | "ema";

/** Rows per kernel call for evaluation (predict, jvp) when n is larger. */
const EVAL_CHUNK = 2048;

/** One MLP's fused kernel instance (its own WebAssembly memory). */
export class FusedEngine {
  readonly variant: KernelVariant;
  readonly config: MlpConfig;
  readonly paramCount: number;
  private readonly kernel: KernelExports;
  private readonly layers: LayerShape[];
  private readonly kp: number[];
  private readonly np: number[];
  private readonly k0: number;
  private readonly labrows: number;
  private readonly desc: number;
  private readonly blocks: Record<FusedBlock, number>;
  /** Padded parameter count (floats). */
  private readonly P: number;
  private readonly wlabOffset: number;
  private readonly batchBase: number;
  private capacity = 0;
  private i32!: Int32Array;
  private f32!: Float32Array;

  constructor(config: MlpConfig) {
    this.config = config;
    this.variant = kernelVariant("mlp");
    this.kernel = instantiateKernel("mlp").exports as unknown as KernelExports;
    this.layers = layerShapes(config);
    this.paramCount = this.layers[this.layers.length - 1]!.offsetB + config.dim;
    this.labrows = labelFeatureCount(config);
    this.k0 = config.dim + timeFeatureCount(config);
    this.kp = this.layers.map((l, i) => pad4(i === 0 ? this.k0 : l.fanIn));
    this.np = this.layers.map((l) => pad4(l.fanOut));
    const L = this.layers.length;
    let at = align16(this.kernel.heapBase());
    this.desc = at;
    at += align16((D_LAYER0 + L * L_STRIDE) * 4);
    // Parameter layout (byte offsets inside a block).
    const offW: number[] = [];
    const offB: number[] = [];
    let p = 0;
    for (let l = 0; l < L; l++) {
      offW.push(p * 4);
      p += this.kp[l]! * this.np[l]!;
      offB.push(p * 4);
      p += this.np[l]!;
    }
    this.wlabOffset = p * 4;
    p += this.labrows * this.np[0]!;
    this.P = p;
    const blockBytes = align16(p * 4);
    const names: FusedBlock[] = ["params", "grads", "m", "v", "ema"];
    this.blocks = {} as Record<FusedBlock, number>;
    for (const name of names) {
      this.blocks[name] = at;
      at += blockBytes;
    }
    const wtr: number[] = [];
    for (let l = 0; l < L; l++) {
      wtr.push(at);
      at += align16(this.kp[l]! * this.np[l]! * 4);
    }
    this.batchBase = at;
    this.ensureMemory(at);
    const i32 = this.i32;
    const d = this.desc >> 2;
    const te = config.timeEmbedding;
    i32[d + D_LAYERS] = L;
    i32[d + D_DIM] = config.dim;
    i32[d + D_K0] = this.k0;
    i32[d + D_K0P] = this.kp[0]!;
    i32[d + D_TIME] = te.kind === "fourier" ? 1 : 0;
    i32[d + D_FREQ] = te.kind === "fourier" ? te.frequencies : 0;
    i32[d + D_LABROWS] = this.labrows;
    i32[d + D_ACT] = ACTIVATIONS.indexOf(config.activation);
    i32[d + D_PARAMS] = this.blocks.params;
    i32[d + D_GRADS] = this.blocks.grads;
    i32[d + D_M] = this.blocks.m;
    i32[d + D_VV] = this.blocks.v;
    i32[d + D_EMA] = this.blocks.ema;
    i32[d + D_P] = p;
    i32[d + D_WLAB] = this.wlabOffset;
    for (let l = 0; l < L; l++) {
      const s = d + D_LAYER0 + l * L_STRIDE;
      i32[s + L_KP] = this.kp[l]!;
      i32[s + L_NP] = this.np[l]!;
      i32[s + L_OFFW] = offW[l]!;
      i32[s + L_OFFB] = offB[l]!;
      i32[s + L_WTR] = wtr[l]!;
    }
    this.offW = offW;
    this.offB = offB;
    this.ensureCapacity(256);
  }

  private readonly offW: number[];
  private readonly offB: number[];

  private ensureMemory(bytes: number): void {
    const mem = this.kernel.memory;
    const need = bytes - mem.buffer.byteLength;
    if (need > 0) mem.grow(Math.ceil(need / 65536));
    this.refreshViews();
  }

  private refreshViews(): void {
    const buf = this.kernel.memory.buffer;
    if (this.f32?.buffer !== buf) {
      this.f32 = new Float32Array(buf);
      this.i32 = new Int32Array(buf);
    }
  }

  /** Makes room for batches of `n` rows (the batch region is laid out again; parameters stay). */
  ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, 16);
    const dim = this.config.dim;
    let at = this.batchBase;
    const take = (floats: number): number => {
      const ptr = at;
      at += align16(floats * 4);
      return ptr;
    };
    const ptrs: number[] = [];
    ptrs[D_X] = take(cap * dim);
    ptrs[D_T] = take(cap);
    ptrs[D_TGT] = take(cap * dim);
    ptrs[D_WT] = take(cap);
    ptrs[D_LAB] = take(cap);
    ptrs[D_F0] = take(cap * this.kp[0]!);
    ptrs[D_V] = take(cap * dim);
    ptrs[D_F0T] = take(cap * this.kp[0]!);
    const per: number[][] = this.layers.map((_, l) => [
      take(cap * this.np[l]!),
      take(cap * this.np[l]!),
      take(cap * this.np[l]!),
    ]);
    this.ensureMemory(at);
    const d = this.desc >> 2;
    for (const s of [D_X, D_T, D_TGT, D_WT, D_LAB, D_F0, D_V, D_F0T]) this.i32[d + s] = ptrs[s]!;
    per.forEach(([a, dr, g], l) => {
      const s = d + D_LAYER0 + l * L_STRIDE;
      this.i32[s + L_A] = a!;
      this.i32[s + L_DR] = dr!;
      this.i32[s + L_G] = g!;
    });
    this.capacity = cap;
  }

  private slot(s: number): number {
    return this.i32[(this.desc >> 2) + s]!;
  }

  private layerSlot(l: number, s: number): number {
    return this.i32[(this.desc >> 2) + D_LAYER0 + l * L_STRIDE + s]!;
  }

  /** Writes a flat parameter vector (contract layout, see types.ts) into a block. */
  writeBlock(block: FusedBlock, flat: Float32Array): void {
    if (flat.length !== this.paramCount) {
      throw new Error(`Cannot load parameters: length "${flat.length}" must be ${this.paramCount} for this config`);
    }
    this.refreshViews();
    const f32 = this.f32;
    const base = this.blocks[block] >> 2;
    f32.fill(0, base, base + this.P);
    this.layers.forEach((layer, l) => {
      const np = this.np[l]!;
      const w = base + (this.offW[l]! >> 2);
      const rows = l === 0 ? this.k0 : layer.fanIn;
      for (let k = 0; k < rows; k++) {
        f32.set(flat.subarray(layer.offsetW + k * layer.fanOut, layer.offsetW + (k + 1) * layer.fanOut), w + k * np);
      }
      if (l === 0) {
        const wl = base + (this.wlabOffset >> 2);
        for (let r = 0; r < this.labrows; r++) {
          const k = this.k0 + r;
          f32.set(flat.subarray(layer.offsetW + k * layer.fanOut, layer.offsetW + (k + 1) * layer.fanOut), wl + r * np);
        }
      }
      f32.set(flat.subarray(layer.offsetB, layer.offsetB + layer.fanOut), base + (this.offB[l]! >> 2));
    });
  }

  /** Reads a block back in the contract layout. */
  readBlock(block: FusedBlock, out = new Float32Array(this.paramCount)): Float32Array {
    this.refreshViews();
    const f32 = this.f32;
    const base = this.blocks[block] >> 2;
    this.layers.forEach((layer, l) => {
      const np = this.np[l]!;
      const w = base + (this.offW[l]! >> 2);
      const rows = l === 0 ? this.k0 : layer.fanIn;
      for (let k = 0; k < rows; k++) {
        out.set(f32.subarray(w + k * np, w + k * np + layer.fanOut), layer.offsetW + k * layer.fanOut);
      }
      if (l === 0) {
        const wl = base + (this.wlabOffset >> 2);
        for (let r = 0; r < this.labrows; r++) {
          out.set(f32.subarray(wl + r * np, wl + r * np + layer.fanOut), layer.offsetW + (this.k0 + r) * layer.fanOut);
        }
      }
      out.set(f32.subarray(base + (this.offB[l]! >> 2), base + (this.offB[l]! >> 2) + layer.fanOut), layer.offsetB);
    });
    return out;
  }

  private writeBatch(batch: TrainBatch): void {
    const n = batch.n;
    this.ensureCapacity(n);
    this.refreshViews();
    const dim = this.config.dim;
    const f32 = this.f32;
    f32.set(batch.x.subarray(0, n * dim), this.slot(D_X) >> 2);
    f32.set(batch.t.subarray(0, n), this.slot(D_T) >> 2);
    f32.set(batch.target.subarray(0, n * dim), this.slot(D_TGT) >> 2);
    if (batch.weight) f32.set(batch.weight.subarray(0, n), this.slot(D_WT) >> 2);
    if (this.labrows > 0) this.writeLabels(batch.labels, 0, n);
  }

  private writeLabels(labels: Int32Array | undefined, from: number, n: number): void {
    const at = this.slot(D_LAB) >> 2;
    if (labels) this.i32.set(labels.subarray(from, from + n), at);
    else this.i32.fill(-1, at, at + n);
  }

  /** Loss and gradient (contract layout) without an update. */
  lossGrad(batch: TrainBatch): { loss: number; grad: Float32Array } {
    this.writeBatch(batch);
    const loss = this.kernel.lossGrad(this.desc, batch.n, batch.weight ? 1 : 0);
    return { loss, grad: this.readBlock("grads") };
  }

  /** One step: loss (before the update), gradient, clipping, Adam/AdamW, EMA. `step` is the new step count (≥ 1). */
  trainStep(batch: TrainBatch, lr: number, opt: OptimizerConfig, step: number): number {
    this.writeBatch(batch);
    const bc1 = 1 - Math.pow(opt.beta1, step);
    const bc2 = 1 - Math.pow(opt.beta2, step);
    return this.kernel.trainStep(
      this.desc,
      batch.n,
      batch.weight ? 1 : 0,
      lr,
      opt.beta1,
      opt.beta2,
      opt.eps,
      opt.weightDecay,
      opt.kind === "adamw" ? 1 : 0,
      opt.clip,
      opt.ema,
      lr / bc1,
      Math.sqrt(bc2),
    );
  }

  /** Forward pass (and J·v when `v` is given) over n rows in chunks; f64 in and out. */
  evaluate(
    x: Float64Array,
    n: number,
    t: number | Float64Array,
    out: Float64Array,
    labels: Int32Array | undefined,
    useEma: boolean,
    v?: Float64Array,
    jv?: Float64Array,
  ): void {
    const dim = this.config.dim;
    const chunk = Math.min(n, EVAL_CHUNK);
    this.ensureCapacity(chunk);
    this.refreshViews();
    const f32 = this.f32;
    const last = this.layers.length - 1;
    const npL = this.np[last]!;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const xp = this.slot(D_X) >> 2;
      for (let i = 0; i < m * dim; i++) f32[xp + i] = x[s * dim + i]!;
      const tp = this.slot(D_T) >> 2;
      if (typeof t === "number") f32.fill(t, tp, tp + m);
      else for (let i = 0; i < m; i++) f32[tp + i] = t[s + i]!;
      if (this.labrows > 0) this.writeLabels(labels, s, m);
      if (v) {
        const vp = this.slot(D_V) >> 2;
        for (let i = 0; i < m * dim; i++) f32[vp + i] = v[s * dim + i]!;
        this.kernel.jvp(this.desc, m, useEma ? 1 : 0);
      } else {
        this.kernel.predict(this.desc, m, useEma ? 1 : 0);
      }
      const yp = this.layerSlot(last, L_A) >> 2;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < dim; j++) out[(s + i) * dim + j] = f32[yp + i * npL + j]!;
      }
      if (v && jv) {
        const gp = this.layerSlot(last, L_G) >> 2;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < dim; j++) jv[(s + i) * dim + j] = f32[gp + i * npL + j]!;
        }
      }
    }
  }
}
