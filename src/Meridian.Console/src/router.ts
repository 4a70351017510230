import { useEffect, useState } from 'react';

/** The console's routes are paths under the <base> the server names (so they survive a proxy's path prefix). */
export function basePath(): string {
  return new URL(document.baseURI).pathname.replace(/\/$/, '');
}

export function currentRoute(): string {
  const path = window.location.pathname;
  const base = basePath();
  const route = path.startsWith(base) ? path.slice(base.length) : path;
  return (route || '/') + window.location.search;
}

// A message for the page navigated to (such as "Published version 1" after creating a config), read once.
let flash: string | null = null;

export function takeFlash(): string | null {
  const message = flash;
  flash = null;
  return message;
}

export function navigate(route: string, message: string | null = null) {
  flash = message;
  window.history.pushState(null, '', basePath() + route);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}

/** Matches '/ns/:ns/services/:group/:name' style patterns; null when the route is another. */
export function match(pattern: string, route: string): Record<string, string> | null {
  const path = route.split('?')[0];
  const p = pattern.split('/'), r = path.split('/');
  if (p.length !== r.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(r[i]);
    else if (p[i] !== r[i]) return null;
  }
  return params;
}

export const seg = encodeURIComponent;
