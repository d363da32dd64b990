import { deleteTransform } from '../../api/transforms';
import type { Transform } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorBox } from '../../components/ErrorBox';
import { useAction } from '../../lib/hooks';
import { navigate } from '../../lib/router';

/** Confirms a delete; the server refuses (400, naming them) while profiles or transforms reference it. */
export function DeleteTransformDialog({ transform, onClose }: { transform: Transform; onClose: () => void }) {
  const remove = useAction(async () => {
    await deleteTransform(transform.id);
    navigate('/transforms', { replace: true });
  });
  return (
    <Dialog title={`Delete ${transform.name}?`} onClose={onClose}>
      <p>
        The transform <b>{transform.name}</b> (<code>{transform.type}</code>) will be deleted. This cannot be undone.
      </p>
      <p class="hint">The server refuses while an identity profile mapping or another transform references it.</p>
      <ErrorBox error={remove.error} title="Not deleted" />
      <div class="buttons">
        <button type="button" onClick={onClose} autoFocus>
          {remove.error ? 'Close' : 'Cancel'}
        </button>
        <button type="button" class="danger" disabled={remove.busy || !!remove.error} onClick={() => void remove.run()}>
          {remove.busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Dialog>
  );
}
