'use strict';

// eureka-js-client 4.5.0 against a real Meridian: register, renew, fetch, see another instance, re-register after
// the server loses the instance, stop and deregister. The clients send HTTP Basic credentials from their service URL:
// the admin's username and password, or any name and an access key.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startMeridian, createAccessKey } = require('../lib/meridian');
const { eurekaClient: newEurekaClient } = require('../lib/eureka');
const { within, nextEvent, visibleWithin } = require('../lib/wait');
const { json, request } = require('../lib/http');

let server;

before(async () => {
  server = await startMeridian();
});

after(async () => {
  await server?.stop();
});

const eurekaClient = (instanceId, port, { servicePath = '/eureka/apps/', fetchRegistry = true, credentials } = {}) =>
  newEurekaClient(server, 'jsservice', instanceId, port, { servicePath, fetchRegistry, credentials, heartbeatInterval: 300 });

function start(client) {
  return new Promise((resolve, reject) => client.start((err) => (err ? reject(err) : resolve())));
}

function stop(client) {
  return new Promise((resolve, reject) => client.stop((err) => (err ? reject(err) : resolve())));
}

function fetchRegistry(client) {
  return new Promise((resolve, reject) => client.fetchRegistry((err) => (err ? reject(err) : resolve())));
}

test('eureka-js-client registers, renews, fetches the registry and sees another instance', async () => {
  const first = eurekaClient('jsservice-1', 7101);
  const second = eurekaClient('jsservice-2', 7102, { fetchRegistry: false });
  try {
    await within(start(first), 10_000, 'the first client to start');
    // Its own registration is in the registry it fetched at start, or (another node's) within the propagation bound.
    const own = await visibleWithin(1000, async () => {
      const listed = first.getInstancesByAppId('JSSERVICE');
      if (listed.length === 0) {
        await fetchRegistry(first);
      }
      return first.getInstancesByAppId('JSSERVICE');
    }, (listed) => listed.length === 1);
    assert.deepEqual(own.map((i) => i.instanceId), ['jsservice-1'], first.logLines.join('\n'));
    assert.equal(own[0].status, 'UP');
    assert.equal(own[0].port.$, 7101);
    assert.equal(own[0].app, 'JSSERVICE');

    await within(nextEvent(first, 'heartbeat'), 10_000, 'a successful renewal (200)');

    await within(start(second), 10_000, 'the second client to start');
    const byApp = await visibleWithin(1000, async () => {
      await fetchRegistry(first);
      return first.getInstancesByAppId('jsservice').map((i) => i.instanceId).sort();
    }, (ids) => ids.length === 2);
    assert.deepEqual(byApp, ['jsservice-1', 'jsservice-2']);
    const byVip = first.getInstancesByVipAddress('jsservice').map((i) => i.port.$).sort();
    assert.deepEqual(byVip, [7101, 7102]);
  } finally {
    await stop(second).catch(() => {});
    await stop(first).catch(() => {});
  }
});

test('eureka-js-client re-registers when a renewal answers 404', async () => {
  const client = eurekaClient('jsservice-lost', 7103, { fetchRegistry: false });
  try {
    await within(start(client), 10_000, 'the client to start');
    // The server forgets the instance (as after a restart or an expiry); the next renewal gets 404.
    const forgotten = await request('DELETE', `${server.url}/eureka/apps/JSSERVICE/jsservice-lost`);
    assert.equal(forgotten.status, 200);
    await within(nextEvent(client, 'registered'), 10_000, 're-registration after a 404 renewal');
    const found = await visibleWithin(1000, () => json('GET', `${server.url}/eureka/apps/JSSERVICE/jsservice-lost`), (r) => r.status === 200);
    assert.equal(found.status, 200);
    assert.equal(found.json.instance.status, 'UP');
  } finally {
    await stop(client).catch(() => {});
  }
});

test('eureka-js-client stop deregisters the instance at once', async () => {
  const client = eurekaClient('jsservice-stop', 7104, { servicePath: '/eureka/v2/apps/' });
  await within(start(client), 10_000, 'the client to start');
  const before = await visibleWithin(1000, () => json('GET', `${server.url}/eureka/v2/apps/JSSERVICE/jsservice-stop`), (r) => r.status === 200);
  assert.equal(before.status, 200);

  const deregistered = nextEvent(client, 'deregistered');
  await stop(client);
  await within(deregistered, 10_000, 'the deregistered event');

  const gone = await visibleWithin(1000, () => json('GET', `${server.url}/eureka/apps/JSSERVICE/jsservice-stop`), (r) => r.status === 404);
  assert.equal(gone.status, 404);
  const listedIds = (registry) => registry.json.applications.application.flatMap((a) => a.instance.map((i) => i.instanceId));
  const registry = await visibleWithin(1000, () => json('GET', `${server.url}/eureka/apps/`), (r) => !listedIds(r).includes('jsservice-stop'));
  const ids = listedIds(registry);
  assert.ok(!ids.includes('jsservice-stop'), `still listed: ${ids}`);
});

test('eureka-js-client with an access key as its Basic password registers, renews, fetches and deregisters', async () => {
  const key = await createAccessKey(server, { name: 'jsservice', namespaces: ['public'], scopes: ['discovery:read', 'register'] });
  const client = eurekaClient('jsservice-key', 7105, { credentials: { username: 'jsservice', password: key } });
  try {
    await within(start(client), 10_000, 'the client to start');
    const listed = await visibleWithin(1000, async () => {
      if (!client.getInstancesByAppId('JSSERVICE').some((i) => i.instanceId === 'jsservice-key')) {
        await fetchRegistry(client);
      }
      return client.getInstancesByAppId('JSSERVICE');
    }, (instances) => instances.some((i) => i.instanceId === 'jsservice-key'));
    assert.ok(listed.some((i) => i.instanceId === 'jsservice-key'), client.logLines.join('\n'));
    await within(nextEvent(client, 'heartbeat'), 10_000, 'a successful renewal (200)');

    const registered = await json('GET', `${server.url}/eureka/apps/JSSERVICE/jsservice-key`);
    assert.equal(registered.status, 200);
    assert.equal(registered.json.instance.status, 'UP');
  } finally {
    await stop(client).catch(() => {});
  }
  // Through a cluster the read may land on another node, which has the deregistration within the propagation bound.
  const gone = await visibleWithin(2000, () => json('GET', `${server.url}/eureka/apps/JSSERVICE/jsservice-key`), (r) => r.status === 404);
  assert.equal(gone.status, 404, 'stop with the access key deregisters the instance');
});
