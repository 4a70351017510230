'use strict';

/** Resolves with the promise's value, or rejects naming what was awaited when it takes longer than ms. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first value a callback-style source delivers that satisfies the predicate. */
function firstMatching(subscribe, predicate) {
  return new Promise((resolve) => {
    subscribe((value) => {
      if (predicate(value)) {
        resolve(value);
      }
    });
  });
}

/** Resolves with the arguments of the next emission of an event. */
function nextEvent(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

/** A logger that keeps client chatter out of the TAP stream but remembers it for failure messages. */
function quietLogger() {
  const lines = [];
  const keep = (level) => (...args) => lines.push(`${level}: ${args.map(String).join(' ')}`);
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error'), log: keep('log') };
}

module.exports = { within, firstMatching, nextEvent, quietLogger };
