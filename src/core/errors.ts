/**
 * Stable machine-readable codes for every error Hearth raises.
 * Codes never change meaning once published; add new ones instead.
 */
export type HearthErrorCode =
  | 'EMPTY_INPUT'
  | 'UNREADABLE_INPUT'
  | 'INVALID_ROW'
  | 'INVALID_OPTION'
  | 'UNKNOWN_FORMAT'
  | 'UNKNOWN_COLUMN'
  | 'NOT_ENOUGH_DATA'
  | 'MODEL_FILE_TRUNCATED'
  | 'MODEL_FILE_CORRUPT'
  | 'MODEL_FILE_VERSION'
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_FAILED'
  | 'TRAINING_CANCELLED'
  | 'UNKNOWN_ITEM'
  | 'DISPOSED'
  | 'STORAGE_QUOTA'
  | 'UPDATE_REJECTED'
  | 'CONSENT_REQUIRED'
  | 'SECURE_ROUND_REFUSED'
  | 'ROUND_REFUSED'
  | 'STORE_CORRUPT'
  | 'STORE_WRITE_FAILED'
  | 'LOG_TOO_LARGE';

/** Plain-object form of an error, safe to post across a worker boundary or print as JSON. */
export interface SerializedHearthError {
  readonly name: string;
  readonly code: HearthErrorCode;
  readonly message: string;
}

/**
 * Base class of every error Hearth throws on purpose. `code` is stable; `message` says what to do.
 */
export class HearthError extends Error {
  /** Stable code for programmatic handling. */
  readonly code: HearthErrorCode;

  constructor(code: HearthErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'HearthError';
  }

  /** Plain-object form for structured clone / JSON. */
  toJSON(): SerializedHearthError {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** Input data could not be used (empty, unreadable, malformed, unknown format or column). */
export class DataError extends HearthError {
  constructor(code: HearthErrorCode, message: string) {
    super(code, message);
    this.name = 'DataError';
  }
}

/** An option passed to a factory or call is out of range or inconsistent. */
export class OptionError extends HearthError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
    this.name = 'OptionError';
  }
}

/** A model file is truncated, corrupted or of an unsupported version. Nothing was loaded. */
export class ModelFileError extends HearthError {
  constructor(code: HearthErrorCode, message: string) {
    super(code, message);
    this.name = 'ModelFileError';
  }
}

/** A compute backend is missing or failed while running. */
export class BackendError extends HearthError {
  constructor(code: HearthErrorCode, message: string) {
    super(code, message);
    this.name = 'BackendError';
  }
}

/** Training was cancelled through its `AbortSignal`. */
export class CancelledError extends HearthError {
  constructor(message = 'Training was cancelled; start it again to get a model.') {
    super('TRAINING_CANCELLED', message);
    this.name = 'CancelledError';
  }
}

const ERROR_CLASSES: Record<string, new (code: HearthErrorCode, message: string) => HearthError> = {
  HearthError,
  DataError,
  ModelFileError,
  BackendError,
  OptionError: class extends OptionError {
    constructor(_code: HearthErrorCode, message: string) {
      super(message);
    }
  },
  CancelledError: class extends CancelledError {
    constructor(_code: HearthErrorCode, message: string) {
      super(message);
    }
  },
};

/** Serializes any thrown value into `{name, code, message}`; unknown errors become `HearthError`. */
export function serializeError(error: unknown): SerializedHearthError {
  if (error instanceof HearthError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'HearthError', code: 'BACKEND_FAILED', message };
}

/** Rebuilds an error of the original class from its serialized form. */
export function deserializeError(data: SerializedHearthError): HearthError {
  const Ctor = ERROR_CLASSES[data.name] ?? HearthError;
  const error = new Ctor(data.code, data.message);
  // The anonymous adapter subclasses would otherwise report their parent's name only by accident.
  error.name = data.name in ERROR_CLASSES ? data.name : 'HearthError';
  return error;
}

/** Throws `CancelledError` if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
