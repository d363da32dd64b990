import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/**
 * A modal dialog (native `<dialog>`: focus is trapped, Escape closes it, the page behind is inert).
 * Focus returns to where it was when it closes.
 */
export function Dialog({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const leaving = useRef(false);
  const titleId = useId();
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const dialog = ref.current;
    dialog?.showModal();
    // Start in the first field rather than on the close button.
    dialog?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    return () => {
      // Leave the modal state, and give focus back once the dialog is gone from the page (the
      // element removal would otherwise drop focus to <body>).
      leaving.current = true;
      dialog?.close();
      setTimeout(() => previous?.isConnected && previous.focus(), 0);
    };
  }, []);
  const close = () => {
    if (!leaving.current) onClose();
  };
  return (
    <dialog
      ref={ref}
      class={wide ? 'wide' : undefined}
      aria-labelledby={titleId}
      onClose={close}
      onCancel={(e) => (e.preventDefault(), close())}
    >
      <header class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon" aria-label="Close" onClick={close}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}
