'use strict';

// A pass-through HTTP proxy in front of the Meridian under test that remembers every request a client made and the
// status the server answered, so a test can check what the server told a client whose own error reports only the
// last answer (or none).
const http = require('node:http');

/**
 * Resolves to { host, port, url, admin, requests: [{ method, path, status, headers, body }], during(fn), next(predicate),
 * close() }: during resolves with the requests made while fn ran, next with the first request, recorded before or
 * after the call, that satisfies the predicate (once the server has answered it). It stands in for the server where
 * the lib helpers take one.
 */
async function startRecorder(server) {
  const requests = [];
  const waiting = [];
  const recorded = (record) => {
    requests.push(record);
    for (const w of waiting.filter((x) => x.predicate(record))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(record);
    }
  };
  const proxy = http.createServer((req, res) => {
    const upstream = http.request(new URL(req.url, server.url), { method: req.method, headers: req.headers }, (answer) => {
      const record = {
        method: req.method, path: new URL(req.url, server.url).pathname, status: answer.statusCode, headers: answer.headers, body: '',
      };
      recorded(record);
      res.writeHead(answer.statusCode, answer.headers);
      answer.on('data', (chunk) => {
        if (record.body.length < 2000) {
          record.body += chunk.toString('utf8');
        }
      });
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      recorded({ method: req.method, path: req.url, status: 0, body: String(err) });
      res.destroy(err);
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address();
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    admin: server.admin,
    requests,
    next(predicate) {
      const seen = requests.find(predicate);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ predicate, resolve }));
    },
    async during(fn) {
      const from = requests.length;
      await fn();
      return requests.slice(from);
    },
    close: () => new Promise((resolve) => {
      proxy.closeAllConnections();
      proxy.close(() => resolve());
    }),
  };
}

module.exports = { startRecorder };
