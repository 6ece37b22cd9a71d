import protobuf from 'protobufjs';

/*
 * The subset of ONNX's protobuf schema (onnx.proto, IR version 10) that the exporter writes, declared by hand with
 * the official field numbers: a model, its graph, nodes with attributes and metadata, initializers as raw
 * little-endian data, and typed inputs/outputs. protobufjs encodes it; nothing here depends on a generated file.
 */
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });
const field = (type: string, id: number) => ({ type, id });

const ONNX_SUBSET = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: field('int64', 1),
            producerName: field('string', 2),
            producerVersion: field('string', 3),
            docString: field('string', 6),
            graph: field('GraphProto', 7),
            opsetImport: repeated('OperatorSetIdProto', 8),
            metadataProps: repeated('StringStringEntryProto', 14),
          },
        },
        OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
        StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: field('string', 2),
            initializer: repeated('TensorProto', 5),
            docString: field('string', 10),
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: field('string', 3),
            opType: field('string', 4),
            attribute: repeated('AttributeProto', 5),
            docString: field('string', 6),
            domain: field('string', 7),
            metadataProps: repeated('StringStringEntryProto', 9),
          },
        },
        AttributeProto: {
          fields: {
            name: field('string', 1),
            f: field('float', 2),
            i: field('int64', 3),
            s: field('bytes', 4),
            ints: repeated('int64', 8),
            type: field('int32', 20),
          },
        },
        TensorProto: { fields: { dims: repeated('int64', 1), dataType: field('int32', 2), name: field('string', 8), rawData: field('bytes', 9) } },
        ValueInfoProto: { fields: { name: field('string', 1), type: field('TypeProto', 2) } },
        TypeProto: { fields: { tensorType: field('TensorTypeProto', 1) } },
        TensorTypeProto: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } },
        TensorShapeProto: { fields: { dim: repeated('DimensionProto', 1) } },
        DimensionProto: { fields: { dimValue: field('int64', 1), dimParam: field('string', 2) } },
      },
    },
  },
};

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { float: 1, uint8: 2, int64: 7 } as const;
/** ONNX AttributeProto.AttributeType values used here. */
export const OnnxAttributeType = { float: 1, int: 2, string: 3, ints: 7 } as const;

export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly ints?: readonly number[];
}
export interface OnnxEntry {
  readonly key: string;
  readonly value: string;
}
export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly OnnxAttribute[];
  readonly docString?: string;
  readonly metadataProps?: readonly OnnxEntry[];
}
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly rawData: Uint8Array;
}
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: { readonly tensorType: { readonly elemType: number; readonly shape: { readonly dim: readonly ({ readonly dimValue: number } | { readonly dimParam: string })[] } } };
}
export interface OnnxModel {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  readonly opsetImport: readonly { readonly domain: string; readonly version: number }[];
  readonly metadataProps: readonly OnnxEntry[];
  readonly graph: {
    readonly name: string;
    readonly node: readonly OnnxNode[];
    readonly initializer: readonly OnnxTensor[];
    readonly input: readonly OnnxValueInfo[];
    readonly output: readonly OnnxValueInfo[];
  };
}

const root = protobuf.Root.fromJSON(ONNX_SUBSET);
const ModelProto = root.lookupType('onnx.ModelProto');

/** The protobuf bytes of a model (what a `.onnx` file holds). */
export const encodeOnnxModel = (model: OnnxModel): Uint8Array => {
  const problem = ModelProto.verify(model);
  if (problem !== null) throw new Error(`ONNX model: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
};

/** A model read back from its bytes (numbers as numbers, bytes as Uint8Array): for tests and tools. */
export const decodeOnnxModel = (bytes: Uint8Array): OnnxModel =>
  ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false, arrays: true }) as unknown as OnnxModel;
