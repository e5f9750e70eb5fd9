import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, kernelVariant, relaxedFmaProbe, wasmBinaryPaths } from "../../core/backend/mod.ts";

Deno.test("initBackend() starts wasm from the npm package's own binaries and reports its version", async () => {
  for (const path of Object.values(wasmBinaryPaths())) assert.ok(Deno.statSync(path).isFile, path);
  const info = await initBackend("wasm");
  assert.equal(info.name, "wasm");
  assert.equal(info.tfjs, tf.version_core);
  assert.equal(info.version, "4.22.0");
  assert.ok(info.variant === "simd" || info.variant === "plain");
  assert.equal(tf.getBackend(), "wasm");
  assert.deepEqual(Array.from(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]))).dataSync()), [
    11,
  ]);
});

Deno.test("initBackend() switches to cpu and back", async () => {
  assert.equal((await initBackend("cpu")).name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal((await initBackend("wasm")).name, "wasm");
});

Deno.test("initBackend() explains how to install tensorflow when it is absent", async () => {
  await assert.rejects(initBackend("tensorflow"), (e: Error) => {
    assert.match(
      e.message,
      /Cannot load backend "tensorflow": @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed/,
    );
    assert.match(e.message, /deno add npm:@tensorflow\/tfjs-node@4\.22\.0/);
    assert.match(e.message, /--backend wasm/);
    return true;
  });
  await assert.rejects(
    initBackend("webgl" as never),
    /Cannot use backend "webgl": expected one of "wasm", "cpu", "tensorflow"/,
  );
  await initBackend("wasm");
});

Deno.test("relaxedFmaProbe() tells fused from unfused relaxed multiply-add where relaxed SIMD exists", () => {
  const probe = relaxedFmaProbe();
  if (kernelVariant("mlp") === "relaxed") assert.ok(probe === "fma" || probe === "nofma", probe);
  else assert.ok(["fma", "nofma", "none"].includes(probe));
  assert.equal(relaxedFmaProbe(), probe);
});
