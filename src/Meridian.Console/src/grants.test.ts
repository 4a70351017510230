import { describe, expect, it } from 'vitest';
import type { Me } from './api';
import { mayCloneFrom, mayWrite, wildcard } from './grants';

const reader: Me = { name: 'r', kind: 'user', admin: false, grants: [{ namespace: 'dev', group: '*', kind: '*', name: '*', actions: ['read'] }] };
const writer: Me = { name: 'w', kind: 'user', admin: false, grants: [{ namespace: 'dev', group: 'DEFAULT_GROUP', kind: 'config', name: 'user*', actions: ['read', 'write'] }] };

describe('grants', () => {
  it('matches wildcards like the server', () => {
    expect(wildcard('*', 'anything')).toBe(true);
    expect(wildcard('user*', 'userservice')).toBe(true);
    expect(wildcard('user*', 'orders')).toBe(false);
    expect(wildcard('a*c', 'abbc')).toBe(true);
  });

  it('hides write controls from a read-only user', () => {
    expect(mayWrite(reader, 'config', 'dev')).toBe(false);
    expect(mayWrite(reader, 'service', 'dev', 'DEFAULT_GROUP', 'x')).toBe(false);
  });

  it('shows them where a grant allows writing', () => {
    expect(mayWrite(writer, 'config', 'dev', 'DEFAULT_GROUP', 'userservice.yaml')).toBe(true);
    expect(mayWrite(writer, 'config', 'dev', 'DEFAULT_GROUP', 'orders.yaml')).toBe(false);
    expect(mayWrite(writer, 'service', 'dev', 'DEFAULT_GROUP', 'userservice')).toBe(false);
    expect(mayWrite({ ...writer, admin: true, grants: [] }, 'service', 'prod')).toBe(true);
  });

  it('offers clone only where another namespace may be written', () => {
    expect(mayCloneFrom(writer, 'staging', ['dev', 'staging'])).toBe(true);
    expect(mayCloneFrom(writer, 'dev', ['dev', 'staging'])).toBe(false);
    expect(mayCloneFrom(reader, 'public', ['dev', 'public'])).toBe(false);
  });
});
