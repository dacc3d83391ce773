import { useState } from 'preact/hooks';
import { get } from '../api.js';
import { count, day, money } from '../format.js';
import { CallForm } from './CallForm.jsx';
import { customerLink, Loading, useLoad } from './common.jsx';

export function Worklist({ me }) {
  const [data, error, reload] = useLoad(() => get('/worklist'), []);
  const [open, setOpen] = useState(null);
  const [logged, setLogged] = useState([]);
  const canLog = me.role !== 'viewer';

  return (
    <section>
      <h1>Worklist</h1>
      <Loading data={data} error={error}>
        {data && (
          <>
            <p class="as-of">
              {count(data.calls.length)} call{data.calls.length === 1 ? '' : 's'} to make, as of {day(data.as_of)},
              the most likely to pay first.
            </p>
            {logged.length > 0 && (
              <p class="done" role="status">
                Logged: {logged.join(', ')}
              </p>
            )}
            <ol class="worklist">
              {data.calls.map((c) => (
                <li data-customer={c.customer} class={c.guard && c.guard.verdict !== 'allow' ? 'held' : ''}>
                  <div class="who">
                    {customerLink(c.customer, c.name)} <span class="id">{c.customer}</span>
                  </div>
                  <div class="owed">
                    <span class="amount">{money(c.overdue, c.currency)}</span> overdue, oldest {c.days_past_due} days
                  </div>
                  <div class="phones">
                    {c.phones.map((p) => (
                      <a href={`tel:${p.number}`}>
                        {p.number} <small>{p.type}</small>
                      </a>
                    ))}
                    {c.local_time && <span class="local">{c.local_time}</span>}
                  </div>
                  <div class="why">{c.reason}</div>
                  {c.guard && c.guard.verdict !== 'allow' && (
                    <div class="guard" role="note">
                      Not now: {c.guard.reason}
                    </div>
                  )}
                  {canLog && open !== c.customer && (
                    <button type="button" onClick={() => setOpen(c.customer)}>
                      Log call
                    </button>
                  )}
                  {open === c.customer && (
                    <CallForm
                      customer={c.customer}
                      currency={c.currency}
                      onCancel={() => setOpen(null)}
                      onLogged={() => {
                        setOpen(null);
                        setLogged((l) => [...l, c.customer]);
                        reload();
                      }}
                    />
                  )}
                </li>
              ))}
            </ol>
          </>
        )}
      </Loading>
    </section>
  );
}
