import assert from "node:assert/strict";
import { parseSet } from "../../core/graph/mod.ts";
import {
  formatArray,
  memberCommand,
  parseArray,
  setArgOf,
  shellQuote,
  slurmBatchScript,
  splitShellWords,
} from "../../core/scheduler/slurm.ts";

const NASTY = ["plain", "with space", "it's", 'say "hi"', "$HOME", "`id`", "a\\b", "", "semi;colon", "*", "new\nline"];

async function bash(script: string, env: Record<string, string> = {}): Promise<string> {
  const out = await new Deno.Command("bash", { args: ["-c", script], env, stdout: "piped", stderr: "piped" }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("shellQuote() makes bash read back every word exactly", async () => {
  const printed = await bash(`printf '%s\\0' ${NASTY.map(shellQuote).join(" ")}`);
  assert.deepEqual(printed.split("\0").slice(0, -1), NASTY);
  assert.equal(shellQuote("/work/runs"), "/work/runs");
});

Deno.test("splitShellWords() splits as bash does (quotes, escapes, no expansion)", async () => {
  const texts = [
    `--qos=low --account=abc`,
    `  --comment='two words'   --x="a \\"quoted\\" b" `,
    `--constraint=a\\ b --mail-user="x@y" ''`,
    `--a='it'"'"'s'`,
  ];
  for (const t of texts) {
    const viaBash = (await bash(`eval "set -- $FLOWLAB_WORDS"; printf '%s\\0' "$@"`, { FLOWLAB_WORDS: t }))
      .split("\0").slice(0, -1);
    assert.deepEqual(splitShellWords(t), viaBash, t);
  }
  assert.throws(() => splitShellWords(`--comment='open`), /unclosed ' quote/);
});

Deno.test("formatArray() compacts runs and parseArray() reads them back", () => {
  assert.equal(formatArray([0, 1, 2, 3, 5, 7, 8]), "0-3,5,7-8");
  assert.equal(formatArray([4]), "4");
  assert.equal(formatArray([9, 2, 3, 2]), "2-3,9");
  for (const ids of [[0, 1, 2, 3], [2], [0, 2, 4, 5, 6, 10], [100, 101, 999]]) {
    assert.deepEqual(parseArray(formatArray(ids)), ids);
  }
  assert.deepEqual(parseArray("0-6:3%2"), [0, 3, 6]);
  assert.throws(() => parseArray("1-x"), /not N or N-M/);
});

Deno.test("setArgOf() writes --set values that parseSet() reads back identically", () => {
  const sets = [
    { path: "seed", values: [0, 1, 2] },
    { path: "fit.params.lr", values: [0.001, 0.1 + 0.2, 1e-12] },
    { path: "pairs.kind", values: ["coupling.independent", "coupling.ot"] },
    { path: "model.params.hidden", values: [[64, 64], [32, 32, 32]] },
    { path: "x.params.odd", values: ["a,b", 'q"uote', "1", true, null, { k: [1, "v"] }] },
  ];
  for (const s of sets) assert.deepEqual(parseSet(setArgOf(s)), s);
});

Deno.test("slurmBatchScript() runs the member command with the task id, in the checkout", async () => {
  const command = memberCommand({
    deno: "/opt/deno dir/deno",
    root: "/work/project",
    file: "/work/project/experiments/x.yaml",
    runsDir: "/shared/runs",
    backend: "wasm",
    jobs: 2,
    sets: [{ path: "seed", values: [0, 1] }, { path: "fit.params.lr", values: [0.001] }],
    dataDirs: ["/data"],
    recompute: ["fit"],
  });
  assert.deepEqual(command.slice(0, 6), [
    "/opt/deno dir/deno",
    "run",
    "-A",
    "/work/project/cli.ts",
    "run",
    "/work/project/experiments/x.yaml",
  ]);
  const script = slurmBatchScript({
    command,
    logDir: "/shared/runs/x-sweep-abc/slurm",
    root: "/work/project",
    jobName: "flowlab-x",
    slurm: { partition: "gpu", time: "01:00:00", cpus: 4, mem: "8G" },
  });
  assert.match(script, /^#!\/bin\/bash\n/);
  for (
    const d of [
      "--output=/shared/runs/x-sweep-abc/slurm/%A_%a.out",
      "--partition=gpu",
      "--time=01:00:00",
      "--cpus-per-task=4",
      "--mem=8G",
    ]
  ) assert.ok(script.includes(`#SBATCH ${d}\n`), d);
  // what bash would execute: replace `exec` by printing the words
  const printed = await bash(script.replace("exec ", "printf '%s\\0' ").replace(/^cd .*$/m, ""), {
    SLURM_ARRAY_TASK_ID: "5",
  });
  assert.deepEqual(printed.split("\0").slice(0, -1), [
    ...command,
    "--member",
    "5",
  ]);
  assert.deepEqual(command.slice(6), [
    "--out",
    "/shared/runs",
    "--backend",
    "wasm",
    "--jobs",
    "2",
    "--set",
    "seed=0,1",
    "--set",
    "fit.params.lr=0.001",
    "--data-dir",
    "/data",
    "--recompute",
    "fit",
  ]);
  assert.throws(
    () => slurmBatchScript({ command, logDir: "/l", root: "/r", jobName: "j", slurm: { partition: "a b" } }),
    /contains a space/,
  );
});
