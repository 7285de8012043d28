// Jest global setup: the child-process tests run the compiled JS in dist/, so compile this package first
// (incremental; the referenced core is used as built). Turbo builds before testing anyway.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = () => {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json')],
    {
      stdio: 'inherit',
    },
  );
};
