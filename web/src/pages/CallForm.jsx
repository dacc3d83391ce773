import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { Problem } from './common.jsx';

const outcomes = [
  ['promise', 'Promised to pay'],
  ['paid', 'Says it is paid'],
  ['dispute', 'Disputes an invoice'],
  ['hardship', 'Hardship'],
  ['left-message', 'Left a message'],
  ['no-answer', 'No answer'],
  ['no-connection', 'Busy / no connection'],
  ['wrong-number', 'Wrong number'],
  ['refused', 'Refused to pay'],
];

// Logging a call: the outcome, and for a promise the amount and the day. Takes seconds.
export function CallForm({ customer, currency, openInvoices = [], onLogged, onCancel }) {
  const [outcome, setOutcome] = useState('promise');
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState('');
  const [invoice, setInvoice] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    // The day is the server's: the business's today when the call is logged.
    const body = { customer, outcome, note };
    if (outcome === 'promise' || outcome === 'paid') {
      if (amount) body.amount = amount;
      if (date) body.date = date;
    }
    if (outcome === 'dispute') body.invoice = invoice;
    try {
      await post('/calls', body);
      onLogged();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const id = `call-${customer}`;
  return (
    <form class="call-form" onSubmit={submit} aria-label={`Log a call to ${customer}`}>
      <label>
        Outcome
        <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)} autofocus>
          {outcomes.map(([value, title]) => (
            <option value={value}>{title}</option>
          ))}
        </select>
      </label>
      {(outcome === 'promise' || outcome === 'paid') && (
        <>
          <label>
            Amount ({currency})
            <input
              name="amount"
              inputMode="decimal"
              required={outcome === 'promise'}
              pattern="[0-9]+([.][0-9]+)?"
              value={amount}
              onInput={(e) => setAmount(e.target.value)}
              aria-describedby={`${id}-amount-help`}
            />
            <small id={`${id}-amount-help`}>like 1250.00</small>
          </label>
          <label>
            {outcome === 'promise' ? 'Will pay on' : 'Paid on'}
            <input
              name="date"
              type="date"
              required={outcome === 'promise'}
              value={date}
              onInput={(e) => setDate(e.target.value)}
            />
          </label>
        </>
      )}
      {outcome === 'dispute' && (
        <label>
          Invoice
          <select name="invoice" required value={invoice} onChange={(e) => setInvoice(e.target.value)}>
            <option value="">Choose…</option>
            {openInvoices.map((i) => (
              <option value={i.id}>{i.id}</option>
            ))}
          </select>
        </label>
      )}
      <label class="wide">
        Note
        <input name="note" value={note} onInput={(e) => setNote(e.target.value)} />
      </label>
      <Problem error={error} />
      <div class="buttons">
        <button type="submit" disabled={busy}>
          Log call
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
