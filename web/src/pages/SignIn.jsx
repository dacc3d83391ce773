import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { Problem } from './common.jsx';

export function SignIn({ onSignedIn }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post('/session', { name, password }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <h1>squeaky</h1>
      <form onSubmit={submit}>
        <label>
          Name
          <input name="name" autocomplete="username" required value={name} onInput={(e) => setName(e.target.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.target.value)}
          />
        </label>
        <Problem error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
