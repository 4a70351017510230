'use strict';

// npm nacos@2.6.3 NacosNamingClient against a real Meridian: register, list, subscribe and see changes (Meridian
// pushes them over UDP; the client's own polling is the fallback), deregister. The client sends a username and
// password with every call: the admin's, or a user's whose role grants services in one namespace.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startMeridian, createUser } = require('../lib/meridian');
const { namingClient } = require('../lib/nacos-naming');
const { within, firstMatching, visibleWithin } = require('../lib/wait');
const { json, form, request } = require('../lib/http');

let server;
let client;
let logger;

before(async () => {
  server = await startMeridian();
  client = namingClient(server, { namespace: 'public' });
  logger = client.logger;
  await client.ready();
});

after(async () => {
  await client?.close();
  await server?.stop();
});

const ports = (hosts) => hosts.map((h) => h.port).sort((a, b) => a - b);

test('NacosNamingClient registers an instance and getAllInstances returns it', async () => {
  await client.registerInstance('nodesvc', { ip: '127.0.0.1', port: 9001, metadata: { zone: 'a' } });
  const hosts = await visibleWithin(1000, () => client.getAllInstances('nodesvc'), (h) => h.length === 1);
  assert.equal(hosts.length, 1, logger.lines.join('\n'));
  const [host] = hosts;
  assert.equal(host.ip, '127.0.0.1');
  assert.equal(host.port, 9001);
  assert.equal(host.healthy, true);
  assert.equal(host.enabled, true);
  assert.equal(host.weight, 1);
  assert.equal(host.metadata.zone, 'a');
  assert.equal(host.instanceId, '127.0.0.1#9001#DEFAULT#DEFAULT_GROUP@@nodesvc');

  const healthy = await client.selectInstances('nodesvc');
  assert.deepEqual(ports(healthy), [9001]);
});

test('NacosNamingClient subscribe sees an instance arrive and leave', async () => {
  await client.registerInstance('watched', { ip: '127.0.0.1', port: 9101 });
  const initial = firstMatching((cb) => client.subscribe('watched', cb), (hosts) => hosts.length === 1);
  assert.deepEqual(ports(await within(initial, 10_000, 'the first list')), [9101]);

  const arrived = firstMatching((cb) => client.subscribe('watched', cb), (hosts) => hosts.some((h) => h.port === 9102));
  await client.registerInstance('watched', { ip: '127.0.0.1', port: 9102 });
  assert.deepEqual(ports(await within(arrived, 8_000, 'the new instance to be pushed')), [9101, 9102]);

  const left = firstMatching((cb) => client.subscribe('watched', cb), (hosts) => !hosts.some((h) => h.port === 9102));
  await client.deregisterInstance('watched', { ip: '127.0.0.1', port: 9102 });
  assert.deepEqual(ports(await within(left, 8_000, 'the removal to be pushed')), [9101]);
});

test('NacosNamingClient deregisterInstance removes the instance from the server', async () => {
  await client.registerInstance('leaving', { ip: '127.0.0.1', port: 9201 });
  await client.registerInstance('leaving', { ip: '127.0.0.1', port: 9202 });
  await client.deregisterInstance('leaving', { ip: '127.0.0.1', port: 9201 });
  const hosts = await visibleWithin(1000, () => client.getAllInstances('leaving', 'DEFAULT_GROUP', '', false),
    (h) => ports(h).join() === '9202');
  assert.deepEqual(ports(hosts), [9202]);

  const native = await visibleWithin(1000, () => json('GET', `${server.url}/v1/namespaces/public/groups/DEFAULT_GROUP/services/leaving/instances`),
    (r) => r.status === 200 && r.json.instances.map((i) => i.port).join() === '9202');
  assert.equal(native.status, 200);
  assert.deepEqual(native.json.instances.map((i) => i.port), [9202]);
});

test('NacosNamingClient getServerStatus reads UP', async () => {
  assert.equal(await client.getServerStatus(), 'UP');
});

test('NacosNamingClient as a user whose role grants services in one namespace registers, subscribes and deregisters there', async () => {
  const credentials = await createUser(server, 'orders-app', 'orders-app-password', [
    { namespace: 'orders', group: '*', kind: 'service', name: '*', actions: ['read', 'write'] },
  ]);
  const user = namingClient(server, { credentials, namespace: 'orders' });
  try {
    await user.ready();
    const listed = firstMatching((cb) => user.subscribe('billing', cb), (hosts) => hosts.length === 2);
    await user.registerInstance('billing', { ip: '127.0.0.1', port: 9301 });
    await user.registerInstance('billing', { ip: '127.0.0.1', port: 9302 });
    assert.deepEqual(ports(await within(listed, 8_000, 'both instances to reach the subscriber')), [9301, 9302],
      user.logger.lines.join('\n'));

    // Through a cluster the read may land on a node other than the subscriber's, which has both within the propagation bound.
    const native = await visibleWithin(2_000,
      () => json('GET', `${server.url}/v1/namespaces/orders/groups/DEFAULT_GROUP/services/billing/instances`),
      (answer) => answer.json.instances.length === 2);
    assert.deepEqual(native.json.instances.map((i) => i.port).sort(), [9301, 9302]);

    // (The client never hands a listener an empty list, so one instance stays.)
    const left = firstMatching((cb) => user.subscribe('billing', cb), (hosts) => hosts.length === 1);
    await user.deregisterInstance('billing', { ip: '127.0.0.1', port: 9302 });
    assert.deepEqual(ports(await within(left, 8_000, 'the deregistration to reach the subscriber')), [9301]);
  } finally {
    await user.close();
  }
});

test('a Nacos login returns an accessToken that Nacos calls accept in place of the password', async () => {
  // What Java Nacos clients do: log in once, then send accessToken with every call.
  const login = await form('POST', `${server.url}/nacos/v1/auth/login`, server.admin, { auth: false });
  assert.equal(login.status, 200, login.body);
  const { accessToken, tokenTtl, globalAdmin } = JSON.parse(login.body);
  assert.ok(accessToken && tokenTtl > 0 && globalAdmin === true, login.body);

  const instance = { serviceName: 'tokensvc', ip: '127.0.0.1', port: '9501', ephemeral: 'false' };
  const registered = await form('POST', `${server.url}/nacos/v1/ns/instance?accessToken=${encodeURIComponent(accessToken)}`, instance, { auth: false });
  assert.equal(registered.status, 200, registered.body);
  const listed = await visibleWithin(1000,
    () => json('GET', `${server.url}/nacos/v1/ns/instance/list?serviceName=tokensvc&accessToken=${encodeURIComponent(accessToken)}`, { auth: false }),
    (r) => r.status === 200 && r.json.hosts.length > 0);
  assert.equal(listed.status, 200, listed.body);
  assert.deepEqual(listed.json.hosts.map((h) => h.port), [9501]);

  // The token is a signed JWT: another signature (its first character changed) is refused.
  const [header, payload, signature] = accessToken.split('.');
  const forgedToken = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  const forged = await json('GET', `${server.url}/nacos/v1/ns/instance/list?serviceName=tokensvc&accessToken=${encodeURIComponent(forgedToken)}`, { auth: false });
  assert.equal(forged.status, 401, forged.body);
  const removed = await request('DELETE', `${server.url}/nacos/v1/ns/instance?serviceName=tokensvc&ip=127.0.0.1&port=9501&ephemeral=false&accessToken=${encodeURIComponent(accessToken)}`, { auth: false });
  assert.equal(removed.status, 200, removed.body);
});
