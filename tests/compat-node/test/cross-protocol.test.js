'use strict';

// One registry, two protocols: what eureka-js-client registers the Nacos client finds, and what the Nacos client
// registers eureka-js-client finds (under the upper-case app name Eureka uses).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startMeridian } = require('../lib/meridian');
const { eurekaClient: newEurekaClient, call } = require('../lib/eureka');
const { namingClient } = require('../lib/nacos-naming');
const { within, firstMatching, visibleWithin } = require('../lib/wait');

let server;
let nacos;

before(async () => {
  server = await startMeridian();
  nacos = namingClient(server);
  await nacos.ready();
});

after(async () => {
  await nacos?.close();
  await server?.stop();
});

const eurekaClient = (app, instanceId, port) => newEurekaClient(server, app, instanceId, port);


test('an instance registered by eureka-js-client is returned by the Nacos client', async () => {
  const eureka = eurekaClient('orderservice', 'orderservice-1', 7201);
  try {
    await within(call((cb) => eureka.start(cb)), 10_000, 'eureka-js-client to start');
    const hosts = await visibleWithin(1000, () => nacos.getAllInstances('orderservice'), (h) => h.length === 1);
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0].ip, '127.0.0.1');
    assert.equal(hosts[0].port, 7201);
    assert.equal(hosts[0].healthy, true);
    assert.equal(hosts[0].instanceId, 'orderservice-1');

    // Its departure reaches a Nacos subscriber too.
    const second = eurekaClient('orderservice', 'orderservice-2', 7202);
    await within(call((cb) => second.start(cb)), 10_000, 'a second eureka-js-client to start');
    const both = firstMatching((cb) => nacos.subscribe('orderservice', cb), (list) => list.length === 2);
    await within(both, 8_000, 'the Nacos subscriber to see both Eureka instances');
    const oneLeft = firstMatching((cb) => nacos.subscribe('orderservice', cb), (list) => list.length === 1);
    await call((cb) => second.stop(cb));
    const [left] = await within(oneLeft, 8_000, 'the Nacos subscriber to see the Eureka instance leave');
    assert.equal(left.port, 7201);
  } finally {
    await call((cb) => eureka.stop(cb)).catch(() => {});
  }
});

test('an instance registered by the Nacos client is seen by eureka-js-client', async () => {
  await nacos.registerInstance('userservice', { ip: '127.0.0.1', port: 7301 });
  const watcher = eurekaClient('watcher', 'watcher-1', 7399);
  try {
    await within(call((cb) => watcher.start(cb)), 10_000, 'eureka-js-client to start');
    const byApp = watcher.getInstancesByAppId('USERSERVICE');
    assert.equal(byApp.length, 1);
    assert.equal(byApp[0].app, 'USERSERVICE');
    assert.equal(byApp[0].ipAddr, '127.0.0.1');
    assert.equal(byApp[0].port.$, 7301);
    assert.equal(byApp[0].status, 'UP');
    const byVip = watcher.getInstancesByVipAddress('userservice');
    assert.equal(byVip.length, 1);

    // A deregistration through Nacos is in the next fetch from the node that took it (no response cache to wait
    // out), and in any other node's within the cluster's propagation bound.
    await nacos.deregisterInstance('userservice', { ip: '127.0.0.1', port: 7301 });
    const left = await visibleWithin(1000, async () => {
      await call((cb) => watcher.fetchRegistry(cb));
      return watcher.getInstancesByAppId('USERSERVICE');
    }, (instances) => instances.length === 0);
    assert.equal(left.length, 0);
  } finally {
    await call((cb) => watcher.stop(cb)).catch(() => {});
  }
});
