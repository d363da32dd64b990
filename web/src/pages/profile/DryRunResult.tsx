import type { AttributeChangeSummary } from '../../api/types';
import { BarChart } from '../../components/BarChart';
import { plural, show } from '../../lib/format';

/** A dry run's outcome: identities that would change, per attribute (bar chart), with before/after samples. */
export function DryRunResult({ changes, total }: { changes: AttributeChangeSummary[]; total: number }) {
  if (changes.length === 0) return <p class="ok-text">No identity would change.</p>;
  return (
    <div class="dry-run">
      <h3>Would change, per attribute</h3>
      <BarChart
        label={`Identities that would change per attribute, out of ${total}: ${changes.map((c) => `${c.attribute} ${c.identities}`).join(', ')}`}
        items={changes.map((c) => ({ name: c.attribute, value: c.identities }))}
        total={total}
      />
      {changes.map((c) => (
        <details key={c.attribute}>
          <summary>
            {c.attribute}: {plural(c.identities, 'identity', 'identities')}
          </summary>
          <table class="samples">
            <thead>
              <tr>
                <th scope="col">Identity</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {c.samples.map((s) => (
                <tr key={s.identityId}>
                  <th scope="row">{s.name}</th>
                  <td class="value muted">{show(s.before)}</td>
                  <td class="value">{show(s.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}
