import type { LoadPreview as Preview } from '../../api/types';
import { FactsGrid, Rejections } from './LoadResult';

/** A few examples of one kind of change, and how many more there are. */
function Samples({ title, total, items }: { title: string; total: number; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div class="samples">
      <h4>{title}</h4>
      <ul>
        {items.map((s, i) => (
          <li key={i}>{s}</li>
        ))}
        {total > items.length && <li class="muted">… and {(total - items.length).toLocaleString()} more</li>}
      </ul>
    </div>
  );
}

/** What a dry run found the load would do: counts, examples, and the refusal the real load would meet. */
export function LoadPreview({ preview }: { preview: Preview }) {
  const s = preview.samples;
  return (
    <div class="load-preview">
      <FactsGrid
        facts={[
          ['Accounts now', preview.accountsOnSource],
          ['Rows', preview.rows],
          ['Added', preview.added],
          ['Updated', preview.updated],
          ['Unchanged', preview.unchanged],
          ['Removed', preview.removed],
          ['Rejected', preview.rejected],
          ['New identities', preview.identitiesCreated],
          ['Identities removed', preview.identitiesRemoved],
        ]}
      />
      <div class="samples-grid">
        <Samples
          title="Added"
          total={preview.added}
          items={s.added.map((a) => `${a.name} (${a.nativeIdentity}, line ${a.line})`)}
        />
        <Samples
          title="Updated"
          total={preview.updated}
          items={s.updated.map((a) => `${a.name} (${a.nativeIdentity}): ${a.changed.join(', ')}`)}
        />
        <Samples
          title="Removed"
          total={preview.removed}
          items={s.removed.map((a) => `${a.name} (${a.nativeIdentity})`)}
        />
        <Samples
          title="New identities"
          total={preview.identitiesCreated}
          items={s.identitiesCreated.map((a) => a.name)}
        />
        <Samples
          title="Identities removed"
          total={preview.identitiesRemoved}
          items={s.identitiesRemoved.map((a) => a.name)}
        />
      </div>
      <Rejections rejections={preview.rejections} />
      {preview.refusal && (
        <p class="notice" role="status">
          {preview.refusal}
        </p>
      )}
    </div>
  );
}
