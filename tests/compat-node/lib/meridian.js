'use strict';

// Starts a real Meridian server process for the compatibility tests, or uses the one named by MERIDIAN_URL.
// Authentication is on (the server's default): the server creates 'admin' with ADMIN_PASSWORD on its first start, and
// the returned server carries that user's credentials and a token, which lib/http sends by default.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { json, useAdminToken } = require('./http');

const DEFAULT_DLL = path.resolve(__dirname, '../../../src/Meridian.Server/bin/Debug/net10.0/Meridian.Server.dll');
const START_TIMEOUT_MS = 60_000;

/** The first administrator's password for servers these tests start (for MERIDIAN_URL, MERIDIAN_ADMIN_PASSWORD if set). */
const ADMIN_PASSWORD = 'meridian-test-admin-1';

/**
 * Starts Meridian on a free loopback port with a fresh data folder; resolves to
 * { url, host, port, grpc, admin: { username, password }, adminToken, stop() }.
 */
async function startMeridian(extraArgs = []) {
  if (process.env.MERIDIAN_URL) {
    const url = new URL(process.env.MERIDIAN_URL);
    const admin = { username: 'admin', password: process.env.MERIDIAN_ADMIN_PASSWORD || ADMIN_PASSWORD };
    return signedIn({ url: url.origin, host: url.hostname, port: Number(url.port), admin, stop: async () => {} });
  }

  const dll = process.env.MERIDIAN_SERVER_DLL || DEFAULT_DLL;
  if (!fs.existsSync(dll)) {
    throw new Error(`Meridian.Server.dll not found at ${dll}: build the server first, or set MERIDIAN_SERVER_DLL or MERIDIAN_URL.`);
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-compat-'));
  const child = spawn('dotnet', [
    dll,
    '--urls', 'http://127.0.0.1:0',
    '--Meridian:Grpc:Port=0',
    `--Meridian:Storage:Sqlite:DataDirectory=${dataDir}`,
    '--Meridian:Auth:Mode=Enforced',
    ...extraArgs,
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_NOLOGO: '1', Logging__Console__FormatterName: 'simple', MERIDIAN_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });

  const output = [];
  let grpc;
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Meridian did not start within ${START_TIMEOUT_MS} ms:\n${output.join('\n')}`)), START_TIMEOUT_MS);
    const onLine = (line) => {
      output.push(line);
      const connections = /Meridian client connections \(gRPC, HTTP\/2\) on (\S+)/.exec(line);
      if (connections) {
        grpc = connections[1];
      }
      // The server's own start-up lines come last: data folder, client connections, then the HTTP API with its address.
      const api = /Meridian HTTP API .* on (http:\/\/[^\s;]+)/.exec(line);
      if (api) {
        clearTimeout(timer);
        resolve(api[1]);
      }
    };
    lines(child.stdout, onLine);
    lines(child.stderr, onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Meridian exited with code ${code} before it started:\n${output.join('\n')}`));
    });
  });

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = new URL(await started);
    const admin = { username: 'admin', password: ADMIN_PASSWORD };
    return await signedIn({ url: url.origin, host: url.hostname, port: Number(url.port), grpc, admin, stop, output });
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Logs the admin in and makes its token the default for lib/http calls to this server. */
async function signedIn(server) {
  server.adminToken = await login(server, server.admin.username, server.admin.password);
  useAdminToken(server.url, server.adminToken);
  return server;
}

/** A token for the user (POST /v1/auth/token), to send as 'Authorization: Bearer <token>'. */
async function login(server, username, password) {
  const res = await json('POST', `${server.url}/v1/auth/token`, { auth: false, body: { username, password } });
  if (res.status !== 200 || res.json.tokenType !== 'Bearer' || !res.json.accessToken) {
    throw new Error(`POST /v1/auth/token as ${username} answered ${res.status}: ${res.body}`);
  }
  return res.json.accessToken;
}

/**
 * Creates an access key as the admin (POST /v1/auth/keys) and resolves to its secret ('mrd_...'), which the answer
 * shows this once. By default it may read and register services and read and write configs everywhere.
 */
async function createAccessKey(server, {
  name = 'compat-node', namespaces = ['*'], groups = ['*'], scopes = ['discovery:read', 'register', 'config:read', 'config:write'],
} = {}) {
  const res = await json('POST', `${server.url}/v1/auth/keys`, { body: { name, namespaces, groups, scopes } });
  if (res.status !== 201 || !/^mrd_/.test(res.json.key ?? '')) {
    throw new Error(`POST /v1/auth/keys answered ${res.status}: ${res.body}`);
  }
  return res.json.key;
}

/**
 * Creates a role with these grants (PUT /v1/auth/roles/{name}) and a user holding it (POST /v1/auth/users), as the
 * admin; resolves to the user's { username, password }.
 */
async function createUser(server, username, password, grants) {
  const role = await json('PUT', `${server.url}/v1/auth/roles/${username}-role`, { body: { grants } });
  if (role.status !== 200) {
    throw new Error(`PUT /v1/auth/roles/${username}-role answered ${role.status}: ${role.body}`);
  }
  const roles = [`${username}-role`];
  let user = await json('POST', `${server.url}/v1/auth/users`, { body: { username, password, roles } });
  if (user.status === 409) {
    // Already there (a server named by MERIDIAN_URL that served an earlier run): set its password and role again.
    user = await json('PUT', `${server.url}/v1/auth/users/${username}`, { body: { password, roles } });
  }
  if (user.status !== 201 && user.status !== 200) {
    throw new Error(`creating user ${username} answered ${user.status}: ${user.body}`);
  }
  return { username, password };
}

function lines(stream, onLine) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
}

module.exports = { startMeridian, login, createAccessKey, createUser, ADMIN_PASSWORD };
