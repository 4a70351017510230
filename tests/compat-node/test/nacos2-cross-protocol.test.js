'use strict';

// One registry for every door: an instance the Nacos 2.x client (nacos-sdk-rust, gRPC) registers is listed by the npm
// nacos 1.x client (HTTP) and by eureka-js-client, and an app the .NET Meridian client registers is seen by the
// Nacos 2.x client.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createAccessKey } = require('../lib/meridian');
const { startForNacos2, namingClient: nacos2Client } = require('../lib/nacos2');
const { namingClient: nacos1Client } = require('../lib/nacos-naming');
const { eurekaClient, call } = require('../lib/eureka');
const { within, visibleWithin } = require('../lib/wait');

const TEST_APP = process.env.MERIDIAN_TESTAPP_DLL
  || path.resolve(__dirname, '../../Meridian.Client.TestApp/bin/Debug/net10.0/Meridian.Client.TestApp.dll');

let server;
let rust;
const cleanups = [];

before(async () => {
  server = await startForNacos2();
  rust = nacos2Client(server);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup();
  }
  await server?.stop();
});

test('an instance the Nacos 2.x client registers is listed by the Nacos 1.x client and by eureka-js-client', async () => {
  await rust.registerInstance('rscross', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7801, metadata: { version: '2' } });

  const nacos1 = nacos1Client(server, { namespace: 'public' });
  await nacos1.ready();
  cleanups.push(() => nacos1.close());
  const hosts = await visibleWithin(1000, () => nacos1.getAllInstances('rscross'), (h) => h.length === 1);
  assert.equal(hosts.length, 1);
  assert.equal(hosts[0].port, 7801);
  assert.equal(hosts[0].metadata.version, '2');

  const eureka = eurekaClient(server, 'rswatcher', 'rswatcher-1', 7899);
  cleanups.push(() => call((cb) => eureka.stop(cb)).catch(() => {}));
  await within(call((cb) => eureka.start(cb)), 10_000, 'eureka-js-client to start');
  const byApp = eureka.getInstancesByAppId('RSCROSS');
  assert.equal(byApp.length, 1);
  assert.equal(byApp[0].ipAddr, '127.0.0.1');
  assert.equal(byApp[0].port.$, 7801);
  assert.equal(byApp[0].status, 'UP');
});

test('an app the .NET client registers is seen by the Nacos 2.x client, and its departure by push', async () => {
  const accessKey = await createAccessKey(server, { name: 'rs-dotnet', namespaces: ['public'], scopes: ['discovery:read', 'register'] });
  const app = await startTestApp('dotnetforrust', [`--Meridian:AccessKey=${accessKey}`]);
  cleanups.push(() => app.stop());
  const port = Number(new URL(app.url).port);

  const lists = [];
  const waiting = [];
  const next = (predicate) => (lists.find(predicate)
    ? Promise.resolve(lists.find(predicate))
    : new Promise((resolve) => waiting.push({ predicate, resolve })));
  const watcher = nacos2Client(server, { namingPushEmptyProtection: false });
  await watcher.subscribe('dotnetforrust', 'DEFAULT_GROUP', [], (err, hosts) => {
    if (err) {
      return;
    }
    lists.push(hosts);
    for (const w of waiting.filter((x) => x.predicate(hosts))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(hosts);
    }
  });
  const [host] = await within(next((h) => h.some((i) => i.port === port)), 10_000, 'the Nacos 2.x client to see the .NET app');
  assert.equal(host.port, port);

  await app.stop();
  await within(next((h) => !h.some((i) => i.port === port)), 10_000, 'the Nacos 2.x client to see the .NET app leave');
});

/** Starts the .NET test app with a Meridian client for serviceName; resolves once it has started, to { url, stop() }. */
async function startTestApp(serviceName, extraArgs) {
  const snapshotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-compat-rs-'));
  const child = spawn('dotnet', [
    TEST_APP, '--urls', 'http://127.0.0.1:0', `--Meridian:ServerAddresses:0=${server.grpc}`, `--Meridian:ServiceName=${serviceName}`,
    `--Meridian:Discovery:SnapshotDirectory=${snapshotDir}`, ...extraArgs,
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
  const outputMatching = (pattern) => (pattern.test(text) ? Promise.resolve(pattern.exec(text)) : new Promise((resolve) => waiting.push({ pattern, resolve })));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(snapshotDir, { recursive: true, force: true });
  };
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the .NET test app exited with ${code}:\n${text}`))));
  try {
    const [, url] = await within(Promise.race([outputMatching(/Now listening on: (http:\/\/\S+)/), exited]), 60_000, 'the .NET test app to listen');
    await within(Promise.race([outputMatching(/test-app started/), exited]), 60_000, 'the .NET test app to start');
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
