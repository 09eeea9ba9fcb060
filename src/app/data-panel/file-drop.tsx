import { useId, useState, type DragEvent } from 'react';
import { formatBytes } from '../format';

/** Props of {@link FileDrop}. */
export interface FileDropProps {
  /** Visible label of the file picker. */
  readonly label: string;
  /** What the files may hold, shown under the drop zone. */
  readonly hint: string;
  /** The `accept` attribute of the file input. */
  readonly accept: string;
  readonly disabled?: boolean;
  readonly onFile: (file: File) => void;
}

/** A drop zone for one file, with a real (keyboard-accessible) file input inside. */
export function FileDrop(props: FileDropProps) {
  const id = useId();
  const [over, setOver] = useState(false);
  const [chosen, setChosen] = useState<File | null>(null);

  const take = (file: File | undefined): void => {
    if (!file || props.disabled) return;
    setChosen(file);
    props.onFile(file);
  };

  const onDrop = (event: DragEvent): void => {
    event.preventDefault();
    setOver(false);
    take(event.dataTransfer.files[0]);
  };

  return (
    <div
      className={over ? 'drop drop--over' : 'drop'}
      onDragOver={(event) => {
        event.preventDefault();
        if (!props.disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="drop-zone"
    >
      <label htmlFor={id} className="drop__label">
        {props.label}
      </label>
      <input
        id={id}
        type="file"
        accept={props.accept}
        disabled={props.disabled}
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          take(event.target.files?.[0]);
          // Let the same file be chosen again after fixing it.
          event.target.value = '';
        }}
      />
      <p id={`${id}-hint`} className="help">
        {props.hint} Or drop a file here.
      </p>
      {chosen ? (
        <p className="drop__file">
          Selected: <strong>{chosen.name}</strong> ({formatBytes(chosen.size)})
        </p>
      ) : null}
    </div>
  );
}
