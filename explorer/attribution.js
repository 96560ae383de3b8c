// The attribution module (0x…0a77) as the explorer needs it: function selectors and event topics
// to name calls and logs, a small Solidity-ABI decoder for their arguments and for the view results,
// and calldata for the views. The browser has no keccak without a bundle, so selectors and topics
// are written out here; test/rpc/explorer.test.ts checks every one (and every type list) against
// state/modules/attribution/abi.ts, and the decoder against ox's encoder.

export const ATTRIBUTION_ADDRESS = '0x0000000000000000000000000000000000000a77';

const tuple = (...components) => ({ tuple: components });
const array = (type) => ({ array: type });
const p = (name, type, indexed = false) => ({ name, type, indexed });

const FeeSplit = tuple(
  p('ownerBps', 'uint16'),
  p('contributorsBps', 'uint16'),
  p('validatorsBps', 'uint16'),
  p('treasuryBps', 'uint16'),
);
const Span = tuple(
  p('contributionId', 'uint64'),
  p('outputStart', 'uint32'),
  p('length', 'uint32'),
  p('chunkIndex', 'uint64'),
  p('chunkOffset', 'uint32'),
  p('chunks', array('bytes')),
  p('paths', array(array('bytes32'))),
);
const Params = tuple(
  p('chunkSize', 'uint32'),
  p('minSpanLength', 'uint32'),
  p('maxOutputBytes', 'uint32'),
  p('maxSpansPerRecord', 'uint32'),
  p('maxLoraDepth', 'uint32'),
  p('loraBaseShareBps', 'uint16'),
  p('challengeWindowSeconds', 'uint64'),
  p('challengeWindowBlocks', 'uint64'),
  p('minAttributionBond', 'uint256'),
  p('challengeRewardPerByte', 'uint256'),
  p('uncoveredToDatanets', 'bool'),
);
const Datanet = tuple(
  p('id', 'uint64'),
  p('owner', 'address'),
  p('policy', 'uint8'),
  p('bond', 'uint256'),
  p('name', 'string'),
  p('metadataURI', 'string'),
  p('license', 'string'),
  p('createdAt', 'uint64'),
  p('earned', 'uint256'),
);
const Model = tuple(
  p('id', 'uint64'),
  p('owner', 'address'),
  p('name', 'string'),
  p('metadataURI', 'string'),
  p('datanetIds', array('uint64')),
  p('baseModelId', 'uint64'),
  p('depth', 'uint32'),
  p('feePerInference', 'uint256'),
  p('feePerKiloByte', 'uint256'),
  p('split', FeeSplit),
  p('createdAt', 'uint64'),
  p('inferences', 'uint64'),
  p('feesCharged', 'uint256'),
);

/** Functions by selector: name, inputs, outputs. */
export const FUNCTIONS = {
  '0x8e6dae30': {
    name: 'createDatanet',
    inputs: [
      p('name', 'string'),
      p('metadataURI', 'string'),
      p('license', 'string'),
      p('policy', 'uint8'),
      p('bond', 'uint256'),
    ],
    outputs: [],
  },
  '0x1b39ec5b': {
    name: 'addContribution',
    inputs: [p('datanetId', 'uint64'), p('chunkRoot', 'bytes32'), p('size', 'uint64'), p('uri', 'string')],
    outputs: [],
  },
  '0x283bd4bc': { name: 'approveContribution', inputs: [p('contributionId', 'uint64')], outputs: [] },
  '0x426fe9df': { name: 'rejectContribution', inputs: [p('contributionId', 'uint64')], outputs: [] },
  '0xfcacc74b': {
    name: 'flagContribution',
    inputs: [p('contributionId', 'uint64'), p('reason', 'uint8')],
    outputs: [],
  },
  '0x5ee416f3': { name: 'withdrawBond', inputs: [p('contributionId', 'uint64')], outputs: [] },
  '0x1178bfdf': {
    name: 'registerModel',
    inputs: [
      p('name', 'string'),
      p('metadataURI', 'string'),
      p('datanetIds', array('uint64')),
      p('baseModelId', 'uint64'),
      p('feePerInference', 'uint256'),
      p('feePerKiloByte', 'uint256'),
      p('split', FeeSplit),
    ],
    outputs: [],
  },
  '0x9f7dcfc9': {
    name: 'recordInference',
    inputs: [p('modelId', 'uint64'), p('output', 'bytes'), p('spans', array(Span))],
    outputs: [],
  },
  '0x6bc8133f': {
    name: 'setOperator',
    inputs: [p('modelId', 'uint64'), p('operator', 'address'), p('allowed', 'bool')],
    outputs: [],
  },
  '0x685bcf16': { name: 'postAttributionBond', inputs: [p('modelId', 'uint64')], outputs: [] },
  '0x9f1bbe7a': { name: 'unlockAttributionBond', inputs: [p('modelId', 'uint64')], outputs: [] },
  '0x682ccbb7': { name: 'withdrawAttributionBond', inputs: [p('modelId', 'uint64')], outputs: [] },
  '0x695d3979': {
    name: 'challengeInference',
    inputs: [p('inferenceId', 'uint64'), p('output', 'bytes'), p('spans', array(Span))],
    outputs: [],
  },
  '0x90806864': { name: 'settleInference', inputs: [p('inferenceId', 'uint64')], outputs: [] },
  '0xcff0ab96': { name: 'params', inputs: [], outputs: [p('', Params)] },
  '0x817cc1ea': {
    name: 'counts',
    inputs: [],
    outputs: [
      p('datanets', 'uint64'),
      p('contributions', 'uint64'),
      p('models', 'uint64'),
      p('inferences', 'uint64'),
    ],
  },
  '0xff2db47c': { name: 'getDatanet', inputs: [p('datanetId', 'uint64')], outputs: [p('', Datanet)] },
  '0x9f5591ab': { name: 'getModel', inputs: [p('modelId', 'uint64')], outputs: [p('', Model)] },
  '0xb321e566': {
    name: 'contributorEarnings',
    inputs: [p('contributor', 'address')],
    outputs: [p('', 'uint256')],
  },
};

