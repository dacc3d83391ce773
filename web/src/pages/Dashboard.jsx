import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { get } from '../api.js';
import { count, day, money } from '../format.js';
import { Loading, useLoad } from './common.jsx';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const buckets = ['current', '1-30', '31-60', '61-90', '90+'];
const bucketTitles = ['Not yet due', '1–30 days', '31–60 days', '61–90 days', '90+ days'];

// The aging of one currency as a bar chart. The figures beside it are the exact ones; the chart
// only draws them.
function AgingChart({ currency, row }) {
  const canvas = useRef(null);
  useEffect(() => {
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: bucketTitles,
        datasets: [
          {
            label: currency,
            data: buckets.map((b) => Number(row[b])),
            backgroundColor: ['#5b8def', '#f2c94c', '#f2994a', '#eb5757', '#9b1c1c'],
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { tooltip: { callbacks: { label: (c) => money(row[buckets[c.dataIndex]], currency) } } },
        scales: { y: { ticks: { callback: (v) => money(String(v), currency) } } },
      },
    });
    return () => chart.destroy();
  }, [currency, row]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={`Aging of ${currency} receivables by days past due`} />
    </div>
  );
}

export function Dashboard() {
  const [data, error] = useLoad(() => get('/dashboard'), []);
  return (
    <section>
      <h1>Dashboard</h1>
      <Loading data={data} error={error}>
        {data && (
          <>
            <p class="as-of">As of {day(data.as_of)}</p>
            <div class="tiles">
              <div class="tile">
                <span class="label">Actions today</span>
                <span class="figure" data-figure="actions-today">
                  {count(data.actions_today)}
                </span>
              </div>
              <div class="tile">
                <span class="label">Calls to make</span>
                <span class="figure" data-figure="calls-open">
                  <a href="#/worklist">{count(data.calls_open)}</a>
                </span>
              </div>
              <div class="tile">
                <span class="label">Waiting in the outbox</span>
                <span class="figure" data-figure="outbox-waiting">
                  <a href="#/outbox">{count(data.outbox_waiting)}</a>
                </span>
              </div>
            </div>
            {Object.keys(data.currencies).length === 0 && <p>Nothing is owed.</p>}
            {Object.entries(data.currencies).map(([currency, row]) => (
              <article class="currency" data-currency={currency}>
                <h2>{currency}</h2>
                <div class="tiles">
                  <div class="tile">
                    <span class="label">Receivables</span>
                    <span class="figure" data-figure="total">
                      {money(row.total, currency)}
                    </span>
                  </div>
                  <div class="tile">
                    <span class="label">Overdue</span>
                    <span class="figure" data-figure="overdue">
                      {money(row.overdue, currency)}
                    </span>
                  </div>
                  <div class="tile">
                    <span class="label">DSO, last 90 days</span>
                    <span class="figure" data-figure="dso">
                      {row.dso_days === null ? '—' : `${row.dso_days} days`}
                    </span>
                  </div>
                  <div class="tile">
                    <span class="label">Collected, last 30 days</span>
                    <span class="figure" data-figure="collected">
                      {money(row.collected_30_days, currency)}
                    </span>
                  </div>
                </div>
                <AgingChart currency={currency} row={row} />
                <table class="figures">
                  <caption>Aging by days past due</caption>
                  <thead>
                    <tr>
                      {bucketTitles.map((t) => (
                        <th scope="col">{t}</th>
                      ))}
                      <th scope="col">Fees</th>
                      <th scope="col">Total</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      {buckets.map((b) => (
                        <td class="amount" data-bucket={b}>
                          {money(row[b], currency)}
                        </td>
                      ))}
                      <td class="amount" data-bucket="fees">
                        {money(row.fees, currency)}
                      </td>
                      <td class="amount" data-bucket="total">
                        {money(row.total, currency)}
                      </td>
                    </tr>
                  </tbody>
                </table>
              </article>
            ))}
          </>
        )}
      </Loading>
    </section>
  );
}
