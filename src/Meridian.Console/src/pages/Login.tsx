import { useState } from 'react';
import type { Api } from '../api';
import { ErrorBox, useCtx } from '../App';

export function LoginPage({ api, onLoggedIn }: { api: Api; onLoggedIn: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.login(username, password);
      await onLoggedIn();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="login" onSubmit={e => void submit(e)}>
      <h1>Meridian</h1>
      <label>Username <input name="username" autoComplete="username" value={username} onChange={e => setUsername(e.target.value)} /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" value={password} onChange={e => setPassword(e.target.value)} /></label>
      <button type="submit">Log in</button>
      <ErrorBox error={error} />
    </form>
  );
}

export function PasswordPage({ onChanged }: { onChanged: () => Promise<void> }) {
  const { api, me } = useCtx();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    if (password !== repeat) { setError('The two passwords differ.'); return; }
    try {
      await api.changePassword(me.name, password);
      // A password change ends every session begun under the old one, this one too: log in again with the new one.
      await api.login(me.name, password);
      setDone(true);
      await onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="panel narrow" onSubmit={e => void submit(e)}>
      <h2>Change password</h2>
      <label>New password <input name="new-password" type="password" autoComplete="new-password" value={password} onChange={e => setPassword(e.target.value)} /></label>
      <label>Repeat it <input name="repeat-password" type="password" autoComplete="new-password" value={repeat} onChange={e => setRepeat(e.target.value)} /></label>
      <button type="submit">Change password</button>
      {done && <div className="ok" role="status">Password changed; sessions begun under the old one have ended.</div>}
      <ErrorBox error={error} />
    </form>
  );
}
