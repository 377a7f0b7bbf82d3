/**
 * Minimal ONNX protobuf writer.
 *
 * We only ever *write* models, so we embed the subset of onnx.proto (proto2,
 * same field numbers as upstream onnx/onnx.proto) that our graphs use and let
 * protobufjs encode plain objects against it. No runtime dependency on the
 * onnx Python package or on generated code.
 */
import protobuf from 'protobufjs';

const ONNX_PROTO_SUBSET = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
  }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  optional AttributeType type = 20;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
  optional string domain = 7;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** TensorProto.DataType values we use. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values we use. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
} as const;

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: DataTypeCode;
  /** Little-endian bytes of the tensor (the host is little-endian: x86/ARM). */
  raw_data: Uint8Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}

export interface NodeProto {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** A dimension is either fixed (number) or symbolic (dim_param name). */
export type Dim = number | string;

export interface ValueInfoProto {
  name: string;
  type: {
    tensor_type: {
      elem_type: DataTypeCode;
      shape: { dim: Array<{ dim_value: number } | { dim_param: string }> };
    };
  };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  ir_version: number;
  opset_import: Array<{ domain: string; version: number }>;
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: GraphProto;
  metadata_props?: Array<{ key: string; value: string }>;
}

let root: protobuf.Root | undefined;

function getType(name: 'ModelProto' | 'GraphProto' | 'TensorProto'): protobuf.Type {
  // keepCase: the field names above are ONNX's snake_case names.
  root ??= protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: true }).root;
  return root.lookupType(`onnx.${name}`);
}

/** ONNX protobuf files must stay below 2 GiB (protobuf's message size limit). */
export const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

/** A length-delimited field's key and length (wire type 2). */
function lengthPrefix(field: number, length: number): Uint8Array {
  const bytes = [(field << 3) | 2];
  for (let value = length; ; value = Math.floor(value / 128)) {
    if (value < 128) {
      bytes.push(value);
      break;
    }
    bytes.push((value % 128) | 128);
  }
  return Uint8Array.from(bytes);
}

/**
 * The model's protobuf bytes, assembled piece by piece: protobufjs encodes the small messages, and
 * every initializer's raw_data is copied once, straight into the output. Encoding the whole model
 * in one protobufjs call went quadratic above 1 GiB (its writer doubles its buffer with `<< 1`,
 * which overflows there, and then grows by exactly what each write needs, copying everything so
 * far: FastVLM-0.5B's 2 GB fp32 decoder took half an hour). Fields are written in the order
 * protobufjs writes them (by field number), so the bytes are the same as its encoding.
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const encode = (type: 'ModelProto' | 'GraphProto' | 'TensorProto', message: object): Uint8Array => getType(type).encode(message).finish();
  const { graph, opset_import, metadata_props, ...modelHead } = model;
  const { node, name, initializer, ...graphTail } = graph;
  const graphPieces: Uint8Array[] = [encode('GraphProto', { node, name })];
  for (const tensor of initializer) {
    // raw_data (9) is the last field our tensors set (doc_string, 12, never is).
    const { raw_data, ...below } = tensor;
    const pieces = [encode('TensorProto', below), lengthPrefix(9, raw_data.byteLength), raw_data];
    graphPieces.push(lengthPrefix(5, pieces.reduce((sum, piece) => sum + piece.byteLength, 0)), ...pieces);
  }
  graphPieces.push(encode('GraphProto', graphTail));
  const graphBytes = graphPieces.reduce((sum, piece) => sum + piece.byteLength, 0);
  const pieces = [encode('ModelProto', modelHead), lengthPrefix(7, graphBytes), ...graphPieces, encode('ModelProto', { opset_import, metadata_props })];
  const total = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
  if (total > MAX_PROTOBUF_BYTES) throw new Error(`ONNX model is ${total} bytes, above the 2 GiB protobuf limit`);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}

/** protobufjs' own encoding of the whole model in one call (for the test that encodeModel writes the same bytes). */
export function encodeModelInOneCall(model: ModelProto): Uint8Array {
  return getType('ModelProto').encode(model).finish();
}

export function makeValueInfo(name: string, elemType: DataTypeCode, shape: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
