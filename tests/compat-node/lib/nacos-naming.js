'use strict';

// A real NacosNamingClient pointed at the Meridian under test. The client sends its username and password options
// as query parameters on every call (nacos-naming's NameProxy._callServer), which is how Meridian's Nacos API reads them.
const { NacosNamingClient } = require('nacos');
const { quietLogger } = require('./wait');

/**
 * credentials: { username, password }; omitted for the server's admin, null for none. The client's logger is
 * client.logger: a quietLogger, so a test can wait for what the client logs (it logs each failed call's status).
 */
function namingClient(server, { credentials = server.admin, namespace = 'public', logger = quietLogger() } = {}) {
  return new NacosNamingClient({
    logger, serverList: `${server.host}:${server.port}`, namespace, ...(credentials ?? {}),
  });
}

module.exports = { namingClient };
