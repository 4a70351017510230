'use strict';

// Plain HTTP calls for checks the clients themselves cannot make (e.g. what the server holds right now). Meridian
// needs credentials on every call but health and login, so a call to a server started by lib/meridian sends that
// server's admin token unless it names its own Authorization header or asks for none ({ auth: false }).
const http = require('node:http');

const adminTokens = new Map();

/** Remembers the admin token to send by default to the server at this origin. */
function useAdminToken(origin, token) {
  adminTokens.set(new URL(origin).origin, token);
}

function withAuth(url, headers, auth) {
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
    return headers;
  }
  if (typeof auth === 'string') {
    return { ...headers, Authorization: auth };
  }
  const token = auth === false ? undefined : adminTokens.get(new URL(url).origin);
  return token ? { ...headers, Authorization: `Bearer ${token}` } : headers;
}

/**
 * One HTTP/1.1 call; resolves to { status, headers, body }. auth: omitted for the server's admin token, false for no
 * credentials, or a whole Authorization header value.
 */
function request(method, url, { headers = {}, body, auth, timeout = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: withAuth(url, headers, auth) }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { data += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.setTimeout(timeout, () => req.destroy(new Error(`${method} ${url} got no answer within ${timeout} ms`)));
    req.on('error', reject);
    if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}

/** Like request, with a JSON body (when given) and the answer parsed as JSON. */
async function json(method, url, options = {}) {
  const { body, headers, ...rest } = options;
  const sent = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const res = await request(method, url, {
    ...rest,
    body: sent,
    headers: { Accept: 'application/json', ...(sent !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
  });
  return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
}

/** Like request, with the fields sent as an application/x-www-form-urlencoded body. */
function form(method, url, fields, options = {}) {
  return request(method, url, {
    ...options,
    body: new URLSearchParams(fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...options.headers },
  });
}

module.exports = { request, json, form, useAdminToken };
