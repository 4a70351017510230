import type { Me } from './api';

/** The server's wildcard rule: '*' stands for any run of characters; everything else matches itself. */
export function wildcard(pattern: string, text: string): boolean {
  let p = 0, t = 0, star = -1, resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') { star = p++; resume = t; }
    else if (p < pattern.length && pattern[p] === text[t]) { p++; t++; }
    else if (star >= 0) { p = star + 1; t = ++resume; }
    else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Whether to show a write control. Only a hint for the page: the server decides, and refuses what the caller may not do.
 * group/name '*' asks whether anything in the namespace may be written.
 */
export function mayWrite(me: Me | null, kind: 'service' | 'config', ns: string, group = '*', name = '*'): boolean {
  if (!me) return false;
  if (me.admin) return true;
  return me.grants.some(g =>
    g.actions.includes('write') && (g.kind === '*' || g.kind === kind) && wildcard(g.namespace, ns)
    && (group === '*' || wildcard(g.group, group)) && (name === '*' || wildcard(g.name, name)));
}

/** Whether configs may be cloned out of <ns>: something in another namespace may be written (the server checks each config). */
export function mayCloneFrom(me: Me | null, ns: string, namespaces: string[]): boolean {
  return namespaces.some(other => other !== ns && mayWrite(me, 'config', other));
}
