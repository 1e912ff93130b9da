// What every fixture store page does with localrec: track a view, show recommendations, and say
// on <body> how it went (the test reads data-state, data-backend and the list).
export const CATALOG = '/items.jsonl';
/** The backend to ask for: `?backend=…` (the test forces each one), else 'auto'. */
export const BACKEND = new URLSearchParams(location.search).get('backend') ?? 'auto';

export async function firstItemId() {
  const text = await (await fetch(CATALOG)).text();
  return JSON.parse(text.slice(0, text.indexOf('\n'))).id;
}

export function report(status, ids) {
  const list = document.querySelector('#recs');
  list.replaceChildren(...ids.map((id) => Object.assign(document.createElement('li'), { textContent: id })));
  document.body.dataset.backend = status.backend;
  document.body.dataset.backendReason = `${status.backendReason} ${JSON.stringify(status.backendFailures)}`;
  document.body.dataset.state = 'done';
}

export function fail(error) {
  document.body.dataset.state = 'error';
  document.body.dataset.error = `${error?.code ?? ''} ${error?.message ?? String(error)}`;
}
