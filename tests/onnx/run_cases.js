// Runs exported ONNX models with onnxruntime (the onnxruntime-node package) and compares their
// outputs with what mlptrain computed for the same inputs.
//
//   node run_cases.js RUNTIME_DIR MANIFEST.json...
//
// RUNTIME_DIR holds node_modules/onnxruntime-node (scripts/test installs it there from
// tests/onnx/package.json). The manifest (written by make_cases.py and onnx_formula_cases) is
// {"cases": [{"name", "model", "inputs": {NAME: {"type": "float32" | "string", "dims", "data"}},
// "expected": {OUTPUT: {"data"}}, "atol", "rtol"}]}; a null in float data is NaN (an empty cell).
// A float output passes where |onnx - expected| <= atol + rtol * |expected| for every value, a
// string output where every value is equal. Prints one line per case with the largest difference
// of each output; exits 1 when a case fails.
'use strict';
const fs = require('fs');
const path = require('path');

async function runCase(ort, c) {
  const session = await ort.InferenceSession.create(c.model);
  const feeds = {};
  for (const [name, input] of Object.entries(c.inputs)) {
    const data = input.type === 'string' ? input.data : Float32Array.from(input.data, (v) => (v === null ? NaN : v));
    feeds[name] = new ort.Tensor(input.type, data, input.dims);
  }
  const results = await session.run(feeds);
  const notes = [];
  let ok = true;
  for (const [name, expected] of Object.entries(c.expected)) {
    const got = results[name];
    if (!got) throw new Error(`${c.name}: the model has no output "${name}"`);
    if (got.data.length !== expected.data.length) {
      notes.push(`${name}: ${got.data.length} values, expected ${expected.data.length}`);
      ok = false;
      continue;
    }
    if (got.type === 'string') {
      const wrong = expected.data.filter((v, i) => got.data[i] !== v).length;
      notes.push(`${name}: ${wrong} of ${expected.data.length} differ`);
      ok = ok && wrong === 0;
      continue;
    }
    let worst = 0, worstExcess = -Infinity;
    expected.data.forEach((v, i) => {
      const diff = Math.abs(got.data[i] - v);
      const excess = (Number.isNaN(diff) ? Infinity : diff) - (c.atol + c.rtol * Math.abs(v));
      worst = Math.max(worst, Number.isNaN(diff) ? Infinity : diff);
      worstExcess = Math.max(worstExcess, excess);
    });
    notes.push(`${name}: max |onnx - mlptrain| = ${worst.toExponential(2)}`);
    ok = ok && worstExcess <= 0;
  }
  return {ok, line: `${ok ? 'ok  ' : 'FAIL'} ${c.name}: ${notes.join('; ')}`};
}

async function main() {
  const [runtimeDir, ...manifestPaths] = process.argv.slice(2);
  if (!runtimeDir || manifestPaths.length === 0) {
    console.error('usage: node run_cases.js RUNTIME_DIR MANIFEST.json...');
    process.exit(2);
  }
  const ort = require(path.resolve(runtimeDir, 'node_modules', 'onnxruntime-node'));
  const cases = manifestPaths.flatMap((p) => JSON.parse(fs.readFileSync(p, 'utf8')).cases);
  let failed = 0;
  for (const c of cases) {
    try {
      const {ok, line} = await runCase(ort, c);
      console.log(line);
      if (!ok) failed++;
    } catch (error) {
      console.log(`FAIL ${c.name}: ${error.message}`);
      failed++;
    }
  }
  console.log(`${cases.length - failed} of ${cases.length} cases passed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
