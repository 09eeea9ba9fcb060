import { CancelledError, OptionError } from '../../errors';

/** Anything with a `stream()` method returning bytes, such as a `File` or `Blob`. */
export interface BlobLike {
  stream(): ReadableStream<Uint8Array>;
}

/** Every input shape the parsers accept. Bytes are decoded as UTF-8 unless told otherwise. */
export type ParseInput =
  | string
  | Uint8Array
  | ArrayBuffer
  | BlobLike
  | ReadableStream<Uint8Array>
  | AsyncIterable<string | Uint8Array>;

/** Yields the input as a sequence of string or byte chunks, without reading it all at once. */
export async function* readInputChunks(input: ParseInput): AsyncGenerator<string | Uint8Array> {
  if (typeof input === 'string') {
    yield input;
    return;
  }
  if (typeof input !== 'object' || input === null) throw unsupportedInput();
  if (input instanceof Uint8Array) {
    yield input;
    return;
  }
  if (input instanceof ArrayBuffer) {
    yield new Uint8Array(input);
    return;
  }
  if (ArrayBuffer.isView(input)) {
    const view = input as ArrayBufferView;
    yield new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    return;
  }
  if (isReadableStream(input)) {
    yield* readStream(input);
    return;
  }
  if (isBlobLike(input)) {
    yield* readStream(input.stream());
    return;
  }
  if (isAsyncIterable(input)) {
    for await (const chunk of input) {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        throw new OptionError(
          'Input chunks must be strings or Uint8Arrays; convert each chunk before parsing.',
        );
      }
      yield chunk;
    }
    return;
  }
  throw unsupportedInput();
}

function unsupportedInput(): OptionError {
  return new OptionError(
    'Unsupported input: pass a string, Uint8Array, ArrayBuffer, Blob/File, ReadableStream or async iterable of chunks.',
  );
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stop the producer when parsing ends early (an error or a cancelled import).
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function isReadableStream(input: object): input is ReadableStream<Uint8Array> {
  return typeof (input as { getReader?: unknown }).getReader === 'function';
}

function isBlobLike(input: object): input is BlobLike {
  return typeof (input as { stream?: unknown }).stream === 'function';
}

function isAsyncIterable(input: object): input is AsyncIterable<string | Uint8Array> {
  return (
    typeof (input as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Streams every chunk of `input` into `target.push`, checking `signal` between chunks.
 *
 * @throws CancelledError when the signal fires.
 */
export async function pushInput(
  input: ParseInput,
  target: { push(chunk: string | Uint8Array): void },
  signal: AbortSignal | undefined,
): Promise<void> {
  for await (const chunk of readInputChunks(input)) {
    throwIfImportAborted(signal);
    target.push(chunk);
  }
  throwIfImportAborted(signal);
}

function throwIfImportAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new CancelledError('The import was cancelled; start it again to load the data.');
}
