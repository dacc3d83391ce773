import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, del, setCsrf, whenSignedOut } from './api.js';
import { setLocale } from './format.js';
import { SignIn } from './pages/SignIn.jsx';
import { Dashboard } from './pages/Dashboard.jsx';
import { Worklist } from './pages/Worklist.jsx';
import { Customers } from './pages/Customers.jsx';
import { Customer } from './pages/Customer.jsx';
import { Outbox } from './pages/Outbox.jsx';
import { Import } from './pages/Import.jsx';
import { Plan } from './pages/Plan.jsx';
import './style.css';

// Pages live at #/name/argument so that the server only ever serves one HTML file.
function currentRoute() {
  const [name = 'dashboard', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: name || 'dashboard', arg: rest.map(decodeURIComponent).join('/') };
}

const pages = [
  ['dashboard', 'Dashboard'],
  ['worklist', 'Worklist'],
  ['customers', 'Customers'],
  ['outbox', 'Outbox'],
  ['import', 'Import', 'owner'],
  ['plan', 'Plan'],
];

function App() {
  const [me, setMe] = useState(undefined); // undefined: asking; null: signed out
  const [route, setRoute] = useState(currentRoute());

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    addEventListener('hashchange', onHash);
    whenSignedOut(() => setMe(null));
    get('/me')
      .then(signedIn)
      .catch(() => setMe(null));
    return () => removeEventListener('hashchange', onHash);
  }, []);

  function signedIn(user) {
    if (user.csrf_token) setCsrf(user.csrf_token);
    if (user.business && user.business.locale) setLocale(user.business.locale);
    setMe(user);
  }

  async function signOut() {
    try {
      await del('/session');
    } finally {
      setCsrf('');
      setMe(null);
    }
  }

  if (me === undefined) return <p class="loading">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={signedIn} />;

  const page = {
    dashboard: <Dashboard me={me} />,
    worklist: <Worklist me={me} />,
    customers: <Customers me={me} />,
    customer: <Customer me={me} id={route.arg} />,
    outbox: <Outbox me={me} />,
    import: <Import me={me} />,
    plan: <Plan me={me} />,
  }[route.name] || <p>There is no page “{route.name}”.</p>;

  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/dashboard">
          squeaky
        </a>
        <span class="business">{me.business && me.business.name}</span>
        <nav aria-label="Pages">
          {pages
            .filter(([, , role]) => !role || me.role === role)
            .map(([name, title]) => (
              <a href={`#/${name}`} aria-current={route.name === name ? 'page' : undefined}>
                {title}
              </a>
            ))}
        </nav>
        <span class="who">
          {me.user} <span class="role">{me.role}</span>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page}</main>
    </div>
  );
}

render(<App />, document.getElementById('app'));
