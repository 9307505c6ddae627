/** `npm run test:validators`: the real programs (promtool, amtool, kubeconform, kube-score) on the generated output.
 * Its own roots, so `npm test` (jest.config.js, roots test/) stays Node-only and never needs Go; the binaries are
 * built before jest starts (scripts/validators/build.ts), so no test waits on a compiler. */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test-validators'],
  setupFilesAfterEnv: ['<rootDir>/test-validators/support/cleanup.ts'],
  testTimeout: 120000,
};
