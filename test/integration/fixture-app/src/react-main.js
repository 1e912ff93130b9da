// A React storefront in StrictMode, with the README's hook (no JSX, so no plugin is needed).
import { createElement as h, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createRecommender } from 'localrec';
import { BACKEND, CATALOG, fail, firstItemId, report } from './show.js';

/** The README's React pattern: one recommender per mounted component, disposed on clean-up. */
function useRecommender(options) {
  const [rec, setRec] = useState(null);
  useEffect(() => {
    const starting = createRecommender(options);
    setRec(starting); // usable at once: calls wait for start-up
    return () => starting.dispose(); // StrictMode mounts twice: the first one stops at once
  }, []);
  return rec;
}

function Recommended() {
  const rec = useRecommender({ catalog: CATALOG, backend: BACKEND, storage: { persist: false } });
  const [items, setItems] = useState(null);
  useEffect(() => {
    if (!rec) return undefined;
    let live = true;
    (async () => {
      await rec.track({ type: 'view', itemId: await firstItemId() });
      const recs = await rec.recommend({ k: 5 });
      if (live) setItems({ status: (await rec).status(), ids: recs.map((r) => r.itemId) });
    })().catch((error) => {
      if (error?.code !== 'DISPOSED') fail(error); // a disposed recommender's calls end so
    });
    return () => {
      live = false;
    };
  }, [rec]);
  useEffect(() => {
    if (items) report(items.status, items.ids);
  }, [items]);
  return h('p', null, items ? `${items.ids.length} picks` : 'Loading…');
}

createRoot(document.querySelector('#app')).render(h(StrictMode, null, h(Recommended)));