/** Events by topic0: name and parameters (indexed ones travel in topics 1..3). */
export const EVENTS = {
  '0x1e592a81838ef2ff156f999d5169bc51f8f2f6e5f4bcc02ac1a26caef43ef8d3': {
    name: 'DatanetCreated',
    inputs: [
      p('datanetId', 'uint64', true),
      p('owner', 'address', true),
      p('policy', 'uint8'),
      p('bond', 'uint256'),
      p('name', 'string'),
    ],
  },
  '0x6098e534a7120748872a61846d25ebd123b9d4b47acee8ac39bde9f64fdf4a3a': {
    name: 'ContributionAdded',
    inputs: [
      p('contributionId', 'uint64', true),
      p('datanetId', 'uint64', true),
      p('contributor', 'address', true),
      p('chunkRoot', 'bytes32'),
      p('size', 'uint64'),
      p('status', 'uint8'),
      p('bond', 'uint256'),
    ],
  },
  '0x7a708c307662b2278998d7cb7bbd7d1e1db64023dcdd73c6ae8910a26ba7404c': {
    name: 'ContributionApproved',
    inputs: [p('contributionId', 'uint64', true), p('datanetId', 'uint64', true)],
  },
  '0x965c21f4130c9858c029921bd784c7a26828f3003c0d95210f2d11183893b41d': {
    name: 'ContributionRejected',
    inputs: [p('contributionId', 'uint64', true), p('datanetId', 'uint64', true)],
  },
  '0xa69b20ebcbffec33a0ea49ea0245b31a1b1b97ae885463b57e4c3d6fb0d02a3c': {
    name: 'ContributionFlagged',
    inputs: [
      p('contributionId', 'uint64', true),
      p('datanetId', 'uint64', true),
      p('reason', 'uint8'),
      p('bondBurned', 'uint256'),
    ],
  },
  '0x7bfad6b0342a8f3dba0aaedc15d9decfbd97e893ed18b00f31f3d1e0f528bc92': {
    name: 'BondWithdrawn',
    inputs: [p('contributionId', 'uint64', true), p('contributor', 'address', true), p('amount', 'uint256')],
  },
  '0x24275571e11e679eeacac06b04415c6def473e0da9cd38082e4533283767a6da': {
    name: 'ModelRegistered',
    inputs: [
      p('modelId', 'uint64', true),
      p('owner', 'address', true),
      p('baseModelId', 'uint64', true),
      p('datanetIds', array('uint64')),
      p('feePerInference', 'uint256'),
      p('feePerKiloByte', 'uint256'),
      p('split', FeeSplit),
      p('name', 'string'),
    ],
  },
  '0x6ac6eb79c2b70326ee085229e4e19d6bd2ebe82d50cf69e0dcf9044c9c0ec8b7': {
    name: 'InferenceAttributed',
    inputs: [
      p('inferenceId', 'uint64', true),
      p('modelId', 'uint64', true),
      p('caller', 'address', true),
      p('fee', 'uint256'),
      p('outputHash', 'bytes32'),
      p('outputBytes', 'uint32'),
      p('attributedBytes', 'uint32'),
      p('lineage', array('uint64')),
      p('datanetIds', array('uint64')),
    ],
  },
  '0xc8dabaa9dc446c1e432a47a2132330bc5b1825a6d0c47b20b369f241d93fbc71': {
    name: 'RewardPaid',
    inputs: [
      p('inferenceId', 'uint64', true),
      p('recipient', 'address', true),
      p('role', 'uint8', true),
      p('refId', 'uint64'),
      p('amount', 'uint256'),
    ],
  },
  '0x7f45bbd009b9c6d5e30c7993cdd5bb734450f0c4b8872e39b07d6977db372bce': {
    name: 'OperatorSet',
    inputs: [p('modelId', 'uint64', true), p('operator', 'address', true), p('allowed', 'bool')],
  },
  '0x7f5f1110e9313e2ebfeb2fefecb91998d79e4cec39905854b2e2833da771484b': {
    name: 'AttributionBondPosted',
    inputs: [
      p('modelId', 'uint64', true),
      p('recorder', 'address', true),
      p('amount', 'uint256'),
      p('total', 'uint256'),
    ],
  },
  '0x10ac0402e3446b7e3be7792811982b6cda8c87131afac52465ad8efa314be571': {
    name: 'AttributionBondUnlocked',
    inputs: [p('modelId', 'uint64', true), p('recorder', 'address', true), p('withdrawableAt', 'uint64')],
  },
  '0xbcb4718e455b126601a7020010f8c60eecd2c4f6172a8e4c73d7c262fc6e0085': {
    name: 'AttributionBondWithdrawn',
    inputs: [p('modelId', 'uint64', true), p('recorder', 'address', true), p('amount', 'uint256')],
  },
  '0x86fefb785bf7bb5fa0ca76f970cff84abbda26c8d3b8291ba6987daac614bda8': {
    name: 'InferenceChallenged',
    inputs: [
      p('inferenceId', 'uint64', true),
      p('challenger', 'address', true),
      p('recorder', 'address', true),
      p('bytesMoved', 'uint32'),
      p('reward', 'uint256'),
      p('attributedBytes', 'uint32'),
    ],
  },
  '0x4b9362b51a77067c79f3306bf1ea065aa9b712a65e2c4a23a13e0a520da7c677': {
    name: 'InferenceSettled',
    inputs: [
      p('inferenceId', 'uint64', true),
      p('attributedBytes', 'uint32'),
      p('toContributors', 'uint256'),
      p('uncovered', 'uint256'),
    ],
  },
};

