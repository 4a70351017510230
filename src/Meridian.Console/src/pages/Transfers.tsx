import { useRef, useState } from 'react';
import type { ConflictPolicy, TransferReport } from '../api';
import { ErrorBox, useCtx } from '../App';
import { fromSelectionKey, transferRows, transferSummary } from '../transfer';

const policies: Array<{ value: ConflictPolicy; label: string }> = [
  { value: 'abort', label: 'abort if any exists' },
  { value: 'skip', label: 'skip existing' },
  { value: 'overwrite', label: 'overwrite existing' },
];

function PolicySelect({ label, value, onChange }: { label: string; value: ConflictPolicy; onChange: (p: ConflictPolicy) => void }) {
  return (
    <label>{label}{' '}
      <select aria-label={label} value={value} onChange={e => onChange(e.target.value as ConflictPolicy)}>
        {policies.map(p => <option key={p.value} value={p.value}>{p.label}</option>)}
      </select>
    </label>
  );
}

/** What an import or clone did, config by config. */
export function TransferResult({ report }: { report: TransferReport }) {
  return (
    <div className={report.failed.length > 0 ? 'confirm' : 'ok'} role="status" data-testid="transfer-result">
      <div>{transferSummary(report)}</div>
      <table>
        <tbody>
          {transferRows(report).map(r => (
            <tr key={`${r.group}/${r.dataId}`} data-outcome={r.outcome}>
              <td>{r.group}</td><td>{r.dataId}</td><td className={r.outcome === 'failed' ? 'warn' : ''}>{r.outcome}</td><td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Clone the selected configs to another namespace. */
export function CloneDialog({ ns, selected, onClose, onDone }: { ns: string; selected: string[]; onClose: () => void; onDone: () => void }) {
  const { api, namespaces } = useCtx();
  const others = namespaces.filter(n => n.id !== ns);
  const [target, setTarget] = useState(others[0]?.id ?? '');
  const [policy, setPolicy] = useState<ConflictPolicy>('abort');
  const [report, setReport] = useState<TransferReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const clone = async () => {
    setError(null);
    try { setReport(await api.cloneConfigs(ns, target, policy, selected.map(fromSelectionKey))); onDone(); } catch (e) { setError(e); }
  };
  return (
    <div className="confirm" role="dialog" aria-label="Clone configs">
      <div>Clone {selected.length} config{selected.length === 1 ? '' : 's'} from {ns} to another namespace.</div>
      <div className="toolbar">
        <label>Target namespace{' '}
          <select aria-label="Target namespace" value={target} onChange={e => setTarget(e.target.value)}>
            {others.map(n => <option key={n.id} value={n.id}>{n.name} ({n.id})</option>)}
          </select>
        </label>
        <PolicySelect label="When a config exists" value={policy} onChange={setPolicy} />
        <button disabled={!target} onClick={() => void clone()}>Clone</button>
        <button className="secondary" onClick={onClose}>Close</button>
      </div>
      <ErrorBox error={error} />
      {report && <TransferResult report={report} />}
    </div>
  );
}

/** Export the namespace's configs (as filtered) as a zip, or import one. */
export function ArchiveTools({ ns, group, dataId, writable, onImported }: {
  ns: string; group: string; dataId: string; writable: boolean; onImported: () => void;
}) {
  const { api } = useCtx();
  const file = useRef<HTMLInputElement>(null);
  const [policy, setPolicy] = useState<ConflictPolicy>('abort');
  const [report, setReport] = useState<TransferReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const upload = async () => {
    const zip = file.current?.files?.[0];
    if (!zip) return;
    setError(null);
    setReport(null);
    try { setReport(await api.importConfigs(ns, zip, policy)); onImported(); } catch (e) { setError(e); }
    if (file.current) file.current.value = '';
  };
  const pattern = dataId ? (dataId.includes('*') ? dataId : `*${dataId}*`) : '';
  return (
    <div className="archive">
      <div className="toolbar">
        <a className="button" href={api.exportUrl(ns, { group, dataId: pattern })} download={`${ns}-configs.zip`}>Export as zip</a>
        {writable && <>
          <label>Import zip <input ref={file} type="file" accept=".zip,application/zip" aria-label="Zip to import" onChange={() => void upload()} /></label>
          <PolicySelect label="Import policy" value={policy} onChange={setPolicy} />
        </>}
      </div>
      <ErrorBox error={error} />
      {report && <TransferResult report={report} />}
    </div>
  );
}
