import { useState } from 'preact/hooks';
import { get, post, query } from '../api.js';
import { count, day, instant } from '../format.js';
import { customerLink, Loading, Problem, useLoad } from './common.jsx';

const statuses = ['queued', 'held', 'failed', 'unknown', 'sent', 'rejected', 'blocked', 'cancelled'];

// Review what is waiting to go out: hold back what a person should look at, approve what was
// held, cancel what should not go, retry what failed, and settle the ones whose fate is unknown.
export function Outbox({ me }) {
  const [status, setStatus] = useState('queued');
  const [data, error, reload] = useLoad(() => get('/outbox' + query({ status })), [status]);
  const [problem, setProblem] = useState(null);
  const canAct = me.role !== 'viewer';

  async function act(id, verb) {
    setProblem(null);
    try {
      await post(`/outbox/${id}/${verb}`);
      reload();
    } catch (e) {
      setProblem(e);
    }
  }

  return (
    <section>
      <h1>Outbox</h1>
      <label>
        Show
        <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {statuses.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </label>
      <Problem error={problem} />
      <Loading data={data} error={error}>
        {data && (
          <>
            <p class="as-of">
              {count(data.items.length)} item{data.items.length === 1 ? '' : 's'} {status}
            </p>
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Step</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Not before</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((i) => (
                  <tr data-item={i.id}>
                    <td>{customerLink(i.customer)}</td>
                    <td>{i.channel}</td>
                    <td>
                      {i.sha256 ? (
                        <a href={`/api/v1/outbox/${i.id}/content`}>{i.subject || i.step}</a>
                      ) : (
                        <>
                          {i.step} (<a href={`/api/v1/outbox/${i.id}/preview`} target="_blank" rel="noopener">preview</a>)
                        </>
                      )}
                    </td>
                    <td>{day(i.queued_on)}</td>
                    <td>{instant(i.not_before)}</td>
                    <td class="number">{i.attempts}</td>
                    <td>{i.last_error}</td>
                    <td class="buttons">
                      {canAct && i.status === 'held' && (
                        <button type="button" onClick={() => act(i.id, 'approve')}>
                          Approve
                        </button>
                      )}
                      {canAct && ['queued', 'failed'].includes(i.status) && (
                        <button type="button" class="secondary" onClick={() => act(i.id, 'hold')}>
                          Hold
                        </button>
                      )}
                      {canAct && ['queued', 'failed', 'unknown', 'held'].includes(i.status) && (
                        <button type="button" class="secondary" onClick={() => act(i.id, 'cancel')}>
                          Cancel
                        </button>
                      )}
                      {canAct && ['failed', 'unknown'].includes(i.status) && (
                        <button type="button" onClick={() => act(i.id, 'retry')}>
                          Retry
                        </button>
                      )}
                      {canAct && i.status === 'unknown' && (
                        <button type="button" onClick={() => act(i.id, 'confirm')}>
                          It was sent
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loading>
    </section>
  );
}
