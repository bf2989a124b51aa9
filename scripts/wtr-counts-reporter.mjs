// A web-test-runner reporter that prints nothing and writes the run's totals to a JSON file,
// so scripts/test.mjs can add them to the closing `N passed, N failed` line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function countSuite(suite, counts) {
  if (!suite) return;
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped += 1;
    else if (test.passed) counts.passed += 1;
    else counts.failed += 1;
  }
  for (const child of suite.suites ?? []) countSuite(child, counts);
}

/** Totals over every test of every session (one session = one test file in one browser). */
export function countSessions(sessions) {
  const counts = { passed: 0, failed: 0, skipped: 0, sessions: 0, sessionErrors: 0, files: 0 };
  const files = new Set();
  for (const session of sessions) {
    counts.sessions += 1;
    files.add(session.testFile);
    const failedBefore = counts.failed;
    countSuite(session.testResults, counts);
    // A file that failed to load, timed out or threw outside a test fails its session with maybe no
    // failed test results: count it as one failure so it can never pass silently.
    if (!session.passed && counts.failed === failedBefore) {
      counts.sessionErrors += 1;
      counts.failed += 1;
    }
  }
  counts.files = files.size;
  return counts;
}

export function countsReporter({ file } = {}) {
  let written = false;
  const write = (sessions) => {
    if (!file) return;
    const counts = countSessions(sessions);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(counts)}\n`);
    written = true;
  };
  return {
    onTestRunFinished({ sessions }) {
      write(sessions);
    },
    stop({ sessions }) {
      if (!written) write(sessions);
    },
  };
}
