import { OnnxAttributeType, OnnxDataType, type OnnxAttribute, type OnnxEntry, type OnnxNode, type OnnxTensor } from './onnx-proto';

/** Attribute values as the exporter writes them: an int, a float, a list of ints, or a string. */
export type AttrValue = number | readonly number[] | string | { readonly float: number };

const attribute = (name: string, v: AttrValue): OnnxAttribute => {
  if (typeof v === 'string') return { name, type: OnnxAttributeType.string, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: OnnxAttributeType.int, i: v };
  if ('float' in v) return { name, type: OnnxAttributeType.float, f: v.float };
  return { name, type: OnnxAttributeType.ints, ints: [...(v as readonly number[])] };
};

const bytesOf = (a: Float32Array | Uint8Array | BigInt64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * A graph under construction: nodes in topological order and initializers, each value named once. The exporter
 * adds nodes as it walks the network; names derive from the parameter paths so a node says which layer it is.
 */
export interface GraphBuilder {
  readonly nodes: OnnxNode[];
  readonly initializers: OnnxTensor[];
  /** Adds a node and returns its (first) output's name. */
  readonly node: (opType: string, name: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>, meta?: { readonly doc?: string; readonly props?: readonly OnnxEntry[] }) => string;
  readonly floats: (name: string, dims: readonly number[], data: Float32Array) => string;
  readonly uint8s: (name: string, dims: readonly number[], data: Uint8Array) => string;
  readonly int64s: (name: string, values: readonly number[]) => string;
}

export const graphBuilder = (): GraphBuilder => {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const taken = new Set<string>();
  const unique = (name: string): string => {
    let n = name;
    for (let k = 1; taken.has(n); k++) n = `${name}_${k}`;
    taken.add(n);
    return n;
  };
  const tensor = (name: string, dims: readonly number[], dataType: number, data: Float32Array | Uint8Array | BigInt64Array): string => {
    const n = unique(name);
    initializers.push({ name: n, dims: [...dims], dataType, rawData: bytesOf(data) });
    return n;
  };
  return {
    nodes,
    initializers,
    node: (opType, name, inputs, attrs = {}, meta) => {
      const out = unique(name);
      nodes.push({
        name: out,
        opType,
        input: [...inputs],
        output: [out],
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
        ...(meta?.doc !== undefined ? { docString: meta.doc } : {}),
        ...(meta?.props !== undefined ? { metadataProps: meta.props } : {}),
      });
      return out;
    },
    floats: (name, dims, data) => tensor(name, dims, OnnxDataType.float, data),
    uint8s: (name, dims, data) => tensor(name, dims, OnnxDataType.uint8, data),
    int64s: (name, values) => tensor(name, [values.length], OnnxDataType.int64, BigInt64Array.from(values.map((v) => BigInt(v)))),
  };
};
