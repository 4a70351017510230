'use strict';

// The Nacos 2.x client (nacos-sdk-rust 0.8 through npm nacos-sdk-rust-binding-node) against a real Meridian over the
// Nacos gRPC protocol on the client-connection port: register, deregister, batch register, queries with cluster and
// health filters, and subscriptions that see changes by push. The client logs in with the admin's username and password.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startForNacos2, namingClient } = require('../lib/nacos2');
const { within, visibleWithin } = require('../lib/wait');
const { json } = require('../lib/http');

let server;
let client;

before(async () => {
  server = await startForNacos2();
  client = namingClient(server);
});

after(async () => {
  await server?.stop();
});

const ports = (hosts) => hosts.map((h) => h.port).sort((a, b) => a - b);

/** The instances Meridian's own API lists for a service in the public namespace (none once the service is gone). */
async function meridianPorts(service, group = 'DEFAULT_GROUP') {
  const res = await json('GET', `${server.url}/v1/namespaces/public/groups/${group}/services/${encodeURIComponent(service)}/instances`);
  if (res.status === 404) {
    return [];
  }
  assert.equal(res.status, 200, res.body);
  return res.json.instances.map((i) => i.port).sort((a, b) => a - b);
}

/** Calls the listener's latest list; next(predicate) resolves with the first list, pushed before or after, that matches. */
function listLog() {
  const lists = [];
  const waiting = [];
  const listener = (err, hosts) => {
    if (err) {
      return;
    }
    lists.push(hosts);
    for (const w of waiting.filter((x) => x.predicate(hosts))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(hosts);
    }
  };
  const next = (predicate) => {
    const seen = lists.find(predicate);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ predicate, resolve }));
  };
  return { listener, lists, next };
}

test('registerInstance puts the instance in the registry and deregisterInstance takes it out', async () => {
  await client.registerInstance('rs-orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001, metadata: { zone: 'a' } });
  assert.deepEqual(await meridianPorts('rs-orders'), [7001]);

  const hosts = await client.getAllInstances('rs-orders', 'DEFAULT_GROUP', [], false);
  assert.equal(hosts.length, 1);
  assert.equal(hosts[0].ip, '127.0.0.1');
  assert.equal(hosts[0].metadata.zone, 'a');
  assert.equal(hosts[0].instanceId, '127.0.0.1#7001#DEFAULT#DEFAULT_GROUP@@rs-orders');
  assert.equal(hosts[0].ephemeral, true);

  await client.deregisterInstance('rs-orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001 });
  assert.deepEqual(await meridianPorts('rs-orders'), []);
});

test('a service in another group is its own service', async () => {
  await client.registerInstance('rs-grouped', 'PAYMENTS', { ip: '127.0.0.1', port: 7011 });
  assert.deepEqual(await meridianPorts('rs-grouped', 'PAYMENTS'), [7011]);
  assert.deepEqual(ports(await client.getAllInstances('rs-grouped', 'PAYMENTS', [], false)), [7011]);
  assert.deepEqual(await client.getAllInstances('rs-grouped', 'DEFAULT_GROUP', [], false), []);
});

test('batchRegisterInstance registers every instance of the batch', async () => {
  await client.batchRegisterInstance('rs-batch', 'DEFAULT_GROUP', [
    { ip: '127.0.0.1', port: 7101 }, { ip: '127.0.0.1', port: 7102 }, { ip: '127.0.0.1', port: 7103 },
  ]);
  assert.deepEqual(await meridianPorts('rs-batch'), [7101, 7102, 7103]);
});

test('getAllInstances and selectInstances filter by cluster and health', async () => {
  await client.registerInstance('rs-filtered', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7201, clusterName: 'EAST' });
  await client.registerInstance('rs-filtered', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7202, clusterName: 'WEST' });
  await client.registerInstance('rs-filtered', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7203, clusterName: 'WEST', healthy: false });

  assert.deepEqual(ports(await client.getAllInstances('rs-filtered', 'DEFAULT_GROUP', [], false)), [7201, 7202, 7203]);
  assert.deepEqual(ports(await client.getAllInstances('rs-filtered', 'DEFAULT_GROUP', ['WEST'], false)), [7202, 7203]);
  assert.deepEqual(ports(await client.getAllInstances('rs-filtered', 'DEFAULT_GROUP', ['EAST', 'WEST'], false)), [7201, 7202, 7203]);
  assert.deepEqual(ports(await client.selectInstances('rs-filtered', 'DEFAULT_GROUP', ['WEST'], false, true)), [7202]);
  assert.deepEqual(ports(await client.selectInstances('rs-filtered', 'DEFAULT_GROUP', ['WEST'], false, false)), [7203]);
  assert.deepEqual(ports(await client.selectInstances('rs-filtered', 'DEFAULT_GROUP', [], false, true)), [7201, 7202]);

  // Subscribed reads answer from the list the server pushes to the client.
  assert.deepEqual(ports(await client.selectInstances('rs-filtered', 'DEFAULT_GROUP', [], true, true)), [7201, 7202]);
  const one = await client.selectOneHealthyInstance('rs-filtered', 'DEFAULT_GROUP', [], true);
  assert.ok([7201, 7202].includes(one.port), `picked ${one.port}`);
});

