import { waitForTask, type TestApp } from './app.js';
import { multipartFile } from './multipart.js';

/**
 * Loads a CSV into a source, then waits for the load and for the processing run it asked for
 * (its result names it); returns that run's task. A load that does not succeed throws.
 */
export async function loadAndProcess(t: TestApp, headers: Record<string, string>, sourceId: string, csv: string): Promise<any> {
  const file = multipartFile('file', 'accounts.csv', csv);
  const res = await t.app.inject({ method: 'POST', url: `/v3/sources/${sourceId}/load-accounts`, payload: file.payload, headers: { ...headers, ...file.headers } });
  const done = await waitForTask(t, res.json().task.id);
  if (done.completionStatus !== 'Success') throw new Error(`load ended ${done.completionStatus}: ${JSON.stringify(done.messages)}`);
  return waitForTask(t, done.result.processingTaskIds[0]);
}
