import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { Problem } from './common.jsx';

// Signing in; on a database with no user yet, making the first owner (the first-run screen).
export function SignIn({ onSignedIn }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [firstRun, setFirstRun] = useState(false);

  useEffect(() => {
    get('/setup')
      .then((s) => setFirstRun(s.needed))
      .catch(() => setFirstRun(false));
  }, []);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (firstRun) await post('/setup', { name, password });
      onSignedIn(await post('/session', { name, password }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <h1>squeaky</h1>
      {firstRun && <p>Welcome. Choose the name and password of the business's owner, who can do everything and add the other users.</p>}
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
            autocomplete={firstRun ? 'new-password' : 'current-password'}
            required
            value={password}
            onInput={(e) => setPassword(e.target.value)}
          />
        </label>
        <Problem error={error} />
        <button type="submit" disabled={busy}>
          {firstRun ? 'Create the owner and sign in' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
