'use strict';

// A real eureka-js-client pointed at the Meridian under test, registering one instance on 127.0.0.1.
const { Eureka } = require('eureka-js-client');
const { quietLogger } = require('./wait');

function eurekaClient(server, app, instanceId, port, { servicePath = '/eureka/apps/', heartbeatInterval = 1000, fetchRegistry = true } = {}) {
  const logger = quietLogger();
  const client = new Eureka({
    logger,
    instance: {
      app,
      instanceId,
      hostName: 'localhost',
      ipAddr: '127.0.0.1',
      port: { $: port, '@enabled': true },
      vipAddress: app,
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
    },
    eureka: { host: server.host, port: server.port, servicePath, heartbeatInterval, registryFetchInterval: 60_000, fetchRegistry, maxRetries: 0 },
  });
  client.logLines = logger.lines;
  return client;
}

/** Turns a callback-taking client call into a promise. */
const call = (fn) => new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

module.exports = { eurekaClient, call };
