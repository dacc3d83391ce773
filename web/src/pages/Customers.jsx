import { useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { count, money } from '../format.js';
import { customerLink, Loading, useLoad } from './common.jsx';

const pageSize = 50;

export function Customers() {
  const [text, setText] = useState('');
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, error] = useLoad(
    () => get('/customers' + query({ q: search, limit: pageSize, offset })),
    [search, offset],
  );

  return (
    <section>
      <h1>Customers</h1>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setSearch(text);
        }}
      >
        <label>
          Find by name or id
          <input name="q" type="search" value={text} onInput={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">Find</button>
      </form>
      <Loading data={data} error={error}>
        {data && (
          <>
            <p class="as-of">
              {count(data.total)} customer{data.total === 1 ? '' : 's'}
              {data.total > pageSize && `, ${offset + 1}–${Math.min(offset + pageSize, data.total)} shown`}
            </p>
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Open</th>
                  <th scope="col">Overdue</th>
                </tr>
              </thead>
              <tbody>
                {data.customers.map((c) => (
                  <tr>
                    <td>
                      {customerLink(c.id, c.name)} <span class="id">{c.id}</span>
                    </td>
                    <td>{c.kind}</td>
                    <td class="amount">{money(c.open, c.currency)}</td>
                    <td class="amount">{money(c.overdue, c.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="pager">
              <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
                Previous
              </button>
              <button type="button" disabled={offset + pageSize >= data.total} onClick={() => setOffset(offset + pageSize)}>
                Next
              </button>
            </div>
          </>
        )}
      </Loading>
    </section>
  );
}
