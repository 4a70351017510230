'use strict';

// npm nacos@2.6.3 NacosNamingClient against a real Meridian: register, list, subscribe and see changes (Meridian
// pushes them over UDP; the client's own polling is the fallback), deregister.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { NacosNamingClient } = require('nacos');
const { startMeridian } = require('../lib/meridian');
const { within, firstMatching, quietLogger } = require('../lib/wait');
const { json } = require('../lib/http');

let server;
let client;
const logger = quietLogger();

before(async () => {
  server = await startMeridian();
  client = new NacosNamingClient({ logger, serverList: `${server.host}:${server.port}`, namespace: 'public' });
  await client.ready();
});

after(async () => {
  await client?.close();
  await server?.stop();
});

const ports = (hosts) => hosts.map((h) => h.port).sort((a, b) => a - b);

test('NacosNamingClient registers an instance and getAllInstances returns it', async () => {
  await client.registerInstance('nodesvc', { ip: '127.0.0.1', port: 9001, metadata: { zone: 'a' } });
  const hosts = await client.getAllInstances('nodesvc');
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
  const hosts = await client.getAllInstances('leaving', 'DEFAULT_GROUP', '', false);
  assert.deepEqual(ports(hosts), [9202]);

  const native = await json('GET', `${server.url}/v1/namespaces/public/groups/DEFAULT_GROUP/services/leaving/instances`);
  assert.equal(native.status, 200);
  assert.deepEqual(native.json.instances.map((i) => i.port), [9202]);
});

test('NacosNamingClient getServerStatus reads UP', async () => {
  assert.equal(await client.getServerStatus(), 'UP');
});
