import { useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { day, money } from '../format.js';
import { customerLink, Loading, Problem, useLoad } from './common.jsx';

// The plans in force, and what the next days would bring if nothing changed (a dry run: nothing
// is written).
export function Plan() {
  const [plans, plansError] = useLoad(() => get('/plans'), []);
  const [forecast, setForecast] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function dryRun() {
    setBusy(true);
    setError(null);
    try {
      setForecast(await get('/forecast' + query({ days: 14 })));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Plan</h1>
      <Loading data={plans} error={plansError}>
        {plans &&
          plans.plans.map((p) => (
            <article class="plan" data-plan={p.name}>
              <h2>{p.name}</h2>
              {p.description && <p>{p.description}</p>}
              <ol class="steps">
                {p.steps.map((s) => (
                  <li>
                    <strong>{s.name}</strong> ({s.channels.join(', ')}), {s.when}
                    {s.description && <div class="detail">{s.description}</div>}
                  </li>
                ))}
              </ol>
            </article>
          ))}
      </Loading>
      <button type="button" onClick={dryRun} disabled={busy}>
        Dry run of the next 14 days
      </button>
      <Problem error={error} />
      {forecast && (
        <table class="list forecast">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Customer</th>
              <th scope="col">Step</th>
              <th scope="col">Channel</th>
              <th scope="col">Overdue</th>
            </tr>
          </thead>
          <tbody>
            {forecast.days.flatMap((d) =>
              d.actions.map((a) => (
                <tr>
                  <td>{day(d.as_of)}</td>
                  <td>{customerLink(a.customer)}</td>
                  <td>{a.step}</td>
                  <td>{a.channel}</td>
                  <td class="amount">{money(a.amount, a.currency)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
