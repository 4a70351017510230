'use strict';

// One registry for Java-world clients and .NET apps: what eureka-js-client registers, a .NET app's Meridian client
// resolves; what the .NET client registers, eureka-js-client and the Nacos client find.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { NacosNamingClient } = require('nacos');
const { startMeridian } = require('../lib/meridian');
const { eurekaClient: newEurekaClient, call } = require('../lib/eureka');
const { within, quietLogger } = require('../lib/wait');

const TEST_APP = process.env.MERIDIAN_TESTAPP_DLL
  || path.resolve(__dirname, '../../Meridian.Client.TestApp/bin/Debug/net10.0/Meridian.Client.TestApp.dll');

let server;
let dotnetApp;
let appUrl;
let snapshots;

before(async () => {
  server = await startMeridian();
  snapshots = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-compat-dotnet-'));
  dotnetApp = spawn('dotnet', [
    TEST_APP,
    '--urls', 'http://127.0.0.1:0',
    `--Meridian:ServerAddresses:0=${server.grpc}`,
    '--Meridian:ServiceName=dotnetapp',
    `--Meridian:Discovery:SnapshotDirectory=${snapshots}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOTNET_NOLOGO: '1' } });
  appUrl = await within(new Promise((resolve, reject) => {
    let url;
    let text = '';
    dotnetApp.stdout.setEncoding('utf8');
    dotnetApp.stdout.on('data', (chunk) => {
      text += chunk;
      url ??= /Now listening on: (http:\/\/\S+)/.exec(text)?.[1];
      if (url && text.includes('test-app started')) {
        resolve(url);
      }
    });
    dotnetApp.once('exit', (code) => reject(new Error(`the .NET test app exited with ${code}:\n${text}`)));
  }), 60_000, 'the .NET test app to start');
});

after(async () => {
  if (dotnetApp && dotnetApp.exitCode === null) {
    const exited = new Promise((resolve) => dotnetApp.once('exit', resolve));
    dotnetApp.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
  fs.rmSync(snapshots, { recursive: true, force: true });
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
  const nacos = new NacosNamingClient({ logger: quietLogger(), serverList: `${server.host}:${server.port}` });
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