test('a subscriber sees an instance arrive and leave by push within 1 s', async () => {
  // Another client, so the change reaches this one over the server's push, not from its own registration.
  const watcher = namingClient(server, { namingPushEmptyProtection: false });
  await client.registerInstance('rs-watched', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7301 });
  const log = listLog();
  await watcher.subscribe('rs-watched', 'DEFAULT_GROUP', [], log.listener);
  assert.deepEqual(ports(await within(log.next((h) => h.length === 1), 5_000, 'the first list')), [7301]);

  let started = Date.now();
  await client.registerInstance('rs-watched', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7302 });
  assert.deepEqual(ports(await within(log.next((h) => h.length === 2), 1_000, 'the new instance to be pushed')), [7301, 7302]);
  const arrival = Date.now() - started;

  started = Date.now();
  await client.deregisterInstance('rs-watched', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7302 });
  assert.deepEqual(ports(await within(log.next((h) => h.length === 1 && h[0].port === 7301 && log.lists.indexOf(h) > 1), 1_000, 'the removal to be pushed')), [7301]);
  const leave = Date.now() - started;

  started = Date.now();
  await client.deregisterInstance('rs-watched', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7301 });
  assert.deepEqual(await within(log.next((h) => h.length === 0), 1_000, 'the empty list to be pushed'), []);
  console.log(`# push latency: arrival ${arrival} ms, leave ${leave} ms, last leave ${Date.now() - started} ms`);
});

test('an instance registered over Meridian\'s HTTP API reaches a Nacos 2.x subscriber by push', async () => {
  const log = listLog();
  await client.subscribe('rs-from-http', 'DEFAULT_GROUP', [], log.listener);
  const res = await json('POST', `${server.url}/v1/namespaces/public/groups/DEFAULT_GROUP/services/rs-from-http/instances`, { body: { ip: '127.0.0.1', port: 7401 } });
  assert.ok(res.status === 200 || res.status === 201, res.body);
  assert.deepEqual(ports(await within(log.next((h) => h.length === 1), 1_000, 'the instance to be pushed')), [7401]);
});

test('a persistent instance is registered without an owner and stays', async () => {
  await client.registerInstance('rs-persistent', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7501, ephemeral: false });
  const hosts = await visibleWithin(1000, () => client.getAllInstances('rs-persistent', 'DEFAULT_GROUP', [], false), (h) => h.length === 1);
  assert.equal(hosts.length, 1);
  assert.equal(hosts[0].ephemeral, false);
});
