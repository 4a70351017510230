'use strict';

// Plain HTTP calls for checks the clients themselves cannot make (e.g. what the server holds right now).
const http = require('node:http');

function request(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { data += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}

async function json(method, url, options) {
  const res = await request(method, url, { ...options, headers: { Accept: 'application/json', ...(options && options.headers) } });
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}

module.exports = { request, json };
