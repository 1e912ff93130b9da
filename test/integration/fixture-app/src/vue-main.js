// A Vue 3 storefront (render function, so no SFC compiler is needed), with the README's pattern.
import { createApp, defineComponent, h, onBeforeUnmount, onMounted, ref } from 'vue';
import { createRecommender } from 'localrec';
// A bare import defines the elements: the bundle must keep it (package.json sideEffects).
import 'localrec/widgets';
import { connectWidgets } from 'localrec/widgets';
import { BACKEND, CATALOG, fail, firstItemId, report } from './show.js';

const Recommended = defineComponent({
  setup() {
    const count = ref(0);
    let rec = null;
    onMounted(async () => {
      rec = createRecommender({ catalog: CATALOG, backend: BACKEND, storage: { persist: false } });
      // The drop-in widget beside the store's own list.
      document.body.append(document.createElement('localrec-recommendations'));
      connectWidgets(rec);
      try {
        await rec.track({ type: 'view', itemId: await firstItemId() });
        const recs = await rec.recommend({ k: 5 });
        count.value = recs.length;
        report((await rec).status(), recs.map((r) => r.itemId));
      } catch (error) {
        if (error?.code !== 'DISPOSED') fail(error);
      }
    });
    onBeforeUnmount(() => rec?.dispose());
    return () => h('p', null, `${count.value} picks`);
  },
});

createApp(Recommended).mount('#app');
