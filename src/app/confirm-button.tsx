import { useEffect, useId, useRef, useState } from 'react';

/** Props of {@link ConfirmButton}. */
export interface ConfirmButtonProps {
  readonly label: string;
  /** The question asked before acting. */
  readonly question: string;
  readonly confirmLabel: string;
  readonly cancelLabel?: string;
  readonly disabled?: boolean;
  readonly onConfirm: () => void;
}

/** A destructive action that asks first, inline (no browser dialog); focus moves to the question. */
export function ConfirmButton(props: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const questionId = useId();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    // Back from the question: focus returns to the button that asked it.
    else if (wasAsking.current) openerRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={openerRef}
        type="button"
        className="button button--danger"
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-labelledby={questionId}>
      <p id={questionId} className="confirm__question">
        {props.question}
      </p>
      <button
        ref={confirmRef}
        type="button"
        className="button button--danger"
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" className="button" onClick={() => setAsking(false)}>
        {props.cancelLabel ?? 'Cancel'}
      </button>
    </div>
  );
}
