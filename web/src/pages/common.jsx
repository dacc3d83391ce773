import { useEffect, useState } from 'preact/hooks';

// Loads `load()` when `deps` change; gives [data, error, reload].
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, error: null }));
    load()
      .then((data) => live && setState({ data, error: null }))
      .catch((error) => live && setState({ data: undefined, error }));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [state.data, state.error, () => setTick((t) => t + 1)];
}

export function Problem({ error }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert">
      {error.message}
      {error.field ? ` (${error.field})` : ''}
    </p>
  );
}

export function Loading({ data, error, children }) {
  if (error) return <Problem error={error} />;
  if (data === undefined) return <p class="loading">Loading…</p>;
  return children;
}

export function customerLink(id, text) {
  return <a href={`#/customer/${encodeURIComponent(id)}`}>{text || id}</a>;
}
