'use strict';

// A real eureka-js-client pointed at the Meridian under test, registering one instance on 127.0.0.1. Meridian's
// Eureka API takes HTTP Basic credentials (user:password, or any name and an access key); like Spring clients,
// eureka-js-client gets them in its service URL (http://user:password@host:port/eureka/apps/), from which its HTTP
// library sends 'Authorization: Basic'.
const { Eureka } = require('eureka-js-client');
const { quietLogger } = require('./wait');

/**
 * credentials: { username, password } for the service URL; omitted for the server's admin, null for none.
 */
function eurekaClient(server, app, instanceId, port, {
  servicePath = '/eureka/apps/', heartbeatInterval = 1000, fetchRegistry = true, registerWithEureka = true, credentials = server.admin,
} = {}) {
  const logger = quietLogger();
  const userInfo = credentials ? `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@` : '';
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
    eureka: {
      serviceUrls: { default: [`http://${userInfo}${server.host}:${server.port}${servicePath}`] },
      heartbeatInterval,
      registryFetchInterval: 60_000,
      fetchRegistry,
      registerWithEureka,
      maxRetries: 0,
    },
  });
  client.logLines = logger.lines;
  return client;
}

/** Turns a callback-taking client call into a promise. */
const call = (fn) => new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

module.exports = { eurekaClient, call };
