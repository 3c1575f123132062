// @ts-check
// Runs at most `limit` tasks at once; the others wait in arrival order.
'use strict';

/** @param {number} limit */
function limiter(limit) {
  let running = 0;
  /** @type {(() => void)[]} */
  const waiting = [];
  /**
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  return async function run(task) {
    if (running < limit) running += 1;
    // A finishing task hands its slot straight to the next in line.
    else await new Promise((resolve) => waiting.push(() => resolve(undefined)));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

module.exports = { limiter };
