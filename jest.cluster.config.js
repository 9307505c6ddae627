/** `npm run test:cluster`: dist/ on a real control plane (needs Go; builds and caches the binaries on first run).
 * Separate from jest.config.js so `npm test` stays Node-only. Run in band: the tests of a file share one cluster
 * and build on each other's state, in order (website-controller.test.ts starts its own, and runs alone too). */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test-cluster'],
  testTimeout: 10 * 60_000,
  maxWorkers: 1,
};
