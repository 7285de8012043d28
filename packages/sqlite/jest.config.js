module.exports = require('../../jest.preset.js')(__dirname, { globalSetup: '<rootDir>/jest.build-dist.js' });
