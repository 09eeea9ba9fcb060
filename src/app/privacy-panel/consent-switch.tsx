import { useId, type ReactNode } from 'react';

/**
 * An on/off switch: a native checkbox exposed as `role="switch"`, so it is focusable, toggles with
 * Space, and is announced as a switch that is on or off, with its visible label as its name.
 */
export function ConsentSwitch({
  checked,
  disabled,
  onChange,
  children,
  describedBy,
  testId,
}: {
  readonly checked: boolean;
  readonly disabled: boolean;
  readonly onChange: (checked: boolean) => void;
  /** The label. */
  readonly children: ReactNode;
  /** Id of the element saying what the switch currently means. */
  readonly describedBy?: string;
  readonly testId?: string;
}) {
  const id = useId();
  return (
    <div className="switch-field">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{children}</label>
    </div>
  );
}
