import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { count } from '../format.js';
import { Problem } from './common.jsx';

const kinds = ['customers', 'invoices', 'payments', 'credits'];

// Upload a CSV file; a file with any bad row changes nothing, and every bad row is listed.
export function Import() {
  const [kind, setKind] = useState('invoices');
  const [file, setFile] = useState(null);
  const [report, setReport] = useState(null);
  const [rows, setRows] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    setRows([]);
    try {
      setReport(await request('POST', `/imports/${kind}`, file, { contentType: 'text/csv' }));
    } catch (e) {
      setError(e);
      setRows(e.rows || []);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Import</h1>
      <form onSubmit={submit} class="import">
        <label>
          What the file holds
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {kinds.map((k) => (
              <option value={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          CSV file
          <input name="file" type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.target.files[0])} />
        </label>
        <button type="submit" disabled={busy || !file}>
          Import
        </button>
      </form>
      <Problem error={error} />
      {rows.length > 0 && (
        <ul class="row-errors" aria-label="Rows to correct">
          {rows.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      )}
      {report && (
        <p class="done" role="status">
          {count(report.rows)} rows: {count(report.created)} created, {count(report.updated)} updated,{' '}
          {count(report.unchanged)} unchanged.
        </p>
      )}
    </section>
  );
}
