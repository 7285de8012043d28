module.exports = require('../../jest.preset.js')(__dirname, {
  collectCoverage: true,
  collectCoverageFrom: [
    'src/**/*.ts',
    '!src/**/*.spec.ts',
    '!src/demo/**',
    '!src/index.ts',
    '!src/**/index.ts',
  ],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 90 } },
});
