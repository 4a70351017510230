'use strict';

// One registry for Java-world clients and .NET apps: what eureka-js-client registers, a .NET app's Meridian client
// resolves; what the .NET client registers, eureka-js-client and the Nacos client find. The .NET app connects with an
// access key (Meridian:AccessKey); without one the server refuses its connection.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { startMeridian, createAccessKey } = require('../lib/meridian');
const { eurekaClient: newEurekaClient, call } = require('../lib/eureka');
const { namingClient } = require('../lib/nacos-naming');
const { within } = require('../lib/wait');
const { json } = require('../lib/http');

const TEST_APP = process.env.MERIDIAN_TESTAPP_DLL
  || path.resolve(__dirname, '../../Meridian.Client.TestApp/bin/Debug/net10.0/Meridian.Client.TestApp.dll');

let server;
let dotnetApp;
let appUrl;
const snapshots = [];

/**
 * Starts the .NET test app with a Meridian client for serviceName; resolves once it serves HTTP, to
 * { url, outputMatching(re), stop() }: outputMatching resolves with the first output line, before or after the
 * call, that matches.
 */
async function startTestApp(serviceName, extraArgs = []) {
  const snapshotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-compat-dotnet-'));
  snapshots.push(snapshotDir);
  const child = spawn('dotnet', [
    TEST_APP,
    '--urls', 'http://127.0.0.1:0',
    `--Meridian:ServerAddresses:0=${server.grpc}`,
    `--Meridian:ServiceName=${serviceName}`,
    `--Meridian:Discovery:SnapshotDirectory=${snapshotDir}`,
    ...extraArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOTNET_NOLOGO: '1' } });
  let text = '';
  const waiting = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      text += chunk;
      for (const w of waiting.filter((x) => x.pattern.test(text))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(w.pattern.exec(text));
      }
    });
  }
  const outputMatching = (pattern) => (pattern.test(text)
    ? Promise.resolve(pattern.exec(text))
    : new Promise((resolve) => waiting.push({ pattern, resolve })));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  };
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the .NET test app exited with ${code}:\n${text}`))));
  try {
    const [, url] = await within(Promise.race([outputMatching(/Now listening on: (http:\/\/\S+)/), exited]), 60_000, 'the .NET test app to listen');
    await within(Promise.race([outputMatching(/test-app started/), exited]), 60_000, 'the .NET test app to start');
    return { url, outputMatching, stop, output: () => text };
  } catch (err) {
    await stop();
    throw err;
  }
}

before(async () => {
  server = await startMeridian();
  // The .NET client sends its access key as the connection's 'authorization: Bearer mrd_...' header.
  const accessKey = await createAccessKey(server, { name: 'dotnetapp', namespaces: ['public'], scopes: ['discovery:read', 'register'] });
  dotnetApp = await startTestApp('dotnetapp', [`--Meridian:AccessKey=${accessKey}`]);
  appUrl = dotnetApp.url;
});

after(async () => {
  await dotnetApp?.stop();
  await server?.stop();
  for (const dir of snapshots) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode}: ${body}`))));
    }).on('error', reject);
  });
}

/** Asks again until the answer satisfies the predicate: the other process learns of the change by push. */
async function until(ask, predicate, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await ask();
    if (predicate(last)) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}; last answer: ${JSON.stringify(last)}`);
}

const eurekaClient = (app, instanceId, port) => newEurekaClient(server, app, instanceId, port);

test('an instance registered by eureka-js-client is resolved by the .NET client', async () => {
  const eureka = eurekaClient('inventoryservice', 'inventoryservice-1', 7301);
  try {
    await within(call((cb) => eureka.start(cb)), 10_000, 'eureka-js-client to start');
    const peers = await until(() => getJson(`${appUrl}/peers/inventoryservice`), (list) => list.includes('127.0.0.1:7301'),
      'the .NET client to resolve the Eureka instance');
    assert.deepEqual(peers, ['127.0.0.1:7301']);

    await within(call((cb) => eureka.stop(cb)), 10_000, 'eureka-js-client to stop');
    await until(() => getJson(`${appUrl}/peers/inventoryservice`), (list) => list.length === 0,
      'the .NET client to see the Eureka instance leave');
  } finally {
    eureka.stop(() => {});
  }
});

test('an app registered by the .NET client is seen by eureka-js-client and by the Nacos client', async () => {
  const port = Number(new URL(appUrl).port);
  const nacos = namingClient(server);
  const eureka = eurekaClient('watcher', 'watcher-1', 7302);
  try {
    await nacos.ready();
    const hosts = await until(() => nacos.getAllInstances('dotnetapp'), (list) => list.length === 1, 'Nacos to list the .NET app');
    assert.equal(hosts[0].port, port);
    assert.equal(hosts[0].healthy, true);

    await within(call((cb) => eureka.start(cb)), 10_000, 'eureka-js-client to start');
    await within(call((cb) => eureka.fetchRegistry(cb)), 10_000, 'eureka-js-client to fetch the registry');
    const instances = eureka.getInstancesByAppId('DOTNETAPP');
    assert.equal(instances.length, 1);
    assert.equal(instances[0].port.$, port);
    assert.equal(instances[0].status, 'UP');
  } finally {
    await nacos.close();
    eureka.stop(() => {});
  }
});

test('a .NET app without an access key is refused: its client connection gets 401 and it is never registered', async () => {
  const app = await startTestApp('nokeyapp');
  try {
    const [line] = await within(app.outputMatching(/^.*Meridian server.*(Unauthenticated|\b401\b).*$/m), 30_000,
      'the .NET client to report the refused connection');
    assert.match(line, /Unauthenticated|\b401\b/);
    const registered = await json('GET', `${server.url}/v1/namespaces/public/groups/DEFAULT_GROUP/services/nokeyapp/instances`);
    assert.equal(registered.status, 404, registered.body);
  } finally {
    await app.stop();
  }
});
