import type { ObjectImportResult } from '../../api/types';

type Message = ObjectImportResult['infos'][number];
const nameOf = (m: Message) => String(m.details.imported?.name ?? m.details.object?.name ?? '');

/** What an import did (or, for a dry run, would do): created, updated, warnings, errors. */
export function ImportReport({ result, dryRun }: { result: ObjectImportResult; dryRun?: boolean }) {
  const created = result.infos.filter((m) => m.key === 'CREATED');
  const updated = result.infos.filter((m) => m.key === 'UPDATED');
  const heading = dryRun ? 'What the import would do' : 'Import done';
  return (
    <section class="report" aria-label={heading}>
      <h3>{heading}</h3>
      <ul class="summary-list">
        <li>
          {dryRun ? 'Would create' : 'Created'}: <b>{created.length}</b>{' '}
          {created.length > 0 && <span class="muted">({created.map(nameOf).join(', ')})</span>}
        </li>
        <li>
          {dryRun ? 'Would update' : 'Updated'}: <b>{updated.length}</b>{' '}
          {updated.length > 0 && <span class="muted">({updated.map(nameOf).join(', ')})</span>}
        </li>
        {result.errors.length > 0 && (
          <li>
            {dryRun ? 'Would fail' : 'Failed'}: <b>{result.errors.length}</b>
          </li>
        )}
      </ul>
      {[...result.warnings, ...result.errors].length > 0 && (
        <ul class="messages">
          {result.warnings.map((m, i) => (
            <li key={`w${i}`} class="warn">
              {m.text}
            </li>
          ))}
          {result.errors.map((m, i) => (
            <li key={`e${i}`} class="error-item">
              {m.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
