'use strict';

// The connection life cycle as a Nacos 2.x client (nacos-sdk-rust) lives it: a client process that dies loses its
// instances once the grace period is over, and a client reconnects by itself after a server restart and registers
// its instances again, with no empty list reaching its subscribers.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { startForNacos2, freePortPair, namingClient } = require('../lib/nacos2');
const { within } = require('../lib/wait');
const { json } = require('../lib/http');

const GRACE_MS = 3_000;
const servers = [];
const children = [];

after(async () => {
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
    }
  }
  for (const server of servers) {
    await server.stop();
  }
});

async function ports(server, service) {
  const res = await json('GET', `${server.url}/v1/namespaces/public/groups/DEFAULT_GROUP/services/${service}/instances`);
  return res.status === 404 ? [] : res.json.instances.map((i) => i.port).sort((a, b) => a - b);
}

async function until(ask, predicate, what, ms) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await ask();
    if (predicate(last)) {
      return last;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${ms} ms waiting for ${what}; last answer: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('killing the client process removes its instances after the grace period, not before', async () => {
  const server = await startForNacos2([`--Meridian:Connections:Grace=00:00:0${GRACE_MS / 1000}`]);
  servers.push(server);
  const child = spawn(process.execPath, [path.join(__dirname, '../lib/nacos2-provider.js'),
    `${server.host}:${server.port}`, server.admin.username, server.admin.password, 'rs-killed', '127.0.0.1', '9601'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const registered = new Promise((resolve, reject) => {
    child.stdout.on('data', () => output.includes('registered') && resolve());
    child.once('exit', (code) => reject(new Error(`the provider exited with ${code}: ${output}`)));
  });
  await within(registered, 30_000, 'the provider to register');
  assert.deepEqual(await ports(server, 'rs-killed'), [9601]);

  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const killedAt = Date.now();
  assert.deepEqual(await ports(server, 'rs-killed'), [9601], 'the instance outlives its connection for the grace period');
  await until(() => ports(server, 'rs-killed'), (p) => p.length === 0, 'the instance to be released', GRACE_MS + 5_000);
  const after = Date.now() - killedAt;
  assert.ok(after >= GRACE_MS - 500, `released ${after} ms after the kill, before the ${GRACE_MS} ms grace`);
  console.log(`# released ${after} ms after the kill (grace ${GRACE_MS} ms)`);
});

test('after a server restart the client reconnects, registers again and its subscriber sees no empty list', async () => {
  const port = await freePortPair();
  // A fresh data folder for the second server: the instance there can only come from the client registering again.
  // Both share a signing key, as the nodes of a cluster do, so the client's token stays valid.
  const key = `--Meridian:Auth:TokenSigningKey=${crypto.randomBytes(48).toString('base64')}`;
  const first = await startForNacos2([key], port);
  servers.push(first);
  const provider = namingClient(first);
  const watcher = namingClient(first);
  await provider.registerInstance('rs-restart', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 9701 });
  const lists = [];
  await watcher.subscribe('rs-restart', 'DEFAULT_GROUP', [], (err, hosts) => !err && lists.push(hosts.map((h) => h.port)));
  await until(async () => lists, (l) => l.some((p) => p.includes(9701)), 'the subscriber to see the instance', 5_000);

  await first.stop();
  const second = await startForNacos2([key], port);
  servers.push(second);
  const restartedAt = Date.now();
  await until(() => ports(second, 'rs-restart'), (p) => p.includes(9701), 'the client to register again on the new server', 60_000);
  console.log(`# registered again ${Date.now() - restartedAt} ms after the server was back`);

  // The subscriber is back too: a change on the new server reaches it by push.
  await provider.registerInstance('rs-restart', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 9702 });
  await until(async () => lists, (l) => l.some((p) => p.includes(9702)), 'the subscriber to follow on the new server (its reconnect backs off up to 32 s)', 60_000);
  assert.ok(lists.every((p) => p.length > 0), `the subscriber saw an empty list: ${JSON.stringify(lists)}`);
});
