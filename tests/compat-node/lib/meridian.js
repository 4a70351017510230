'use strict';

// Starts a real Meridian server process for the compatibility tests, or uses the one named by MERIDIAN_URL.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const DEFAULT_DLL = path.resolve(__dirname, '../../../src/Meridian.Server/bin/Debug/net10.0/Meridian.Server.dll');
const START_TIMEOUT_MS = 60_000;

/** Starts Meridian on a free loopback port with a fresh data folder; resolves to { url, host, port, stop() }. */
async function startMeridian(extraArgs = []) {
  if (process.env.MERIDIAN_URL) {
    const url = new URL(process.env.MERIDIAN_URL);
    return { url: url.origin, host: url.hostname, port: Number(url.port), stop: async () => {} };
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
    ...extraArgs,
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_NOLOGO: '1', Logging__Console__FormatterName: 'simple' },
  });

  const output = [];
  const candidates = [];
  let grpc;
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Meridian did not start within ${START_TIMEOUT_MS} ms:\n${output.join('\n')}`)), START_TIMEOUT_MS);
    const onLine = (line) => {
      output.push(line);
      const listening = /Now listening on: (\S+)/.exec(line);
      if (listening) {
        candidates.push(listening[1]);
      }
      const connections = /Meridian client connections \(gRPC, HTTP\/2\) on (\S+)/.exec(line);
      if (connections) {
        grpc = connections[1];
      }
      // The server's own start-up lines come last: data folder, client connections, then the HTTP API.
      if (line.includes('Meridian HTTP API')) {
        clearTimeout(timer);
        resolve();
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
    await started;
    // Kestrel lists every listener; the HTTP API is the one that answers HTTP/1.1 (the client-connection port is HTTP/2 only).
    for (const candidate of candidates) {
      const url = new URL(candidate);
      if (await answersHttp1(url)) {
        return { url: url.origin, host: url.hostname, port: Number(url.port), grpc, stop, output };
      }
    }
    throw new Error(`None of ${candidates.join(', ')} answers HTTP/1.1:\n${output.join('\n')}`);
  } catch (err) {
    await stop();
    throw err;
  }
}

function answersHttp1(url) {
  return new Promise((resolve) => {
    const req = http.get(new URL('/health/live', url), (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.setTimeout(5_000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
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

module.exports = { startMeridian };
