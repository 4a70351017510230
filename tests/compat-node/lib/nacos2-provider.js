'use strict';

// A provider process for the tests: a Nacos 2.x client (nacos-sdk-rust) that registers one instance and stays up
// until it is killed. Prints 'registered' once the server has taken the registration.
// Usage: node nacos2-provider.js <serverAddr> <username> <password> <service> <ip> <port>
const { NacosNamingClient } = require('nacos-sdk-rust-binding-node');

const [serverAddr, username, password, service, ip, port] = process.argv.slice(2);
const client = new NacosNamingClient({ serverAddr, namespace: '', username, password });
client.registerInstance(service, 'DEFAULT_GROUP', { ip, port: Number(port) })
  .then(() => console.log('registered'))
  .catch((err) => {
    console.error(`registration failed: ${err.message}`);
    process.exit(1);
  });
setInterval(() => {}, 60_000);
