/**
 * Encoding each port type's value as an artifact, for the content cache.
 * Values of `rebuild` kinds (paths, couplings, untrained models, the oracle)
 * are never stored.
 *
 * @module
 */
import { makePoints, type Points } from "../data/mod.ts";
import { type Artifact, decodeArtifact, encodeArtifact } from "./artifacts.ts";
import type { PortType } from "./kind.ts";
import { deserializeModelState, serializeModelState } from "../models/mod.ts";
import type { MetricValue, ModelValue, NllValue, SampleSet, TrainingHistory, Trajectories } from "./values.ts";

/** Encodes and decodes one port type. */
export interface PortCodec {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

function pointsArtifact(p: Points): Artifact {
  return {
    header: { n: p.n, dim: p.dim, ...(p.classes !== undefined ? { classes: p.classes } : {}) },
    arrays: { data: p.data, ...(p.labels ? { labels: p.labels } : {}) },
  };
}

function pointsFrom(a: Artifact): Points {
  const labels = a.arrays.labels as Int32Array | undefined;
  return makePoints(
    a.arrays.data as Float64Array,
    a.header.dim as number,
    labels ? { labels, classes: a.header.classes as number } : {},
  );
}

const codecs: Partial<Record<PortType, PortCodec>> = {
  samples: {
    encode(value) {
      const s = value as SampleSet;
      if (!s.points) return encodeArtifact({ header: { empty: true }, arrays: {} });
      return encodeArtifact(pointsArtifact(s.points));
    },
    decode(bytes) {
      const a = decodeArtifact(bytes);
      return a.header.empty ? {} : { points: pointsFrom(a) } satisfies SampleSet;
    },
  },
  history: {
    encode(value) {
      return encodeArtifact({ header: { type: "history" }, arrays: { ...(value as TrainingHistory).columns } });
    },
    decode(bytes) {
      return { columns: decodeArtifact(bytes).arrays as Record<string, Float64Array> } satisfies TrainingHistory;
    },
  },
  trajectories: {
    encode(value) {
      const t = value as Trajectories;
      return encodeArtifact({ header: { n: t.n, dim: t.dim }, arrays: { times: t.times, states: t.states } });
    },
    decode(bytes) {
      const a = decodeArtifact(bytes);
      return {
        n: a.header.n as number,
        dim: a.header.dim as number,
        times: a.arrays.times as Float64Array,
        states: a.arrays.states as Float64Array,
      } satisfies Trajectories;
    },
  },
  model: {
    encode(value) {
      const m = value as ModelValue;
      if (m.type !== "trained") {
        throw new Error(`Cannot store a model of type "${m.type}": only trained models are stored`);
      }
      return encodeArtifact({
        header: { type: "trained", prediction: m.prediction, engine: m.engine, ema: m.ema },
        arrays: { state: serializeModelState(m.state) },
      });
    },
    decode(bytes) {
      const a = decodeArtifact(bytes);
      return {
        type: "trained",
        state: deserializeModelState(a.arrays.state as Uint8Array),
        prediction: a.header.prediction,
        engine: a.header.engine,
        ema: a.header.ema,
      } as ModelValue;
    },
  },
  // a coupling is rebuilt from what its node stores (e.g. data.corrupt's x0 and x1): nothing of its own
  pairs: {
    encode: () => encodeArtifact({ header: { type: "pairs", rebuilt: true }, arrays: {} }),
    decode: () => null,
  },
  nfe: {
    encode: (value) => encodeArtifact({ header: { nfe: value as number }, arrays: {} }),
    decode: (bytes) => decodeArtifact(bytes).header.nfe as number,
  },
  value: {
    encode: (value) => encodeArtifact({ header: { value: value as MetricValue }, arrays: {} }),
    decode: (bytes) => decodeArtifact(bytes).header.value as MetricValue,
  },
  nll: {
    encode(value) {
      const { logp, ...rest } = value as NllValue;
      return encodeArtifact({ header: rest as unknown as Record<string, unknown>, arrays: { logp } });
    },
    decode(bytes) {
      const a = decodeArtifact(bytes);
      return {
        ...(a.header as unknown as Omit<NllValue, "logp">),
        logp: a.arrays.logp as Float64Array,
      } satisfies NllValue;
    },
  },
};

/** The codec of a port type; throws for types that are never stored. */
export function codecFor(type: PortType): PortCodec {
  const c = codecs[type];
  if (!c) throw new Error(`Cannot store a value of type "${type}": it is rebuilt, never cached`);
  return c;
}
