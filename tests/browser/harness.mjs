// What the browser test scripts (e2e.mjs, corpus.mjs) share: the loopback
// URL of the server under test from the command line, the screenshot folder,
// a TAP-like check counter, and Debian's Chromium launched with
// playwright-core (a fresh temporary profile per launch, deleted on close).

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where screenshots go: $UNSPIN_E2E_ARTIFACTS or target/browser-artifacts. */
export const artifacts = process.env.UNSPIN_E2E_ARTIFACTS || join(root, 'target', 'browser-artifacts');
mkdirSync(artifacts, { recursive: true });

/** The server's URL (argv[2]); exits 2 unless it is a loopback http URL. */
export function loopbackBase(script, server) {
  const base = process.argv[2];
  if (!base || !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/.test(base)) {
    console.error(`usage: node ${script} http://127.0.0.1:PORT/  (a loopback ${server})`);
    process.exit(2);
  }
  return base;
}

let failed = 0;

/** Prints `ok - what`, or counts a failure and prints `not ok - what: detail`. */
export function check(condition, what, detail) {
  if (condition) {
    console.log(`ok - ${what}`);
  } else {
    fail(`${what}${detail === undefined ? '' : `: ${detail}`}`);
  }
}

/** Counts a failure and prints `not ok - message`. */
export function fail(message) {
  failed += 1;
  console.log(`not ok - ${message}`);
}

/** How many checks failed so far. */
export function failures() {
  return failed;
}

/** Headless Chromium ($CHROMIUM or /usr/bin/chromium), with no network of its own. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