export const POLICY_NAMES = ['open', 'curated'];
export const ROLE_NAMES = [
  'model owner',
  'base model owner',
  'contributor',
  'validator',
  'treasury',
  'datanet owner',
  'challenger',
];

/** The canonical type string, as in a signature: "uint64[]", "(uint16,uint16)". */
export function canonicalType(type) {
  if (typeof type === 'string') return type;
  if (type.array !== undefined) return `${canonicalType(type.array)}[]`;
  return `(${type.tuple.map((c) => canonicalType(c.type)).join(',')})`;
}

/** "name(type,type)": what the selector or topic is the keccak of. */
export function signature(item) {
  return `${item.name}(${item.inputs.map((i) => canonicalType(i.type)).join(',')})`;
}

// --- decoding ------------------------------------------------------------------------------------

function isDynamic(type) {
  if (typeof type === 'string') return type === 'string' || type === 'bytes';
  if (type.array !== undefined) return true;
  return type.tuple.some((c) => isDynamic(c.type));
}

/** Bytes a value of this type takes in its tuple's head. */
function headSize(type) {
  if (typeof type === 'object' && type.tuple !== undefined && !isDynamic(type)) {
    return type.tuple.reduce((sum, c) => sum + headSize(c.type), 0);
  }
  return 32;
}

/** ABI data (hex without 0x) read by byte position, with every read bounds-checked. */
class Reader {
  constructor(hex) {
    if (typeof hex !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new Error('ABI data is not hex');
    this.hex = hex.slice(2).toLowerCase();
    this.length = this.hex.length / 2;
  }

  word(pos) {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos + 32 > this.length) {
      throw new Error(`ABI data too short: word at ${pos} of ${this.length} bytes`);
    }
    return this.hex.slice(pos * 2, pos * 2 + 64);
  }

  uint(pos) {
    return BigInt(`0x${this.word(pos)}`);
  }

  /** An offset or a length: must point inside the data. */
  size(pos) {
    const value = this.uint(pos);
    if (value > BigInt(this.length))
      throw new Error(`ABI offset or length ${value} past the end of the data`);
    return Number(value);
  }

