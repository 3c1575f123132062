// @ts-check
// What GET /metrics reports: event-loop delay measured inside the service (the
// figure that shows whether native work blocks the loop) and request counts.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const RESOLUTION_MS = 10;
// The histogram holds whole sampling intervals; the delay is what exceeds the resolution.
const delayMs = (/** @type {number} */ ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

function serviceMetrics() {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  let since = Date.now();
  let reconstructions = 0;
  let patterns = 0;
  return {
    /** @param {number} patternCount */
    reconstructed(patternCount) {
      reconstructions += 1;
      patterns += patternCount;
    },
    /** The figures since the last reset; with `reset`, starts a new period. */
    snapshot(reset = false) {
      const snapshot = {
        seconds: (Date.now() - since) / 1000,
        reconstructions,
        patterns,
        eventLoopDelayMs: {
          mean: delayMs(delay.mean),
          p50: delayMs(delay.percentile(50)),
          p99: delayMs(delay.percentile(99)),
          max: delayMs(delay.max),
        },
        rssBytes: process.memoryUsage.rss(),
      };
      if (reset) {
        delay.reset();
        since = Date.now();
        reconstructions = 0;
        patterns = 0;
      }
      return snapshot;
    },
    stop() {
      delay.disable();
    },
  };
}

module.exports = { serviceMetrics };
