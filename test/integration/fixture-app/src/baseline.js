// The same page without localrec: what the size report subtracts to get what localrec adds.
import { fail, firstItemId, report } from './show.js';

try {
  const id = await firstItemId();
  report({ backend: 'none', backendReason: '', backendFailures: [] }, [id]);
} catch (error) {
  fail(error);
}