  bytes(pos, length) {
    if (pos + length > this.length) throw new Error('ABI bytes past the end of the data');
    return `0x${this.hex.slice(pos * 2, (pos + length) * 2)}`;
  }
}

function decodeValue(type, r, pos) {
  if (typeof type === 'object') {
    if (type.array !== undefined) {
      const length = r.size(pos);
      return decodeTuple(
        Array.from({ length }, () => ({ type: type.array })),
        r,
        pos + 32,
      );
    }
    const values = decodeTuple(type.tuple, r, pos);
    return Object.fromEntries(type.tuple.map((c, i) => [c.name, values[i]]));
  }
  if (type === 'string' || type === 'bytes') {
    const length = r.size(pos);
    const hex = r.bytes(pos + 32, length);
    if (type === 'bytes') return hex;
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = Number.parseInt(hex.slice(2 + i * 2, 4 + i * 2), 16);
    return new TextDecoder().decode(bytes);
  }
  if (type === 'address') return `0x${r.word(pos).slice(24)}`;
  if (type === 'bool') return r.uint(pos) !== 0n;
  if (type.startsWith('bytes')) return `0x${r.word(pos).slice(0, Number(type.slice(5)) * 2)}`;
  if (type.startsWith('uint')) return r.uint(pos);
  throw new Error(`unsupported ABI type ${type}`);
}

/** A tuple's components starting at `base`; dynamic ones are offsets from `base`. */
function decodeTuple(components, r, base) {
  const values = [];
  let head = base;
  for (const c of components) {
    values.push(
      isDynamic(c.type) ? decodeValue(c.type, r, base + r.size(head)) : decodeValue(c.type, r, head),
    );
    head += headSize(c.type);
  }
  return values;
}

/** Decodes ABI data (0x hex) as the given parameters; returns an object keyed by parameter name. */
export function decodeParams(params, hex) {
  const values = decodeTuple(params, new Reader(hex), 0);
  return Object.fromEntries(params.map((param, i) => [param.name || String(i), values[i]]));
}

/** A transaction's input to the module: the function and its arguments, or null if unknown. */
export function decodeCall(input) {
  if (typeof input !== 'string' || input.length < 10) return null;
  const fn = FUNCTIONS[input.slice(0, 10).toLowerCase()];
  if (!fn) return null;
  try {
    return { name: fn.name, inputs: fn.inputs, args: decodeParams(fn.inputs, `0x${input.slice(10)}`) };
  } catch (err) {
    return { name: fn.name, inputs: fn.inputs, args: null, error: String(err?.message ?? err) };
  }
}

/** A log of the module: the event and its arguments (indexed ones from the topics), or null. */
export function decodeLog(log) {
  const event = EVENTS[String(log.topics?.[0] ?? '').toLowerCase()];
  if (!event) return null;
  try {
    const indexed = event.inputs.filter((i) => i.indexed);
    const args = decodeParams(
      event.inputs.filter((i) => !i.indexed),
      log.data,
    );
    indexed.forEach((param, i) => {
      const topic = log.topics[i + 1];
      if (topic === undefined) throw new Error('missing topic');
      args[param.name] = isDynamic(param.type) ? topic : decodeParams([param], topic)[param.name];
    });
    return { name: event.name, inputs: event.inputs, args };
  } catch (err) {
    return { name: event.name, inputs: event.inputs, args: null, error: String(err?.message ?? err) };
  }
}

/** A view's result, by function name. */
export function decodeResult(name, hex) {
  const fn = Object.values(FUNCTIONS).find((f) => f.name === name);
  if (!fn) throw new Error(`unknown function ${name}`);
  const values = decodeParams(fn.outputs, hex);
  return fn.outputs.length === 1 && fn.outputs[0].name === '' ? values['0'] : values;
}

// --- calldata for the views ----------------------------------------------------------------------

function selectorOf(name) {
  const entry = Object.entries(FUNCTIONS).find(([, f]) => f.name === name);
  if (!entry) throw new Error(`unknown function ${name}`);
  return entry[0];
}

function word(value) {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 256n) throw new RangeError('not a uint256');
  return value.toString(16).padStart(64, '0');
}

/** Calldata for a view whose arguments are all uints or addresses (every view the explorer calls). */
export function encodeCall(name, args = []) {
  const words = args.map((arg) =>
    typeof arg === 'string' && /^0x[0-9a-fA-F]{40}$/.test(arg)
      ? arg.slice(2).toLowerCase().padStart(64, '0')
      : word(arg),
  );
  return selectorOf(name) + words.join('');
}
