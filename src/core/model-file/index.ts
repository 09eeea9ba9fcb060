export { crc32 } from './crc32';
export { decodeModelFile } from './decode-model-file';
export { encodeModelFile } from './encode-model-file';
export type { JsonObject, JsonPrimitive, JsonValue } from './json-value';
export {
  DTYPE_BYTES,
  DTYPE_MIN_VERSION,
  MIN_MODEL_FILE_VERSION,
  MODEL_FILE_VERSION,
  MODEL_TENSOR_DTYPES,
  type ModelFileContent,
  type ModelTensor,
  type ModelTensorDType,
  type ModelTensorEntry,
} from './model-file-format';
export { sniffModelFile, type ModelFileSniff } from './sniff-model-file';
