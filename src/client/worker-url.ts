/** The worker bundle's file name; the build puts it next to the loader. */
export const WORKER_FILE = 'localrec.worker.js';

let scriptBase: string | undefined;

/** Set by the script-tag entry: the URL its <script> was loaded from. */
export function setScriptBase(url: string | undefined): void {
  scriptBase = url;
}

/** Where the worker lives unless `options.workerUrl` says otherwise: next to this loader file. */
export function defaultWorkerUrl(): URL {
  // Built from a variable so bundlers leave it alone instead of trying to inline the worker.
  const file = WORKER_FILE;
  // In the script-tag bundle import.meta.url is undefined; the page's base is the last resort.
  const here: string | undefined = import.meta.url;
  return new URL(file, scriptBase ?? here ?? document.baseURI);
}
