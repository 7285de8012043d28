// Shared jest settings: @swc/jest transpiles (fast); `tsc -b` typechecks separately.
// Workspace packages resolve to their sources, so tests never need a build first.
const path = require('node:path');

module.exports = (dir, extra = {}) => ({
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          target: 'es2022',
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@dossier/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    '^@dossier/([a-z-]+)/testing$': path.join(__dirname, 'packages/$1/src/testing/index.ts'),
  },
  ...extra,
});
