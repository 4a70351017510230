'use strict';

/** Resolves with the promise's value, or rejects naming what was awaited when it takes longer than ms. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads until the answer satisfies done, for at most ms, and resolves with the last answer. Through a load balancer in
 * front of a cluster, a read right after a write may land on another node, which has the write within the cluster's
 * propagation bound (1 s); against one server the first read already satisfies it.
 */
async function visibleWithin(ms, read, done) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await read();
    if (done(answer) || Date.now() >= deadline) {
      return answer;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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

/**
 * Keeps every emission of an event (its first argument) from now on: { values, next(predicate) }, where next resolves
 * with the first value, emitted before or after the call, that satisfies the predicate. Listening for 'error' also
 * keeps sdk-base clients from printing each error to stderr.
 */
function eventLog(emitter, event) {
  const values = [];
  const waiting = [];
  emitter.on(event, (value) => {
    values.push(value);
    for (const w of waiting.filter((x) => x.predicate(value))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(value);
    }
  });
  const next = (predicate = () => true) => {
    const seen = values.find(predicate);
    return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ predicate, resolve }));
  };
  return { values, next };
}

/**
 * A logger that keeps client chatter out of the TAP stream but remembers it for failure messages; lineMatching(re)
 * resolves with the first line, logged before or after the call, that matches.
 */
function quietLogger() {
  const lines = [];
  const waiting = [];
  const keep = (level) => (...args) => {
    const line = `${level}: ${args.map(String).join(' ')}`;
    lines.push(line);
    for (const w of waiting.filter((x) => x.pattern.test(line))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(line);
    }
  };
  const lineMatching = (pattern) => {
    const logged = lines.find((line) => pattern.test(line));
    return logged !== undefined ? Promise.resolve(logged) : new Promise((resolve) => waiting.push({ pattern, resolve }));
  };
  return { lines, lineMatching, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error'), log: keep('log') };
}

module.exports = { visibleWithin, within, firstMatching, nextEvent, eventLog, quietLogger };
