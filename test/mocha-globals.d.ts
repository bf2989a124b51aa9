// Browser tests (`*.browser.test.ts`) run under web-test-runner's mocha, which provides describe/it/
// before/after as globals. Node tests import them from 'node:test' instead.
/// <reference types="mocha" />
