'use strict';

// npm nacos@2.6.3 NacosConfigClient against a real Meridian: publish, get, subscribe (long-poll) and see a change at
// once, remove. The client sends a username and password with every call (query or form): the admin's, or a user's
// whose role grants configs in one namespace.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startMeridian, createUser } = require('../lib/meridian');
const { configClients } = require('../lib/nacos-config');
const { within, firstMatching, visibleWithin } = require('../lib/wait');
const { request } = require('../lib/http');

let server;
let clients;
let userClients;

before(async () => {
  server = await startMeridian();
  clients = await configClients(server);
});

after(async () => {
  clients?.close();
  userClients?.close();
  await server?.stop();
});

test('NacosConfigClient publishSingle and getConfig round-trip the content exactly', async () => {
  const client = await clients.create();
  const content = 'greeting=hello 世界\nquery=a&b=c+d\n';
  assert.equal(await client.publishSingle('compat.properties', 'DEFAULT_GROUP', content, { type: 'properties' }), true);
  assert.equal(await visibleWithin(1000, () => client.getConfig('compat.properties', 'DEFAULT_GROUP'), (c) => c === content), content);
  assert.equal(await client.getConfig('never-published', 'DEFAULT_GROUP'), null);

  const raw = await visibleWithin(1000, () => request('GET', `${server.url}/nacos/v1/cs/configs?dataId=compat.properties&group=DEFAULT_GROUP`), (r) => r.status === 200);
  assert.equal(raw.headers['content-md5'], require('node:crypto').createHash('md5').update(content, 'utf8').digest('hex'));
  assert.equal(raw.headers['config-type'], 'properties');
});

test('NacosConfigClient subscribe sees a publish at once and a removal as null', async () => {
  const client = await clients.create();
  const dataId = 'watched.json';
  await client.publishSingle(dataId, 'DEFAULT_GROUP', '{"v":1}', { type: 'json' });

  const first = firstMatching((cb) => client.subscribe({ dataId, group: 'DEFAULT_GROUP' }, cb), (c) => c === '{"v":1}');
  await within(first, 10_000, 'the current content');

  // Another client publishes; the subscriber's held long-poll is answered as soon as the change is stored.
  const other = await clients.create();
  const changed = firstMatching((cb) => client.subscribe({ dataId, group: 'DEFAULT_GROUP' }, cb), (c) => c === '{"v":2}');
  const started = Date.now();
  await other.publishSingle(dataId, 'DEFAULT_GROUP', '{"v":2}', { type: 'json' });
  await within(changed, 8_000, 'the published change');
  assert.ok(Date.now() - started < 5_000, `the change took ${Date.now() - started} ms to arrive`);

  const removed = firstMatching((cb) => client.subscribe({ dataId, group: 'DEFAULT_GROUP' }, cb), (c) => c === null);
  assert.equal(await other.remove(dataId, 'DEFAULT_GROUP'), true);
  await within(removed, 8_000, 'the removal');
  assert.equal(await visibleWithin(1000, () => client.getConfig(dataId, 'DEFAULT_GROUP'), (c) => c === null), null);
});

test('NacosConfigClient as a user whose role grants configs in one namespace publishes, gets and listens there', async () => {
  const credentials = await createUser(server, 'payments-app', 'payments-app-password', [
    { namespace: 'payments', group: '*', kind: 'config', name: '*', actions: ['read', 'write'] },
  ]);
  userClients = await configClients(server, 'payments', { credentials });
  const client = await userClients.create();
  const dataId = 'payments.properties';
  assert.equal(await client.publishSingle(dataId, 'DEFAULT_GROUP', 'limit=10\n', { type: 'properties' }), true);
  assert.equal(await visibleWithin(1000, () => client.getConfig(dataId, 'DEFAULT_GROUP'), (c) => c === 'limit=10\n'), 'limit=10\n');

  const current = firstMatching((cb) => client.subscribe({ dataId, group: 'DEFAULT_GROUP' }, cb), (c) => c === 'limit=10\n');
  await within(current, 10_000, 'the current content');
  const changed = firstMatching((cb) => client.subscribe({ dataId, group: 'DEFAULT_GROUP' }, cb), (c) => c === 'limit=20\n');
  assert.equal(await client.publishSingle(dataId, 'DEFAULT_GROUP', 'limit=20\n', { type: 'properties' }), true);
  await within(changed, 8_000, 'the published change to reach the listener');

  const stored = await visibleWithin(1000,
    () => request('GET', `${server.url}/nacos/v1/cs/configs?dataId=${dataId}&group=DEFAULT_GROUP&tenant=payments`),
    (r) => r.status === 200 && r.body === 'limit=20\n');
  assert.equal(stored.status, 200);
  assert.equal(stored.body, 'limit=20\n');
});
