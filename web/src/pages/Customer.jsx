import { useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { day, instant, money } from '../format.js';
import { CallForm } from './CallForm.jsx';
import { Loading, useLoad } from './common.jsx';

// What a journal entry says, in a line a clerk reads.
function describe(entry) {
  let p = entry.payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return p;
    }
  }
  if (!p || typeof p !== 'object') return '';
  const parts = [];
  for (const key of ['id', 'step', 'channel', 'outcome', 'amount', 'date', 'due_on', 'reason', 'detail', 'note', 'subject']) {
    if (p[key] !== undefined && p[key] !== '' && typeof p[key] !== 'object') parts.push(`${key} ${p[key]}`);
  }
  return parts.join(' · ');
}

export function Customer({ me, id }) {
  const [statement, error, reload] = useLoad(() => get(`/customers/${encodeURIComponent(id)}`), [id]);
  const [journal, journalError, reloadJournal] = useLoad(() => get(`/customers/${encodeURIComponent(id)}/journal`), [id]);
  const [outbox] = useLoad(() => get('/outbox' + query({ customer: id })), [id]);
  const [logging, setLogging] = useState(false);
  const canLog = me.role !== 'viewer';

  return (
    <section>
      <Loading data={statement} error={error}>
        {statement && (
          <CustomerView
            s={statement}
            me={me}
            canLog={canLog}
            logging={logging}
            setLogging={setLogging}
            onLogged={() => {
              setLogging(false);
              reload();
              reloadJournal();
            }}
          />
        )}
      </Loading>
      {outbox && outbox.items.length > 0 && (
        <>
          <h2>Letters and emails</h2>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Channel</th>
                <th scope="col">Step</th>
                <th scope="col">Status</th>
                <th scope="col">Copy</th>
              </tr>
            </thead>
            <tbody>
              {outbox.items.map((i) => (
                <tr>
                  <td>{day(i.queued_on)}</td>
                  <td>{i.channel}</td>
                  <td>{i.subject || i.step}</td>
                  <td>{i.status}</td>
                  <td>{i.sha256 ? <a href={`/api/v1/outbox/${i.id}/content`}>view</a> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Timeline</h2>
      <Loading data={journal} error={journalError}>
        {journal && (
          <ol class="timeline" aria-label="Everything recorded about this customer, newest first">
            {[...journal.entries].reverse().map((e) => (
              <li data-kind={e.kind}>
                <time datetime={e.at}>{instant(e.at)}</time> <strong>{e.kind}</strong> <span class="actor">by {e.actor}</span>
                <div class="detail">{describe(e)}</div>
              </li>
            ))}
          </ol>
        )}
      </Loading>
    </section>
  );
}

function CustomerView({ s, me, canLog, logging, setLogging, onLogged }) {
  const c = s.customer;
  const cur = c.currency;
  const col = s.collection || {};
  return (
    <>
      <h1>
        {c.name} <span class="id">{c.id}</span>
      </h1>
      <p class="as-of">
        {c.kind} · {[c.address.city, c.country].filter(Boolean).join(', ')} · {c.timezone} · plan {c.plan || 'default'}
      </p>
      <div class="tiles">
        <div class="tile">
          <span class="label">Balance</span>
          <span class="figure" data-figure="balance">
            {money(s.balance, cur)}
          </span>
        </div>
        <div class="tile">
          <span class="label">Overdue</span>
          <span class="figure" data-figure="overdue">
            {money(s.overdue, cur)}
          </span>
        </div>
        <div class="tile">
          <span class="label">Unapplied cash</span>
          <span class="figure">{money(s.unapplied, cur)}</span>
        </div>
      </div>
      {canLog &&
        (logging ? (
          <CallForm
            customer={c.id}
            currency={cur}
            openInvoices={s.open_invoices}
            onLogged={onLogged}
            onCancel={() => setLogging(false)}
          />
        ) : (
          <button type="button" onClick={() => setLogging(true)}>
            Log call
          </button>
        ))}
      <h2>Contacts</h2>
      <ul class="contacts">
        {c.contacts.map((k) => (
          <li>
            {k.channel} {k.type}: {k.value} {k.opted_out && <strong>(opted out)</strong>}
          </li>
        ))}
      </ul>
      <h2>Open invoices</h2>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Invoice</th>
            <th scope="col">Issued</th>
            <th scope="col">Due</th>
            <th scope="col">Days past due</th>
            <th scope="col">Amount</th>
            <th scope="col">Open</th>
          </tr>
        </thead>
        <tbody>
          {s.open_invoices.map((i) => (
            <tr data-invoice={i.id}>
              <td>
                {i.id} {i.disputed && <strong>disputed</strong>} {i.kind === 'fee' && <em>fee</em>}
              </td>
              <td>{day(i.issue_date)}</td>
              <td>{day(i.due_date)}</td>
              <td class="number">{i.days_past_due}</td>
              <td class="amount">{money(i.amount, cur)}</td>
              <td class="amount">{money(i.open, cur)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Collection</h2>
      <ul class="collection">
        {col.episode && (
          <li>
            Episode {col.episode.number} since {day(col.episode.opened_on)}
          </li>
        )}
        {(col.promises || []).map((p) => (
          <li data-promise={p.due_on}>
            Promised {money(p.amount, cur)} by {day(p.due_on)} (on {day(p.made_on)})
          </li>
        ))}
        {col.payment_plan && <li>Payment plan agreed {day(col.payment_plan.agreed_on)}</li>}
        {(col.holds || []).map((h) => (
          <li>
            Hold ({h.kind}) {h.reason}
          </li>
        ))}
        {(col.flags || []).map((f) => (
          <li>
            Flag {f.flag} since {day(f.set_on)} {f.note}
          </li>
        ))}
      </ul>
    </>
  );
}
