import type { LoadOutcome, LoadSummary } from '../../api/types';

type Facts = Array<[string, number | undefined]>;

/** Counts as a grid of labelled numbers; a non-zero "Rejected" stands out. */
export function FactsGrid({ facts }: { facts: Facts }) {
  return (
    <dl class="facts-grid">
      {facts
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => (
          <div key={k} class={k === 'Rejected' && v ? 'bad' : undefined}>
            <dt>{k}</dt>
            <dd>{v!.toLocaleString()}</dd>
          </div>
        ))}
    </dl>
  );
}

export function Rejections({ rejections }: { rejections: LoadSummary['rejections'] }) {
  if (rejections.length === 0) return null;
  return (
    <table class="rejections">
      <caption>Rejected rows</caption>
      <thead>
        <tr>
          <th scope="col">Line</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {rejections.map((r) => (
          <tr key={r.line}>
            <td>{r.line}</td>
            <td>{r.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What a finished load did. */
export function LoadResult({ result }: { result: LoadOutcome }) {
  return (
    <div class="load-result">
      <FactsGrid
        facts={[
          ['Rows', result.rows],
          ['Added', result.added],
          ['Updated', result.updated],
          ['Unchanged', result.unchanged],
          ['Removed', result.removed],
          ['Rejected', result.rejected],
          ['New identities', result.identitiesCreated],
          ['Identities removed', result.identitiesRemoved],
        ]}
      />
      <Rejections rejections={result.rejections} />
    </div>
  );
}
