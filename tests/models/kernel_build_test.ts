import assert from "node:assert/strict";
import { compileKernel } from "../../core/backend/kernels/build.ts";

Deno.test("the committed mlp kernels are what their AssemblyScript sources compile to", async () => {
  for (const relaxed of [false, true]) {
    const file = new URL(`../../core/backend/kernels/build/mlp${relaxed ? ".relaxed" : ""}.wasm`, import.meta.url);
    const committed = Deno.readFileSync(file);
    const built = await compileKernel("mlp", relaxed);
    assert.ok(
      committed.length === built.length && committed.every((b, i) => b === built[i]),
      `${file.pathname} is stale: run "deno task build" and commit it`,
    );
  }
});
