// @ts-check
// What GET /metrics reports: event-loop delay measured inside the service (the
// figure that shows whether native work blocks the loop) and request counts.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const ms = (/** @type {number} */ ns) => ns / 1e6;

function serviceMetrics() {
  // Samples every 10 ms; a blocked loop shows as delay beyond that.
  const delay = monitorEventLoopDelay({ resolution: 10 });
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
          mean: ms(delay.mean),
          p50: ms(delay.percentile(50)),
          p99: ms(delay.percentile(99)),
          max: ms(delay.max),
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
