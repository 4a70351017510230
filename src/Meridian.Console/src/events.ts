import { useEffect, useRef } from 'react';
import type { Api } from './api';

export interface ServiceEvent { namespace: string; group: string; name: string; kind: string; instanceCount: number; healthyInstanceCount: number; revision: number }
export interface ConfigEvent { namespace: string; group: string; dataId: string; kind: string; md5: string; version: number; revision: number }
export type ChangeEvent = { type: 'service'; data: ServiceEvent } | { type: 'config'; data: ConfigEvent } | { type: 'resync' };

/** Live updates: the server's change stream (server-sent events) of one namespace, as far as the user may read it. */
export function useChanges(api: Api, ns: string | null, onChange: (e: ChangeEvent) => void) {
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (!ns) return;
    const source = new EventSource(api.url(`v1/events?namespace=${encodeURIComponent(ns)}`));
    source.addEventListener('service', e => handler.current({ type: 'service', data: JSON.parse((e as MessageEvent).data) as ServiceEvent }));
    source.addEventListener('config', e => handler.current({ type: 'config', data: JSON.parse((e as MessageEvent).data) as ConfigEvent }));
    source.addEventListener('resync', () => handler.current({ type: 'resync' }));
    return () => source.close();
  }, [api, ns]);
}
